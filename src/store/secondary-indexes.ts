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
  const workers = Math.max(1, Math.min(options.concurrency ?? 1, pending.length));
  // One build at a time (PGlite) takes as long in any order.
  const queue = workers > 1 ? buildOrder(pending, await sampleIndexInputs(db, pending)) : [...pending];
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
  await Promise.all(Array.from({ length: workers }, worker));
  await db.query('delete from sync_state where key = $1', [PENDING_KEY]);
  return pending.map((p) => p.name);
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
 * (the sites' points, 0.8 million: 22 s); a btree's bytes a quarter (sorted, not inserted).
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
