/**
 * The benchmarks' databases on the bench server: CDS_BENCH_PG_URL, else DATABASE_URL, else the local test
 * server. A benchmark creates its own database (and drops it) or measures one named by `--db`, which it
 * never drops.
 */
import pg from 'pg';

export const BENCH_SERVER_URL =
  process.env.CDS_BENCH_PG_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const DATABASE_NAME = /^[a-z_][a-z0-9_]*$/;

/** The connection string of database `name` on the bench server. */
export function benchDatabaseUrl(name: string): string {
  const url = new URL(BENCH_SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The value of `--db` (a plain lower-case name, so it can be interpolated into DDL), or undefined. */
export function databaseOption(args: readonly string[], flag = '--db'): string | undefined {
  const i = args.indexOf(flag);
  if (i < 0) return undefined;
  const name = args[i + 1];
  if (name === undefined || !DATABASE_NAME.test(name))
    throw new Error(`${flag} takes a database name (lower-case letters, digits, _), got "${name ?? ''}"`);
  return name;
}

/** Runs one statement on the server's maintenance database. */
export async function adminQuery<R = Record<string, unknown>>(text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: BENCH_SERVER_URL });
  await client.connect();
  try {
    return (await client.query(text)).rows as R[];
  } finally {
    await client.end();
  }
}

export async function databaseExists(name: string): Promise<boolean> {
  return (await adminQuery(`select 1 from pg_database where datname = '${checked(name)}'`)).length > 0;
}

/** Creates database `name`, dropping one of that name first (benchmark databases only). */
export async function createBenchDatabase(name: string): Promise<string> {
  await adminQuery(`drop database if exists ${checked(name)} with (force)`);
  await adminQuery(`create database ${checked(name)}`);
  return benchDatabaseUrl(name);
}

export async function dropBenchDatabase(name: string): Promise<void> {
  await adminQuery(`drop database if exists ${checked(name)} with (force)`);
}

function checked(name: string): string {
  if (!DATABASE_NAME.test(name)) throw new Error(`not a database name: "${name}"`);
  return name;
}
