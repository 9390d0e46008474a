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
 * Re-creates every index a load dropped (this one or a crashed one), the costliest first (buildOrder),
 * then forgets them. Returns the names built; a failed build throws and stays pending for the next load.
 */
export async function restoreSecondaryIndexes(db: Db, options: RestoreOptions = {}): Promise<string[]> {
  const pending = await readPending(db);
  if (pending.length === 0) return [];
  const queue = buildOrder(pending, await tableBytes(db, pending));
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

/** `CREATE INDEX name ON [ONLY] table USING method (keys…`: the table, the method and the keys onwards. */
const INDEX_DEFINITION = /\sON (?:ONLY )?(\S+) USING (\w+) \((.*)$/;

/**
 * The order to build `indexes` in, from the size of each one's table now (`tableBytes`, by the table as
 * the definition names it), so that the costliest builds start first and parallel builds end together
 * (longest job first). The order kept at drop time cannot tell: an initial load drops the indexes of
 * empty tables. Estimated cost: the table's size, a quarter of it for a btree, four times it for a GIN or
 * GiST index over a function of the row, which is computed for every row (the outcomes' text vector is
 * the load's costliest build: ~0.24 ms a study, against 0.13 for the studies' stored vector). At 10,000
 * studies, two builds at a time: 5.4 / 6.4 s in name order (the order an initial load kept), 5.0 / 5.7 s
 * in this one.
 */
export function buildOrder(
  indexes: readonly IndexDefinition[],
  tableBytes: ReadonlyMap<string, number>,
): IndexDefinition[] {
  const cost = (index: IndexDefinition): number => {
    const match = INDEX_DEFINITION.exec(index.definition);
    if (!match) return 0;
    const [, table, method, keys] = match as unknown as [string, string, string, string];
    const bytes = tableBytes.get(table) ?? 0;
    if (method === 'btree') return bytes / 4;
    return /^\w+\(/.test(keys) ? bytes * 4 : bytes;
  };
  const costs = new Map(indexes.map((index) => [index.name, cost(index)]));
  return [...indexes].sort((a, b) => costs.get(b.name)! - costs.get(a.name)! || (a.name < b.name ? -1 : 1));
}

/** The current size of each table the definitions name (main fork, bytes). */
async function tableBytes(db: Queryable, indexes: readonly IndexDefinition[]): Promise<Map<string, number>> {
  const tables = [
    ...new Set(indexes.map((i) => INDEX_DEFINITION.exec(i.definition)?.[1]).filter((t) => t !== undefined)),
  ];
  const { rows } = await db.query<{ name: string; bytes: number }>(
    `select name, coalesce(pg_relation_size(to_regclass(name)), 0)::float8 as bytes
     from unnest($1::text[]) as name`,
    [tables],
  );
  return new Map(rows.map((r) => [r.name, r.bytes]));
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
