/**
 * Runs once before the test files: makes sure the migrated template database that db.ts clones exists.
 * Concurrent test runs serialize on an advisory lock; one that finds the template ready reuses it.
 */
import pg from 'pg';
import { migrate } from '../../src/store/migrate.ts';
import { openPostgresDb } from '../../src/store/postgres-db.ts';
import { databaseUrl, TEMPLATE_DB, TEST_SERVER_URL } from './db.ts';

const TEMPLATE_LOCK = 7_310_001;

export default async function setup(): Promise<() => Promise<void>> {
  const admin = new pg.Client({ connectionString: TEST_SERVER_URL });
  await admin.connect();
  try {
    await admin.query('select pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    const { rows } = await admin.query(`select datistemplate from pg_database where datname = $1`, [
      TEMPLATE_DB,
    ]);
    if (rows[0]?.datistemplate) return async () => {};
    // A template left half-made by a killed run is not marked as template: make it again.
    await admin.query(`drop database if exists ${TEMPLATE_DB} with (force)`);
    await admin.query(`create database ${TEMPLATE_DB}`);
    const db = await openPostgresDb(databaseUrl(TEMPLATE_DB), { max: 1 });
    try {
      await migrate(db);
    } finally {
      await db.close();
    }
    await admin.query(`alter database ${TEMPLATE_DB} is_template true`);
  } finally {
    await admin.query('select pg_advisory_unlock($1)', [TEMPLATE_LOCK]).catch(() => {});
    await admin.end();
  }
  return async () => {};
}
