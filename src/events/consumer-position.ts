/**
 * Where each consumer is in each source (event_consumers). The position moves in the same transaction as
 * the consumer's effects, so after a crash the consumer resumes exactly after the last event it applied.
 */
import type { Queryable } from '../store/db.ts';

/** The consumer's position in `source` (0 = from the beginning). */
export async function getConsumerPosition(db: Queryable, name: string, source: string): Promise<number> {
  const { rows } = await db.query<{ position: string }>(
    'select position from event_consumers where name = $1 and source = $2',
    [name, source],
  );
  return rows[0] ? Number(rows[0].position) : 0;
}

/**
 * Locks the consumer's position row for the transaction (creating it at 0), so two instances of one
 * consumer never apply the same events concurrently; returns the position.
 */
export async function lockConsumerPosition(tx: Queryable, name: string, source: string): Promise<number> {
  await tx.query(
    `insert into event_consumers (name, source) values ($1, $2) on conflict (name, source) do nothing`,
    [name, source],
  );
  const { rows } = await tx.query<{ position: string }>(
    'select position from event_consumers where name = $1 and source = $2 for update',
    [name, source],
  );
  return Number(rows[0]!.position);
}

export async function setConsumerPosition(
  tx: Queryable,
  name: string,
  source: string,
  position: number,
): Promise<void> {
  await tx.query(
    'update event_consumers set position = $3, updated_at = now() where name = $1 and source = $2',
    [name, source, position],
  );
}
