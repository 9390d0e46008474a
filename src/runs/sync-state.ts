/** Small persisted values (the sync watermark), in `sync_state`. */
import type { Db, Queryable } from '../store/db.ts';

/** The last source data version fully loaded by an incremental or full sync. */
export interface Watermark {
  /** `/version` dataTimestamp, UTC `yyyy-MM-ddTHH:mm:ss`. */
  dataTimestamp: string;
  runId: string;
}

export async function getState<T>(db: Db | Queryable, key: string): Promise<T | null> {
  const { rows } = await db.query<{ value: T }>(`select value from sync_state where key = $1`, [key]);
  return rows[0]?.value ?? null;
}

export async function setState(db: Db | Queryable, key: string, value: unknown): Promise<void> {
  await db.query(
    `insert into sync_state (key, value, updated_at) values ($1, $2, now())
     on conflict (key) do update set value = excluded.value, updated_at = now()`,
    [key, JSON.stringify(value)],
  );
}

export const WATERMARK_KEY = 'watermark';
