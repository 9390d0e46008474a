/**
 * Migration 000011 on a database that already holds studies: every study with sites gets its location
 * vector, and the secondary indexes of `studies` it drops for the backfill are all back afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/store/migrate.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { migrateBefore, studyIndexes } from '../support/migrations.ts';

describe('migration 000011 on existing studies', () => {
  let before: TestDb;
  let reference: TestDb;
  beforeAll(async () => {
    [before, reference] = await Promise.all([createTestDb({ template: null }), createTestDb()]);
  });
  afterAll(async () => Promise.all([before?.drop(), reference?.drop()]));

  it('backfills the location vectors and rebuilds the indexes it dropped', async () => {
    await migrateBefore(before.db, '000011');
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
    expect(await studyIndexes(before.db)).toEqual(await studyIndexes(reference.db));
    // The backfill changes no study's terms and logs nothing.
    expect(await pendingChanges()).toBe(logged);
  });
});
