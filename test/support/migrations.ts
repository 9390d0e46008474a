/** Helpers for the tests of a migration's backfill on a database that already holds studies. */
import { cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Db } from '../../src/store/db.ts';
import { MIGRATIONS_DIR, migrate } from '../../src/store/migrate.ts';

/** Applies every migration numbered below `migration` (e.g. '000014'), as an older cds would have. */
export async function migrateBefore(db: Db, migration: string): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cds-migrations-'));
  for (const file of readdirSync(MIGRATIONS_DIR).filter((f) => f < migration))
    cpSync(path.join(MIGRATIONS_DIR, file), path.join(dir, file));
  await migrate(db, dir);
}

/** The definitions of every index of `studies`, sorted: equal on two databases with the same indexes. */
export async function studyIndexes(db: Db): Promise<string[]> {
  const { rows } = await db.query<{ definition: string }>(
    `select pg_get_indexdef(indexrelid) as definition from pg_index where indrelid = 'studies'::regclass`,
  );
  return rows.map((r) => r.definition).sort();
}
