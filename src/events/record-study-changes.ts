/**
 * The outbox writer for loaded studies: called by the loader inside each batch's transaction, after the
 * batch's studies are written, so a version and its event exist exactly when the load committed.
 *
 * For every study the batch wrote it compares the stored content (studies.content_hash, after the upsert)
 * with the study's latest version in study_versions:
 * - no version yet: a new Study version and study.created;
 * - the latest version was removed: study.created with `restored` (a new version if the content changed);
 * - another content hash: a new version, the previous one closed, and study.updated with the field diff;
 * - the same content: nothing (a rewrite that changed nothing, e.g. a later duplicate of the same record).
 * valid_from and occurredAt are the start of the run, the same instant for every change a run makes.
 */

import { diffStudies, type FieldChange } from '../domain/study-diff.ts';
import { STUDY_SCHEMA_VERSION, type StudyDocument } from '../domain/study-document.ts';
import { studyFromProjection } from '../domain/study-from-projection.ts';
import { CopyBuffer } from '../store/copy-text.ts';
import type { Queryable } from '../store/db.ts';
import type { StudyProjection } from '../transform/study-projection.ts';
import { type StudyEventType, studyEventId } from './study-event.ts';

export interface RecordedChanges {
  created: number;
  updated: number;
  /** Of `created`: studies back after a removal. */
  restored: number;
}

interface StoredState {
  nct_id: string;
  version: number;
  content_hash: string;
  removed: boolean;
  last_version: number | null;
  last_hash: string | null;
  last_document: StudyDocument | null;
  last_removed: boolean | null;
}

interface NewVersion {
  nctId: string;
  version: number;
  contentHash: string;
  document: StudyDocument;
}

interface OutboxRow {
  type: StudyEventType;
  nctId: string;
  version: number;
  payload: { changes: FieldChange[]; restored: boolean; removal: null };
}

/** Records versions and events for the studies `written` by load run `runId`, in its transaction `tx`. */
export async function recordStudyChanges(
  tx: Queryable,
  runId: string,
  written: readonly StudyProjection[],
): Promise<RecordedChanges> {
  const counts: RecordedChanges = { created: 0, updated: 0, restored: 0 };
  if (written.length === 0) return counts;
  const states = await selectStoredStates(
    tx,
    written.map((s) => s.nctId),
  );
  const inserts: NewVersion[] = [];
  // Studies whose current version a new one replaces (a new study has none to close).
  const superseded: string[] = [];
  const reopened: string[] = [];
  const events: OutboxRow[] = [];
  for (const study of written) {
    const state = states.get(study.nctId);
    // Not stored as this content (the loader wrote another record of the id): not this study's version.
    if (!state || state.removed || state.content_hash !== study.contentHash) continue;
    const document = studyFromProjection(study);
    if (state.last_version === null || state.last_document === null) {
      inserts.push({ nctId: study.nctId, version: state.version, contentHash: study.contentHash, document });
      events.push(event('study.created', study.nctId, state.version, [], false));
      counts.created++;
      continue;
    }
    const sameContent = state.last_hash === study.contentHash;
    if (sameContent && !state.last_removed) continue;
    // A new content always gets a new version number, even if studies.version did not move (a hash
    // definition change after `cds rebuild`): versions are never rewritten.
    const version = sameContent ? state.last_version : Math.max(state.version, state.last_version + 1);
    if (sameContent) reopened.push(study.nctId);
    else {
      inserts.push({ nctId: study.nctId, version, contentHash: study.contentHash, document });
      superseded.push(study.nctId);
    }
    const changes = sameContent ? [] : diffStudies(state.last_document, document);
    if (state.last_removed) {
      events.push(event('study.created', study.nctId, version, changes, true));
      counts.created++;
      counts.restored++;
    } else {
      events.push(event('study.updated', study.nctId, version, changes, false));
      counts.updated++;
    }
  }
  await closeVersions(tx, runId, superseded);
  await reopenVersions(tx, reopened);
  await insertVersions(tx, runId, inserts);
  await insertOutboxEvents(tx, runId, events);
  return counts;
}

function event(
  type: StudyEventType,
  nctId: string,
  version: number,
  changes: FieldChange[],
  restored: boolean,
): OutboxRow {
  return { type, nctId, version, payload: { changes, restored, removal: null } };
}

/** Each study's stored state after the upsert, and its latest recorded version. */
async function selectStoredStates(tx: Queryable, ids: readonly string[]): Promise<Map<string, StoredState>> {
  const { rows } = await tx.query<StoredState>(
    `select s.nct_id, s.version, s.content_hash, s.removed_at is not null as removed,
            v.version as last_version, v.content_hash as last_hash, v.document as last_document,
            v.removed_at is not null as last_removed
     from studies s
     left join lateral (
       select version, content_hash, document, removed_at from study_versions
       where nct_id = s.nct_id order by version desc limit 1
     ) v on true
     where s.nct_id = any($1::text[])`,
    [ids],
  );
  return new Map(rows.map((r) => [r.nct_id, r]));
}

/** Ends the current version of each study that gets a new one, at the run's start. */
async function closeVersions(tx: Queryable, runId: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.query(
    `update study_versions v set valid_to = ${RUN_STARTED}
     where v.nct_id = any($2::text[]) and v.valid_to is null`,
    [runId, ids],
  );
}

/** A study back with the content it had when it was removed: its last version is current again. */
async function reopenVersions(tx: Queryable, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.query(
    `update study_versions v set valid_to = null, removed_at = null, removed_reason = null
     where (v.nct_id, v.version) in (
       select nct_id, max(version) from study_versions where nct_id = any($1::text[]) group by nct_id)`,
    [ids],
  );
}

/** The run's start: the valid-from of every version the run records (now() if the run has no row). */
export const RUN_STARTED = `coalesce((select started_at from runs where id = $1), now())`;

const VERSION_COLUMNS = [
  'nct_id',
  'version',
  'content_hash',
  'schema_version',
  'document',
  'run_id',
  'valid_from',
] as const;

/**
 * COPYs the new versions in. Their documents (~5–10 KB of JSON each) as a text[] parameter cost the loader
 * ~0.17 ms per study in the driver's array quoting; COPY text only escapes what needs it.
 */
async function insertVersions(tx: Queryable, runId: string, versions: readonly NewVersion[]): Promise<void> {
  if (versions.length === 0) return;
  // As text: a timestamptz read into a JS Date would lose its microseconds.
  const { rows } = await tx.query<{ valid_from: string }>(`select (${RUN_STARTED})::text as valid_from`, [
    runId,
  ]);
  const validFrom = rows[0]!.valid_from;
  const copy = new CopyBuffer();
  for (const v of versions) {
    copy.row(
      {
        nct_id: v.nctId,
        version: v.version,
        content_hash: v.contentHash,
        schema_version: STUDY_SCHEMA_VERSION,
        document: JSON.stringify(v.document),
        run_id: runId,
        valid_from: validFrom,
      },
      VERSION_COLUMNS,
    );
  }
  await copy.copyInto(tx, 'study_versions', VERSION_COLUMNS);
}

/** Appends events to the outbox in the given order (their seq order), at the run's start. */
export async function insertOutboxEvents(
  tx: Queryable,
  runId: string,
  events: readonly {
    type: StudyEventType;
    nctId: string;
    version: number;
    payload: Record<string, unknown>;
  }[],
): Promise<void> {
  if (events.length === 0) return;
  await tx.query(
    `insert into outbox (event_id, type, nct_id, version, run_id, occurred_at, payload)
     select u.event_id, u.type, u.nct_id, u.version, $1, ${RUN_STARTED}, u.payload::jsonb
     from unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::text[])
          with ordinality as u(event_id, type, nct_id, version, payload, ord)
     order by u.ord`,
    [
      runId,
      events.map((e) => studyEventId(e.type, e.nctId, e.version, runId)),
      events.map((e) => e.type),
      events.map((e) => e.nctId),
      events.map((e) => e.version),
      events.map((e) => JSON.stringify(e.payload)),
    ],
  );
}
