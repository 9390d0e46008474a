/**
 * When a load drops and rebuilds the secondary indexes (secondary-indexes.ts), and the ANALYZE that follows
 * every load that wrote something: the planner's row estimates for the study tables are wrong after a
 * bulk change until statistics are refreshed, and search plans depend on them.
 */
import type { Db } from './db.ts';
import {
  dropSecondaryIndexes,
  INDEXED_TABLES,
  type RestoreOptions,
  restoreSecondaryIndexes,
} from './secondary-indexes.ts';

/**
 * Drops the secondary indexes when the load is a bulk load: forced, `studies` empty (initial load), or a
 * crashed load left indexes dropped (then loading without them and rebuilding once is cheapest).
 * Returns whether the index phase must run after the load.
 */
export async function startIndexPhase(db: Db, force: boolean): Promise<boolean> {
  const { rows } = await db.query<{ empty: boolean; pending: boolean }>(
    `select not exists (select 1 from studies) as empty,
            exists (select 1 from sync_state where key = 'load.dropped_indexes') as pending`,
  );
  const state = rows[0];
  if (!force && !state?.empty && !state?.pending) return false;
  await dropSecondaryIndexes(db);
  return true;
}

/** Rebuilds what startIndexPhase dropped; returns the index names built. */
export async function runIndexPhase(db: Db, dropped: boolean, options: RestoreOptions): Promise<string[]> {
  if (!dropped) return [];
  return restoreSecondaryIndexes(db, options);
}

/** ANALYZE of every table a load writes. */
export async function analyzeStudyTables(db: Db): Promise<void> {
  await db.exec(`analyze ${INDEXED_TABLES.join(', ')}`);
}
