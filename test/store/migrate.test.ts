import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCdsError } from '../../src/errors.ts';
import { MIGRATIONS_DIR, migrate } from '../../src/store/migrate.ts';
import { openPgliteDb } from '../../src/store/pglite-db.ts';
import { createTestDb, type TestDb } from '../support/db.ts';

/** pg_dump of the schema without the noise that varies between runs and versions. */
function dumpSchema(url: string): string {
  const out = execFileSync(
    'pg_dump',
    ['--schema-only', '--no-owner', '--no-privileges', '--no-comments', url],
    {
      encoding: 'utf8',
    },
  );
  return `${out
    .split('\n')
    .filter((l) => !/^(--|SET |SELECT pg_catalog\.set_config|\\(un)?restrict )/.test(l))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}

/** Every migration file, in order, as the migrator names them. */
const ALL_MIGRATIONS = readdirSync(MIGRATIONS_DIR)
  .filter((f) => f.endsWith('.sql'))
  .sort()
  .map((f) => f.replace(/\.sql$/, ''));

describe('migrate', () => {
  let fresh: TestDb;
  beforeAll(async () => {
    fresh = await createTestDb({ template: null });
  });
  afterAll(async () => fresh.drop());

  it('applies every migration in order on an empty PostgreSQL database and is a no-op the second time', async () => {
    const first = await migrate(fresh.db);
    expect(first.applied).toEqual(ALL_MIGRATIONS);
    expect(first.applied.slice(0, 3)).toEqual(['000001_studies', '000002_runs', '000003_run_seen']);
    expect(first.results.every((r) => r.status === 'Success')).toBe(true);
    const second = await migrate(fresh.db);
    expect(second.results).toEqual([]);
  });

  it('produces exactly the committed schema.sql (regenerate with UPDATE_SCHEMA=1)', () => {
    const dump = dumpSchema(fresh.url);
    const file = path.join(MIGRATIONS_DIR, '..', 'schema.sql');
    if (process.env.UPDATE_SCHEMA === '1') writeFileSync(file, dump);
    expect(dump).toBe(readFileSync(file, 'utf8'));
  });

  it('compresses with lz4 on the server (migration 000013)', async () => {
    // ~700 distinct words: a vector of ~11 KB, compressed when stored.
    const text = Array.from({ length: 700 }, (_, i) => `word${i.toString(36)}x`).join(' ');
    await fresh.db.query(
      `insert into studies (nct_id, content_hash, search_vector)
       values ('NCT09999999', 'h', to_tsvector('english', $1))`,
      [text],
    );
    const { rows } = await fresh.db.query<{ method: string }>(
      `select pg_column_compression(search_vector) as method from studies where nct_id = 'NCT09999999'`,
    );
    expect(rows[0]!.method).toBe('lz4');
    const { rows: settings } = await fresh.db.query<{ setting: string }>(
      `select unnest(setconfig) as setting from pg_db_role_setting
       where setdatabase = (select oid from pg_database where datname = current_database())`,
    );
    expect(settings.map((r) => r.setting)).toContain('default_toast_compression=lz4');
    await fresh.db.query(`delete from studies where nct_id = 'NCT09999999'`);
  });

  it('refuses a database migrated by a newer version, saying what to do', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cds-migrations-'));
    writeFileSync(path.join(dir, '000001_studies.sql'), 'select 1');
    const error = await migrate(fresh.db, dir).catch((e: unknown) => e);
    expect(isCdsError(error, 'SCHEMA')).toBe(true);
    expect((error as Error).message).toMatch(/newer version of cds/);
  });

  it('runs the same migrations on the embedded engine', async () => {
    const db = await openPgliteDb('memory://');
    try {
      const outcome = await migrate(db);
      expect(outcome.applied).toEqual(ALL_MIGRATIONS);
      const { rows } = await db.query<{ d: number }>(
        `select round(earth_distance(ll_to_earth(40.71, -74.01), ll_to_earth(42.36, -71.06))/1000) as d`,
      );
      expect(rows[0]!.d).toBeGreaterThan(300);
      expect(rows[0]!.d).toBeLessThan(310);
    } finally {
      await db.close();
    }
  }, 180_000);
});
