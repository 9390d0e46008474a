/**
 * Reading the outbox as events: each row joined with the Study document of its version (the document is
 * stored once, in study_versions, not copied into every event row).
 */
import type { Queryable } from '../store/db.ts';
import type { StudyEvent } from './study-event.ts';

/** An event and its position in the source it was read from (outbox published_seq, stream sequence). */
export interface PositionedEvent {
  position: number;
  event: StudyEvent;
}

interface OutboxEventRow {
  seq: string;
  event_id: string;
  type: StudyEvent['type'];
  nct_id: string;
  version: number;
  run_id: string | null;
  occurred_at: string;
  payload: Pick<StudyEvent, 'changes' | 'restored' | 'removal'>;
  published_seq: string | null;
  document: StudyEvent['study'];
}

/** Microsecond ISO timestamps in UTC, the same text on both engines (Date would cut to milliseconds). */
const EVENT_COLUMNS = `
  o.seq, o.event_id, o.type, o.nct_id, o.version, o.run_id,
  to_char(o.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as occurred_at,
  o.payload, o.published_seq, v.document`;
const EVENT_FROM = `
  from outbox o
  left join study_versions v on o.type <> 'study.removed' and v.nct_id = o.nct_id and v.version = o.version`;

/** The oldest unpublished events, locked for the relay's transaction. */
export async function selectUnpublished(tx: Queryable, limit: number): Promise<StudyEvent[]> {
  const { rows } = await tx.query<OutboxEventRow>(
    `select ${EVENT_COLUMNS} ${EVENT_FROM}
     where o.published_seq is null order by o.seq limit $1 for update of o`,
    [limit],
  );
  return rows.map(toEvent);
}

/**
 * Gives published events their publication order, continuing after the highest one. Only the relay calls
 * it, under its lock, so the numbers are gap-free and increase in commit order: a reader that has seen
 * position n has seen every event published before it.
 */
export async function markPublished(tx: Queryable, seqs: readonly number[]): Promise<void> {
  if (seqs.length === 0) return;
  await tx.query(
    `update outbox o set published_seq = base.last + u.ord, published_at = now()
     from unnest($1::bigint[]) with ordinality as u(seq, ord),
          (select coalesce(max(published_seq), 0) as last from outbox) as base
     where o.seq = u.seq`,
    [seqs],
  );
}

/** Published events after position `after` (outbox publication order), at most `limit`. */
export async function selectPublishedAfter(
  db: Queryable,
  after: number,
  limit: number,
): Promise<PositionedEvent[]> {
  const { rows } = await db.query<OutboxEventRow>(
    `select ${EVENT_COLUMNS} ${EVENT_FROM}
     where o.published_seq > $1 order by o.published_seq limit $2`,
    [after, limit],
  );
  return rows.map((row) => ({ position: Number(row.published_seq), event: toEvent(row) }));
}

/** All events of one study, in the order they committed (for history and tests). */
export async function selectStudyEvents(db: Queryable, nctId: string): Promise<StudyEvent[]> {
  const { rows } = await db.query<OutboxEventRow>(
    `select ${EVENT_COLUMNS} ${EVENT_FROM} where o.nct_id = $1 order by o.seq`,
    [nctId],
  );
  return rows.map(toEvent);
}

function toEvent(row: OutboxEventRow): StudyEvent {
  return {
    id: row.event_id,
    type: row.type,
    seq: Number(row.seq),
    nctId: row.nct_id,
    version: row.version,
    occurredAt: row.occurred_at,
    runId: row.run_id,
    changes: row.payload.changes,
    restored: row.payload.restored,
    removal: row.payload.removal,
    study: row.document ?? null,
  };
}
