/**
 * One database contract, two engines: a real PostgreSQL server (DATABASE_URL) or the embedded PGlite
 * (a data directory, nothing to install). Everything above this module talks to `Db`; the engine
 * differences (bulk COPY, connection pooling, locking) live in the two adapters.
 */
import type { Kysely } from 'kysely';

/** Kysely without table types: it builds dynamic SQL (search) and runs the migrator, never typed CRUD. */
// biome-ignore lint/suspicious/noExplicitAny: the schema lives in SQL migrations; no generated table types
export type AnyKysely = Kysely<any>;

export interface QueryResult<R> {
  rows: R[];
  /** Rows affected (INSERT/UPDATE/DELETE) or returned. */
  rowCount: number;
}

export interface Queryable {
  /** One statement with `$1…` parameters. Parameterized SQL only: never interpolate input. */
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** A script of several statements without parameters (migrations, DDL). */
  exec(script: string): Promise<void>;
  /**
   * COPY `table (columns)` FROM text in PostgreSQL's COPY text format, as a string or its UTF-8 bytes
   * (copy-text.ts).
   */
  copyFrom(table: string, columns: readonly string[], text: string | Uint8Array): Promise<void>;
}

export type Engine = 'postgres' | 'pglite';

export interface Db extends Queryable {
  readonly engine: Engine;
  /** Runs `fn` in one transaction on one connection; rolls back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * One read-only statement under `settings` (each SET LOCAL in its own transaction, so the connection keeps
   * its defaults afterwards), in as few round trips as the engine allows. See SessionSettings.
   */
  readWith<R = Record<string, unknown>>(
    settings: SessionSettings,
    text: string,
    params?: readonly unknown[],
  ): Promise<QueryResult<R>>;
  /** Kysely on the same database, for dynamic SQL (search) and the migrator. */
  readonly kysely: AnyKysely;
  /** How many statements may usefully run at once (pool size; 1 on PGlite). */
  readonly parallelism: number;
  close(): Promise<void>;
}

/**
 * Settings (name → value) for one statement, from code, never from input: names are lowercase identifiers,
 * values numbers, units or words (checked by setLocalScript), so they can be sent as a script.
 */
export type SessionSettings = Readonly<Record<string, string>>;

/** A SET LOCAL per setting, as one script (one round trip). */
export function setLocalScript(settings: SessionSettings): string {
  const sets = Object.entries(settings).map(([name, value]) => {
    if (!/^[a-z_]+$/.test(name) || !/^[A-Za-z0-9_.]+$/.test(value))
      throw new Error(`Invalid setting ${name} = ${value}`);
    return `set local ${name} = '${value}'`;
  });
  return sets.join('; ');
}

/** Quotes an identifier that comes from code (table and column names), never from user input. */
export function ident(name: string): string {
  if (!/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/.test(name))
    throw new Error(`Invalid SQL identifier: ${name}`);
  return name
    .split('.')
    .map((part) => `"${part}"`)
    .join('.');
}
