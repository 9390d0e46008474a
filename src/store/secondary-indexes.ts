/**
 * The index phase of a bulk load. Maintaining indexes row by row is the slowest part of filling an empty
 * table: every tsvector lexeme is a GIN insertion, every expression index (the field vectors of search)
 * runs its to_tsvector again, every btree takes a random insertion. Building them once afterwards from
 * sorted data is several times cheaper. So an initial load drops the secondary indexes (all but primary
 * keys and unique constraints, which the load itself relies on) and re-creates them at the end.
 *
 * The foreign keys to `studies` go with them, as PostgreSQL's guide to populating a database advises: each
 * child row COPYed in runs a trigger that looks its study up and locks it, ~0.15 ms of server CPU a study
 * (~32 child rows, its document and version) on 5,000 studies, where checking every table once at the end
 * is a join. They come back NOT VALID, then validated (a scan that blocks no reader).
 *
 * Crash safety: the definitions of the dropped indexes and keys are saved in sync_state in the same
 * transaction that drops them, and every load starts by re-creating whatever a crashed load left dropped. A
 * database is therefore never left without its indexes and keys for longer than the next load.
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
  'study_outcome_vectors',
  'study_sponsors',
  'study_locations',
  'study_references',
] as const;

const PENDING_KEY = 'load.dropped_indexes';
const PENDING_FOREIGN_KEYS = 'load.dropped_foreign_keys';
/** The sync_state keys of what a load dropped and has not rebuilt yet. */
export const PENDING_KEYS = [PENDING_KEY, PENDING_FOREIGN_KEYS] as const;

export interface IndexDefinition {
  name: string;
  /** pg_get_indexdef's CREATE INDEX statement. */
  definition: string;
}

/**
 * The secondary indexes of the loaded tables, by name. The order they are rebuilt in is chosen when they
 * are rebuilt, from the tables as loaded (buildOrder).
 */
export async function listSecondaryIndexes(db: Queryable): Promise<IndexDefinition[]> {
  const { rows } = await db.query<IndexDefinition>(
    `select i.relname as name, pg_get_indexdef(i.oid) as definition
     from pg_index x
     join pg_class i on i.oid = x.indexrelid
     join pg_class t on t.oid = x.indrelid
     where t.relnamespace = current_schema()::regnamespace
       and t.relname = any($1::text[])
       and not x.indisprimary and not x.indisunique and not x.indisexclusion
     order by i.relname`,
    [INDEXED_TABLES],
  );
  return rows;
}

export interface ForeignKeyDefinition {
  table: string;
  name: string;
  /** pg_get_constraintdef's text: `FOREIGN KEY (…) REFERENCES …`. */
  definition: string;
}

/** The foreign keys to `studies` (from its child tables, documents and versions), by table and name. */
export async function listForeignKeys(db: Queryable): Promise<ForeignKeyDefinition[]> {
  const { rows } = await db.query<ForeignKeyDefinition>(
    `select t.relname as table, c.conname as name, pg_get_constraintdef(c.oid) as definition
     from pg_constraint c
     join pg_class t on t.oid = c.conrelid
     where c.contype = 'f' and c.confrelid = 'studies'::regclass
       and t.relnamespace = current_schema()::regnamespace
     order by t.relname, c.conname`,
  );
  return rows;
}

/**
 * Drops the secondary indexes and the foreign keys to `studies`, remembering their definitions durably.
 * Returns the indexes dropped.
 */
export async function dropSecondaryIndexes(db: Db): Promise<IndexDefinition[]> {
  return db.transaction(async (tx) => {
    const indexes = await listSecondaryIndexes(tx);
    const keys = await listForeignKeys(tx);
    await rememberPending(tx, PENDING_KEY, indexes, (index) => index.name);
    await rememberPending(tx, PENDING_FOREIGN_KEYS, keys, foreignKeyId);
    for (const index of indexes) await tx.query(`drop index if exists ${quoteName(index.name)}`);
    for (const key of keys)
      await tx.query(`alter table ${quoteName(key.table)} drop constraint if exists ${quoteName(key.name)}`);
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
 * then the foreign keys, then forgets them. Returns the index names built; a failed build throws and
 * stays pending for the next load.
 */
export async function restoreSecondaryIndexes(db: Db, options: RestoreOptions = {}): Promise<string[]> {
  const pending = await readPending<IndexDefinition>(db, PENDING_KEY);
  const keys = await readPending<ForeignKeyDefinition>(db, PENDING_FOREIGN_KEYS);
  if (pending.length === 0 && keys.length === 0) return [];
  const workers = Math.max(1, Math.min(options.concurrency ?? 1, pending.length + keys.length));
  // One build at a time (PGlite) takes as long in any order.
  const builds = workers > 1 ? buildOrder(pending, await sampleIndexInputs(db, pending)) : [...pending];
  const memory = options.maintenanceWorkMem;
  const queue: (() => Promise<void>)[] = builds.map((index) => async () => {
    const statement = index.definition.replace(/^CREATE (UNIQUE )?INDEX /, 'CREATE $1INDEX IF NOT EXISTS ');
    await db.transaction(async (tx) => {
      if (memory) await tx.query(`select set_config('maintenance_work_mem', $1, true)`, [memory]);
      await tx.exec(statement);
    });
  });
  // The keys come back NOT VALID in one short transaction (a catalog change), and each is validated after
  // the builds by one join of its table to `studies`, which locks neither against reads.
  await addForeignKeysNotValid(db, keys);
  for (const key of keys)
    queue.push(() =>
      db.exec(`alter table ${quoteName(key.table)} validate constraint ${quoteName(key.name)}`),
    );
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await next();
  };
  await Promise.all(Array.from({ length: workers }, worker));
  await db.query('delete from sync_state where key = any($1::text[])', [PENDING_KEYS]);
  return pending.map((p) => p.name);
}

/** Adds each of `keys` that does not exist (a crashed restore may have added some), unvalidated. */
async function addForeignKeysNotValid(db: Db, keys: readonly ForeignKeyDefinition[]): Promise<void> {
  if (keys.length === 0) return;
  await db.transaction(async (tx) => {
    const existing = new Set((await listForeignKeys(tx)).map(foreignKeyId));
    for (const key of keys) {
      if (existing.has(foreignKeyId(key))) continue;
      await tx.exec(
        `alter table ${quoteName(key.table)} add constraint ${quoteName(key.name)} ${key.definition} not valid`,
      );
    }
  });
}

/** `CREATE INDEX name ON [ONLY] table USING method (keys…`: the table, the method and the keys onwards. */
const INDEX_DEFINITION = /\sON (?:ONLY )?(\S+) USING (\w+) \((.*)$/;

/** What an index's build reads: its table, method, first key (column or expression) and predicate. */
export interface IndexInput {
  table: string;
  method: string;
  firstKey: string;
  predicate: string | null;
}

/** Parses pg_get_indexdef's text; null for a form it does not print. */
export function indexInput(definition: string): IndexInput | null {
  const match = INDEX_DEFINITION.exec(definition);
  if (!match) return null;
  const [, table, method, rest] = match as unknown as [string, string, string, string];
  // The first key ends at the first comma, or the list's closing parenthesis, outside parentheses.
  const end = findOutsideQuotes(rest, 0, (c, depth) => depth === 0 && (c === ',' || c === ')'));
  if (end < 0) return null;
  const where = rest.lastIndexOf(' WHERE ');
  return {
    table,
    method,
    firstKey: keyExpression(rest.slice(0, end).trim()),
    predicate: where < 0 ? null : rest.slice(where + ' WHERE '.length),
  };
}

/**
 * A key without what may follow it (an operator class, COLLATE, DESC, NULLS LAST): a column name, a
 * function call, or a parenthesized expression, as pg_get_indexdef prints them.
 */
function keyExpression(key: string): string {
  const call = /^[\w."]*\(/.exec(key);
  if (call === null) return key.split(' ', 1)[0]!;
  const close = findOutsideQuotes(key, call[0].length - 1, (c, depth) => c === ')' && depth === 1);
  return close < 0 ? key : key.slice(0, close + 1);
}

/**
 * The first index from `from` on where `stop(character, depth)` holds, outside quoted strings and
 * identifiers; `depth` counts the parentheses opened before the character. -1 if none.
 */
function findOutsideQuotes(
  text: string,
  from: number,
  stop: (character: string, depth: number) => boolean,
): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== null) {
      if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (stop(c, depth)) return i;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
  }
  return -1;
}

/**
 * The order to build `indexes` in, costliest first (longest job first), so that parallel builds end
 * together. `sampled` estimates, by index name, the rows each one covers and the bytes of its first key
 * (sampleIndexInputs). The estimated cost, calibrated on a build at 100,000 studies (two at a time): a
 * GIN key's bytes (the studies' text vector, 460 MB: 24 s); three times that for an expression, computed
 * for every row (the outcomes' text vector, 213 MB: 32 s); a GiST entry as 540 bytes whatever its size
 * (every site's point, 0.8 million: 22 s, until migration 000025 indexed each distinct point once, outside
 * the index phase); a btree's bytes a quarter (sorted, not inserted).
 *
 * The order kept at drop time cannot tell: an initial load drops the indexes of empty tables, and sorting
 * by table size then started the studies' text index after a dozen small indexes of the same table,
 * alone at the end: 58.3 s for the phase at 100,000 studies, 49.0 s in this order (both cores busy).
 */
export function buildOrder(
  indexes: readonly IndexDefinition[],
  sampled: ReadonlyMap<string, { rows: number; bytes: number }>,
): IndexDefinition[] {
  const cost = (index: IndexDefinition): number => {
    const input = indexInput(index.definition);
    const { rows, bytes } = sampled.get(index.name) ?? { rows: 0, bytes: 0 };
    if (input === null) return 0;
    if (input.method === 'gist') return rows * 540;
    if (input.method === 'btree') return bytes / 4;
    return input.firstKey.includes('(') ? bytes * 3 : bytes;
  };
  const costs = new Map(indexes.map((index) => [index.name, cost(index)]));
  return [...indexes].sort((a, b) => costs.get(b.name)! - costs.get(a.name)! || (a.name < b.name ? -1 : 1));
}

/** Share of a table's pages that sampleIndexInputs reads (TABLESAMPLE SYSTEM, percent). */
const SAMPLE_PERCENT = 0.5;

/**
 * Estimates, by index name, the rows its predicate keeps and the bytes of its first key over them, from a
 * sample of the table's pages: the key as stored for a column, as computed for an expression. The
 * definitions come from the catalog (pg_get_indexdef), never from input. 0.23 s at 100,000 studies; a
 * small table may sample no page and count 0.
 */
export async function sampleIndexInputs(
  db: Queryable,
  indexes: readonly IndexDefinition[],
): Promise<Map<string, { rows: number; bytes: number }>> {
  const sampled = new Map<string, { rows: number; bytes: number }>();
  const scale = 100 / SAMPLE_PERCENT;
  for (const index of indexes) {
    const input = indexInput(index.definition);
    if (input === null) continue;
    // Only the order depends on it: an estimate that fails counts 0, and the index is still built.
    const { rows } = await db
      .query<{ rows: number; bytes: number }>(
        `select count(*)::float8 * ${scale} as rows,
                coalesce(sum(pg_column_size(${input.firstKey})), 0)::float8 * ${scale} as bytes
         from ${input.table} tablesample system (${SAMPLE_PERCENT}) repeatable (0)
         ${input.predicate === null ? '' : `where ${input.predicate}`}`,
      )
      .catch(() => ({ rows: [] as { rows: number; bytes: number }[] }));
    sampled.set(index.name, rows[0] ?? { rows: 0, bytes: 0 });
  }
  return sampled;
}

async function readPending<T>(db: Queryable, key: string): Promise<T[]> {
  const { rows } = await db.query<{ value: T[] }>('select value from sync_state where key = $1', [key]);
  return rows[0]?.value ?? [];
}

/** Adds `dropped` to the list pending under `key`, each once by `id` (a crashed load may have saved it). */
async function rememberPending<T>(
  tx: Queryable,
  key: string,
  dropped: readonly T[],
  id: (item: T) => string,
): Promise<void> {
  if (dropped.length === 0) return;
  const pending = await readPending<T>(tx, key);
  const known = new Set(pending.map(id));
  await tx.query(
    `insert into sync_state (key, value, updated_at) values ($1, $2::jsonb, now())
     on conflict (key) do update set value = excluded.value, updated_at = now()`,
    [key, JSON.stringify([...pending, ...dropped.filter((item) => !known.has(id(item)))])],
  );
}

/** A foreign key's identity: constraint names are unique per table only. */
function foreignKeyId(key: ForeignKeyDefinition): string {
  return `${key.table}.${key.name}`;
}

/** Index, table and constraint names come from the catalog, not from input; quoted all the same. */
function quoteName(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
