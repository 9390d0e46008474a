/**
 * When a load drops and rebuilds the secondary indexes (secondary-indexes.ts), and the ANALYZE that follows
 * every load that wrote something: the planner's row estimates for the study tables are wrong after a
 * bulk change until statistics are refreshed, and search plans depend on them.
 */
import type { Db } from './db.ts';
import {
  dropSecondaryIndexes,
  INDEXED_TABLES,
  PENDING_KEYS,
  type RestoreOptions,
  restoreSecondaryIndexes,
} from './secondary-indexes.ts';

/**
 * Drops the secondary indexes (and foreign keys) when the load is a bulk load: forced, `studies` empty
 * (initial load), or a crashed load left them dropped (then loading without them and rebuilding once is
 * cheapest).
 * Returns whether the index phase must run after the load.
 */
export async function startIndexPhase(db: Db, force: boolean): Promise<boolean> {
  const { rows } = await db.query<{ empty: boolean; pending: boolean }>(
    `select not exists (select 1 from studies) as empty,
            exists (select 1 from sync_state where key = any($1::text[])) as pending`,
    [PENDING_KEYS],
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

/**
 * The tables a load writes: those of the index phase, and the sites' distinct points (migration 000025),
 * whose GiST index the load maintains (a few new points a batch), and which the radius search reads
 * index-only once VACUUM has marked its pages all-visible.
 */
const ANALYZED_TABLES = [...INDEXED_TABLES, 'site_points'] as const;

/**
 * ANALYZE of every table a load writes; with `vacuum` (after a bulk load) VACUUM too, which marks the new
 * pages all-visible so that index-only scans (the radius search's site points) need no heap visit from the
 * first query on, instead of after autovacuum gets to the tables. PGlite: ANALYZE only.
 */
export async function analyzeStudyTables(db: Db, options: { vacuum?: boolean } = {}): Promise<void> {
  const vacuum = options.vacuum === true && db.engine === 'postgres';
  const statement = vacuum ? 'vacuum (analyze)' : 'analyze';
  if (db.parallelism < 2) {
    await db.exec(`${statement} ${ANALYZED_TABLES.join(', ')}`);
    return;
  }
  // Two connections, each statement running on one core: `studies` (statistics of its eight vectors and
  // arrays) takes longer than the other tables together (ANALYZE at 20,000 studies: 3.4 s against 1.1 s),
  // so the phase takes as long as `studies` alone.
  const others = ANALYZED_TABLES.filter((table) => table !== 'studies');
  await Promise.all([db.exec(`${statement} studies`), db.exec(`${statement} ${others.join(', ')}`)]);
}

/** Share of the studies a load must write before it analyzes (autovacuum_analyze_scale_factor's default). */
const ANALYZE_SHARE = 0.1;

/**
 * Whether a load that wrote `touched` studies (and rebuilt `rebuiltIndexes`) should ANALYZE the tables
 * itself: after an index phase or a never-analyzed table, and when it changed at least a tenth of the
 * studies. A daily delta (~1,000 of ~606,000) leaves it to autovacuum: analyzing eleven tables took
 * 5.9 s of a 6.8 s load of a 37-study delta at 20,000 studies. PGlite runs no autovacuum: always there.
 */
export async function shouldAnalyze(db: Db, touched: number, rebuiltIndexes: number): Promise<boolean> {
  if (rebuiltIndexes > 0) return true;
  if (touched === 0) return false;
  if (db.engine !== 'postgres') return true;
  const { rows } = await db.query<{ tuples: number }>(
    `select reltuples::float8 as tuples from pg_class where oid = 'studies'::regclass`,
  );
  const tuples = rows[0]?.tuples ?? -1;
  return tuples < 0 || touched >= ANALYZE_SHARE * tuples;
}
