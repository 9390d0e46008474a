/**
 * One batch of a load run, in one transaction: a study is never visible half-replaced, and a crash leaves
 * whole batches behind, which a re-run skips as unchanged (content hash).
 *
 * In order: resolve duplicates against earlier batches of the run (run_seen), look up the stored content
 * hashes, skip unchanged studies, write new and changed ones (write-studies.ts), record the ids seen,
 * quarantine the records that cannot be stored, keep the warnings.
 */
import { recordStudyChanges } from '../events/record-study-changes.ts';
import type { FieldWarning, QuarantinedRecord, StudyProjection } from '../transform/study-projection.ts';
import { applyBulkSettings, type BulkSettings } from './bulk-settings.ts';
import type { Queryable } from './db.ts';
import { writeLoadedStudies } from './write-studies.ts';

export interface LoadBatch {
  /** Valid studies, at most one per NCT id (duplicates inside the batch are already resolved). */
  studies: StudyProjection[];
  /** Each study's record text as received, stored as its document (nctId → text). */
  documentTexts: ReadonlyMap<string, string>;
  quarantined: QuarantinedRecord[];
  /** Warnings to keep in run_warnings (the run's first ones; all are counted by the caller). */
  warningsToStore: { nctId: string; warning: FieldWarning }[];
}

export interface BatchCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  /** Studies already seen in an earlier batch of the run (whichever version won). */
  duplicates: number;
  quarantined: number;
  /** Of `updated`: studies that were marked removed and are back. */
  restored: number;
  /** Child rows written (all child tables). */
  childRows: number;
}

/** Runs `batch` in the transaction `tx` of run `runId`. */
export async function loadBatch(
  tx: Queryable,
  runId: string,
  batch: LoadBatch,
  settings: BulkSettings,
): Promise<BatchCounts> {
  const counts: BatchCounts = {
    inserted: 0,
    updated: 0,
    unchanged: 0,
    duplicates: 0,
    quarantined: batch.quarantined.length,
    restored: 0,
    childRows: 0,
  };
  await applyBulkSettings(tx, settings);

  const ids = batch.studies.map((s) => s.nctId);
  const seen = await selectSeen(tx, runId, ids);
  const candidates: { study: StudyProjection; duplicate: boolean }[] = [];
  for (const study of batch.studies) {
    const earlier = seen.get(study.nctId);
    if (earlier === undefined) {
      candidates.push({ study, duplicate: false });
      continue;
    }
    // Seen in an earlier batch: counted as a duplicate either way; the later lastUpdatePostDate wins.
    counts.duplicates++;
    if (isLater(study.row.last_update_post_date, earlier)) candidates.push({ study, duplicate: true });
  }

  const stored = await selectStoredHashes(
    tx,
    candidates.map((c) => c.study.nctId),
  );
  const toWrite: StudyProjection[] = [];
  for (const { study, duplicate } of candidates) {
    const current = stored.get(study.nctId);
    if (current && current.contentHash === study.contentHash && !current.removed) {
      if (!duplicate) counts.unchanged++;
      continue;
    }
    toWrite.push(study);
    if (duplicate) continue;
    if (!current) counts.inserted++;
    else {
      counts.updated++;
      if (current.removed) counts.restored++;
    }
  }

  const replaced = toWrite.filter((study) => stored.has(study.nctId)).map((study) => study.nctId);
  counts.childRows = await writeLoadedStudies(tx, toWrite, runId, replaced, batch.documentTexts);
  // Versions and change events in the same transaction: an event exists exactly when its change committed.
  await recordStudyChanges(tx, runId, toWrite);
  await recordSeen(tx, runId, batch);
  await insertQuarantine(tx, runId, batch.quarantined);
  await insertWarnings(tx, runId, batch.warningsToStore);
  return counts;
}

/** ISO dates compare as strings; a missing date never beats a present one. */
function isLater(candidate: string | null, earlier: string | null): boolean {
  if (candidate === null) return false;
  return earlier === null || candidate > earlier;
}

/** The ids of `ids` that earlier batches of the run have seen, with their lastUpdatePostDate. */
export async function selectSeen(
  tx: Queryable,
  runId: string,
  ids: readonly string[],
): Promise<Map<string, string | null>> {
  if (ids.length === 0) return new Map();
  const { rows } = await tx.query<{ nct_id: string; last_update_post_date: string | null }>(
    `select nct_id, last_update_post_date::text as last_update_post_date
     from run_seen where run_id = $1 and nct_id = any($2::text[])`,
    [runId, ids],
  );
  return new Map(rows.map((r) => [r.nct_id, r.last_update_post_date]));
}

/** The stored content hash of each of `ids` that exists, and whether it is marked removed. */
export async function selectStoredHashes(
  tx: Queryable,
  ids: readonly string[],
): Promise<Map<string, { contentHash: string; removed: boolean }>> {
  if (ids.length === 0) return new Map();
  const { rows } = await tx.query<{ nct_id: string; content_hash: string; removed: boolean }>(
    `select nct_id, content_hash, removed_at is not null as removed
     from studies where nct_id = any($1::text[])`,
    [ids],
  );
  return new Map(rows.map((r) => [r.nct_id, { contentHash: r.content_hash, removed: r.removed }]));
}

/**
 * Adds the batch's ids to the run's seen set. A later duplicate's date replaces the stored one; a
 * quarantined record with a readable NCT id counts as seen (the study is in the snapshot, its record is
 * broken), without a date.
 */
async function recordSeen(tx: Queryable, runId: string, batch: LoadBatch): Promise<void> {
  const dates = new Map<string, string | null>();
  for (const q of batch.quarantined) if (q.nctId && NCT_ID.test(q.nctId)) dates.set(q.nctId, null);
  for (const s of batch.studies) dates.set(s.nctId, s.row.last_update_post_date);
  if (dates.size === 0) return;
  await tx.query(
    `insert into run_seen (run_id, nct_id, last_update_post_date)
     select $1, id, d from unnest($2::text[], $3::date[]) as u(id, d)
     on conflict (run_id, nct_id) do update set last_update_post_date = excluded.last_update_post_date
     where run_seen.last_update_post_date is null
        or excluded.last_update_post_date > run_seen.last_update_post_date`,
    [runId, [...dates.keys()], [...dates.values()]],
  );
}
const NCT_ID = /^NCT\d{8}$/;

/** Keeps each quarantined record whole: its text, where it came from and why it cannot be stored. */
async function insertQuarantine(tx: Queryable, runId: string, records: readonly QuarantinedRecord[]) {
  if (records.length === 0) return;
  await tx.query(
    `insert into quarantine (run_id, nct_id, source, path, message, raw)
     select $1, * from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[])`,
    [
      runId,
      records.map((r) => r.nctId),
      records.map((r) => r.source),
      records.map((r) => r.path),
      records.map((r) => withoutNul(r.message)),
      records.map((r) => withoutNul(r.json)),
    ],
  );
}

/** PostgreSQL text cannot hold U+0000; a raw record containing one keeps it as the visible escape `\u0000`. */
function withoutNul(text: string): string {
  return text.includes('\0') ? text.replaceAll('\0', '\\u0000') : text;
}

async function insertWarnings(
  tx: Queryable,
  runId: string,
  warnings: readonly { nctId: string; warning: FieldWarning }[],
) {
  if (warnings.length === 0) return;
  await tx.query(
    `insert into run_warnings (run_id, nct_id, code, path, message)
     select $1, * from unnest($2::text[], $3::text[], $4::text[], $5::text[])`,
    [
      runId,
      warnings.map((w) => w.nctId),
      warnings.map((w) => w.warning.code),
      warnings.map((w) => w.warning.path),
      warnings.map((w) => withoutNul(w.warning.message)),
    ],
  );
}
