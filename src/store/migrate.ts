/**
 * Schema migrations: numbered SQL files in `migrations/` (forward only, each in its own transaction),
 * run by Kysely's Migrator. The migrator refuses a database that has migrations this code does not know
 * (it was migrated by a newer version): running old code on it could corrupt data.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Migration, type MigrationProvider, type MigrationResult, Migrator, sql } from 'kysely';
import { CdsError } from '../errors.ts';
import type { Db } from './db.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

/** Reads `NNNNNN_name.sql` files; the file name (without .sql) is the migration's name and order. */
export class SqlFileMigrationProvider implements MigrationProvider {
  constructor(private readonly dir: string = MIGRATIONS_DIR) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await readdir(this.dir)).filter((f) => /^\d{6}_[a-z0-9_]+\.sql$/.test(f)).sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      const text = await readFile(path.join(this.dir, file), 'utf8');
      migrations[file.replace(/\.sql$/, '')] = { up: async (db) => void (await sql.raw(text).execute(db)) };
    }
    return migrations;
  }
}

export interface MigrateOutcome {
  /** One entry per migration attempted: name and Success/Error/NotExecuted. */
  results: readonly MigrationResult[];
  /** Names of all migrations now applied. */
  applied: string[];
}

/** Brings the schema up to date. Throws CdsError('SCHEMA') saying which migration failed and why. */
export async function migrate(db: Db, dir?: string): Promise<MigrateOutcome> {
  const migrator = new Migrator({ db: db.kysely, provider: new SqlFileMigrationProvider(dir) });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) {
    const message = error instanceof Error ? error.message : String(error);
    const failed = results.find((r) => r.status === 'Error');
    if (/corrupted migrations/.test(message)) {
      throw new CdsError(
        'SCHEMA',
        `The database was migrated by a newer version of cds (${message}). ` +
          'Upgrade cds, or point DATABASE_URL / CDS_DATA_DIR at another database.',
        { cause: error },
      );
    }
    throw new CdsError('SCHEMA', `Migration ${failed?.migrationName ?? '?'} failed: ${message}`, {
      cause: error,
    });
  }
  const applied = (await migrator.getMigrations()).filter((m) => m.executedAt).map((m) => m.name);
  return { results, applied };
}
