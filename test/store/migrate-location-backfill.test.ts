/**
 * Migration 000011 on a database that already holds studies: every study with sites gets its location
 * vector, and the secondary indexes of `studies` it drops for the backfill are all back afterwards.
 */
import { cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, migrate } from '../../src/store/migrate.ts';
import { createTestDb, type TestDb } from '../support/db.ts';

const indexesOf = async (t: TestDb) =>
  (
    await t.db.query<{ definition: string }>(
      `select pg_get_indexdef(indexrelid) as definition from pg_index where indrelid = 'studies'::regclass`,
    )
  ).rows
    .map((r) => r.definition)
    .sort();

describe('migration 000011 on existing studies', () => {
  let before: TestDb;
  let reference: TestDb;
  beforeAll(async () => {
    [before, reference] = await Promise.all([createTestDb({ template: null }), createTestDb()]);
  });
  afterAll(async () => Promise.all([before?.drop(), reference?.drop()]));

  it('backfills the location vectors and rebuilds the indexes it dropped', async () => {
    const upTo10 = mkdtempSync(path.join(tmpdir(), 'cds-migrations-'));
    for (const file of readdirSync(MIGRATIONS_DIR).filter((f) => f < '000011'))
      cpSync(path.join(MIGRATIONS_DIR, file), path.join(upTo10, file));
    await migrate(before.db, upTo10);
    await before.db.exec(`
      insert into studies (nct_id, brief_title, content_hash, search_vector)
      values ('NCT00000001', 'One', 'h', ''), ('NCT00000002', 'Two', 'h', '');
      insert into study_locations (nct_id, ord, facility, city, state, country)
      values ('NCT00000001', 0, 'Mass General', 'Boston', 'Massachusetts', 'United States'),
             ('NCT00000001', 1, null, 'Toronto', 'Ontario', 'Canada');`);

    const pendingChanges = async () =>
      (await before.db.query<{ n: number }>('select count(*)::int as n from search_term_changes')).rows[0]!.n;
    const logged = await pendingChanges(); // the inserts' own terms

    await migrate(before.db);

    const { rows } = await before.db.query<{ nct_id: string; vector: string | null }>(
      'select nct_id, location_vector::text as vector from studies order by nct_id',
    );
    expect(rows).toEqual([
      {
        nct_id: 'NCT00000001',
        vector:
          "'boston':3 'canada':9 'general':2 'mass':1 'massachusetts':4 'ontario':8 'states':6 'toronto':7 'united':5",
      },
      { nct_id: 'NCT00000002', vector: null },
    ]);
    expect(await indexesOf(before)).toEqual(await indexesOf(reference));
    // The backfill changes no study's terms and logs nothing.
    expect(await pendingChanges()).toBe(logged);
  });
});
