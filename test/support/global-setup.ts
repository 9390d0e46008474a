/** Runs once before the test files: builds the migrated template database that db.ts clones. */
import { migrate } from '../../src/store/migrate.ts';
import { openPostgresDb } from '../../src/store/postgres-db.ts';
import { adminQuery, databaseUrl, TEMPLATE_DB } from './db.ts';

export default async function setup(): Promise<() => Promise<void>> {
  await adminQuery(`drop database if exists ${TEMPLATE_DB} with (force)`);
  await adminQuery(`create database ${TEMPLATE_DB}`);
  const db = await openPostgresDb(databaseUrl(TEMPLATE_DB), { max: 1 });
  try {
    await migrate(db);
  } finally {
    await db.close();
  }
  return async () => {};
}
