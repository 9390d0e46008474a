import type { Config } from '../config.ts';
import type { Db } from './db.ts';
import { migrate } from './migrate.ts';
import { openDb } from './open-db.ts';
import type { PostgresDbOptions } from './postgres-db.ts';

/**
 * Opens the configured database and brings its schema up to date, so `cds sync` works on a fresh
 * machine with no separate set-up step. Refuses a database migrated by a newer cds.
 */
export async function openMigratedDb(
  config: Pick<Config, 'databaseUrl' | 'dataDir'>,
  options: PostgresDbOptions = {},
): Promise<Db> {
  const db = await openDb(config, options);
  try {
    await migrate(db);
    return db;
  } catch (error) {
    await db.close();
    throw error;
  }
}
