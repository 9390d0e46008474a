/**
 * The index phase of a bulk load. Maintaining indexes row by row is the slowest part of filling an empty
 * table: every tsvector lexeme is a GIN insertion, every expression index (the field vectors of search)
 * runs its to_tsvector again, every btree takes a random insertion. Building them once afterwards from
 * sorted data is several times cheaper. So an initial load drops the secondary indexes (all but primary
 * keys and unique constraints, which the load itself relies on) and re-creates them at the end.
 *
 * Crash safety: the definitions of the dropped indexes are saved in sync_state in the same transaction
 * that drops them, and every load starts by re-creating whatever a crashed load left dropped. A database
 * is therefore never left without its indexes for longer than the next load.
 */
import type { Db, Queryable } from './db.ts';

/** The tables whose secondary indexes the index phase manages. */
export const INDEXED_TABLES = [
  'studies',
  'study_documents',
  'study_conditions',
  'study_keywords',
  'study_mesh',
  'study_interventions',
  'study_arms',
  'study_outcomes',
  'study_sponsors',
  'study_locations',
  'study_references',
] as const;

const PENDING_KEY = 'load.dropped_indexes';

export interface IndexDefinition {
  name: string;
  /** pg_get_indexdef's CREATE INDEX statement. */
  definition: string;
}

/**
 * The secondary indexes of the loaded tables, the most expensive builds first (GIN and GiST before btree,
 * bigger tables first), so that two parallel builds finish close together.
 */
export async function listSecondaryIndexes(db: Queryable): Promise<IndexDefinition[]> {
  const { rows } = await db.query<IndexDefinition>(
    `select i.relname as name, pg_get_indexdef(i.oid) as definition
     from pg_index x
     join pg_class i on i.oid = x.indexrelid
     join pg_class t on t.oid = x.indrelid
     join pg_am am on am.oid = i.relam
     where t.relnamespace = current_schema()::regnamespace
       and t.relname = any($1::text[])
       and not x.indisprimary and not x.indisunique and not x.indisexclusion
     order by (am.amname = 'btree'), pg_relation_size(t.oid) desc, i.relname`,
    [INDEXED_TABLES],
  );
  return rows;
}

/** Drops the secondary indexes, remembering their definitions durably. Returns what was dropped. */
export async function dropSecondaryIndexes(db: Db): Promise<IndexDefinition[]> {
  return db.transaction(async (tx) => {
    const indexes = await listSecondaryIndexes(tx);
    if (indexes.length === 0) return [];
    const pending = await readPending(tx);
    const all = [...pending, ...indexes.filter((i) => !pending.some((p) => p.name === i.name))];
    await tx.query(
      `insert into sync_state (key, value, updated_at) values ($1, $2::jsonb, now())
       on conflict (key) do update set value = excluded.value, updated_at = now()`,
      [PENDING_KEY, JSON.stringify(all)],
    );
    for (const index of indexes) await tx.query(`drop index if exists ${quoteName(index.name)}`);
    return indexes;
  });
}

export interface RestoreOptions {
  /** Indexes built at once, each on its own connection (PGlite: 1). */
  concurrency?: number;
  /**
   * maintenance_work_mem for each build, e.g. '512MB'. GIN builds collect entries in this memory and
   * write sorted runs when it fills: more memory, fewer merges. Counts once per concurrent build.
   */
  maintenanceWorkMem?: string;
}

/**
 * Re-creates every index a load dropped (this one or a crashed one), the biggest first, then forgets
 * them. Returns the names built; a failed build throws and stays pending for the next load.
 */
export async function restoreSecondaryIndexes(db: Db, options: RestoreOptions = {}): Promise<string[]> {
  const pending = await readPending(db);
  if (pending.length === 0) return [];
  const queue = [...pending];
  const memory = options.maintenanceWorkMem;
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const statement = next.definition.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX IF NOT EXISTS ');
      await db.transaction(async (tx) => {
        if (memory) await tx.query(`select set_config('maintenance_work_mem', $1, true)`, [memory]);
        await tx.exec(statement);
      });
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 1, pending.length));
  await Promise.all(Array.from({ length: workers }, worker));
  await db.query('delete from sync_state where key = $1', [PENDING_KEY]);
  return pending.map((p) => p.name);
}

async function readPending(db: Queryable): Promise<IndexDefinition[]> {
  const { rows } = await db.query<{ value: IndexDefinition[] }>(
    'select value from sync_state where key = $1',
    [PENDING_KEY],
  );
  return rows[0]?.value ?? [];
}

/** Index names come from the catalog, not from input; quoted all the same. */
function quoteName(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
