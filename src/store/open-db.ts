import { type Config, pgliteDir } from '../config.ts';
import type { Db } from './db.ts';
import { openPgliteDb } from './pglite-db.ts';
import { openPostgresDb, type PostgresDbOptions } from './postgres-db.ts';

/** The configured database: DATABASE_URL's server, else the embedded one under the data directory. */
export function openDb(
  config: Pick<Config, 'databaseUrl' | 'dataDir'>,
  options: PostgresDbOptions = {},
): Promise<Db> {
  return config.databaseUrl ? openPostgresDb(config.databaseUrl, options) : openPgliteDb(pgliteDir(config));
}
