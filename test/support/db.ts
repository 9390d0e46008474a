/**
 * Test databases: every test file gets its own PostgreSQL database, cloned from a template that the
 * global setup migrated once (cloning is ~100 ms; migrating each time would be seconds).
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Db } from '../../src/store/db.ts';
import { MIGRATIONS_DIR } from '../../src/store/migrate.ts';
import { openPostgresDb } from '../../src/store/postgres-db.ts';

/** The server the tests use; CI creates nothing else on it than `cds_test_*` databases. */
export const TEST_SERVER_URL = process.env.CDS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/**
 * The template's name carries a hash of the migrations: test runs with the same schema share it (so
 * concurrent runs never drop each other's template), and a changed migration gets a fresh one.
 */
export const TEMPLATE_DB = `cds_test_tpl_${createHash('sha256')
  .update(
    readdirSync(MIGRATIONS_DIR)
      .sort()
      .map((f) => `${f}\n${readFileSync(path.join(MIGRATIONS_DIR, f), 'utf8')}`)
      .join('\n'),
  )
  .digest('hex')
  .slice(0, 12)}`;

export function databaseUrl(name: string): string {
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_SERVER_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export interface TestDb {
  db: Db;
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database for one test file (or one test). Call drop() in afterAll. */
export async function createTestDb(options: { template?: string | null } = {}): Promise<TestDb> {
  const name = `cds_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const template = options.template === undefined ? TEMPLATE_DB : options.template;
  await adminQuery(`create database ${name}${template ? ` template ${template}` : ''}`);
  const url = databaseUrl(name);
  const db = await openPostgresDb(url, { max: 4 });
  return {
    db,
    name,
    url,
    async drop() {
      await db.close();
      await adminQuery(`drop database if exists ${name} with (force)`);
    },
  };
}
