/**
 * site_points (migration 000025) holds exactly the distinct points of the sites, whoever wrote them: the
 * migration's backfill of existing sites, the loader's COPY, an INSERT or UPDATE by hand. The radius
 * search finds sites only through it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchStudies } from '../../src/search/search-studies.ts';
import type { Queryable } from '../../src/store/db.ts';
import { loadStudies } from '../../src/store/load-studies.ts';
import { migrate } from '../../src/store/migrate.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { migrateBefore } from '../support/migrations.ts';
import { fixtureRecords, insertRun, stream } from './support/fixture-records.ts';

/** Points of the sites missing from site_points, and points there that no site has (by text). */
async function pointDifference(db: Queryable): Promise<{ missing: string[]; unused: string[] }> {
  const { rows } = await db.query<{ missing: string[]; unused: string[] }>(
    `select
       array(select geo::text from study_locations where geo is not null
             except select geo::text from site_points order by 1) as missing,
       array(select geo::text from site_points
             except select geo::text from study_locations where geo is not null order by 1) as unused`,
  );
  return rows[0]!;
}

describe('site_points', () => {
  let before: TestDb;
  let t: TestDb;
  beforeAll(async () => {
    [before, t] = await Promise.all([createTestDb({ template: null }), createTestDb()]);
    await insertRun(t.db, 'run-1');
  });
  afterAll(async () => Promise.all([before?.drop(), t?.drop()]));

  it('are backfilled from the sites a database holds when migration 000025 runs', async () => {
    await migrateBefore(before.db, '000025');
    await before.db.exec(`insert into studies (nct_id, brief_title, content_hash, search_vector)
      values ('NCT00000001', 'One', 'h', '')`);
    await before.db.exec(`insert into study_locations (nct_id, ord, city, lat, lon) values
      ('NCT00000001', 0, 'Boston', 42.36, -71.06), ('NCT00000001', 1, 'Boston', 42.36, -71.06),
      ('NCT00000001', 2, 'Toronto', 43.65, -79.38), ('NCT00000001', 3, 'Nowhere', null, null)`);
    await migrate(before.db);
    const { rows } = await before.db.query<{ n: number }>('select count(*)::int as n from site_points');
    expect(rows[0]!.n).toBe(2);
    expect(await pointDifference(before.db)).toEqual({ missing: [], unused: [] });
  });

  it("are the distinct points of the loader's sites", async () => {
    const result = await loadStudies(t.db, stream(fixtureRecords()), { runId: 'run-1', batchSize: 50 });
    expect(result.status).toBe('succeeded');
    const { rows } = await t.db.query<{ sites: number; points: number }>(
      `select (select count(*)::int from study_locations where geo is not null) as sites,
              (select count(*)::int from site_points) as points`,
    );
    // Sites share their city's point: fewer points than sites.
    expect(rows[0]!.points).toBeGreaterThan(100);
    expect(rows[0]!.points).toBeLessThan(rows[0]!.sites);
    expect(await pointDifference(t.db)).toEqual({ missing: [], unused: [] });
  });

  it('follow sites inserted and moved by hand, and the radius search finds them', async () => {
    const { rows: sample } = await t.db.query<{ nct_id: string; ord: number }>(
      'select nct_id, max(ord) as ord from study_locations group by nct_id order by nct_id limit 2',
    );
    const [first, second] = sample as [{ nct_id: string; ord: number }, { nct_id: string; ord: number }];
    // A point no fixture site has: an island in the South Atlantic.
    await t.db.query(
      `insert into study_locations (nct_id, ord, city, country, lat, lon)
       values ($1, $2, 'Edinburgh of the Seven Seas', 'Saint Helena', -37.067, -12.311)`,
      [first.nct_id, first.ord + 1],
    );
    const near = { lat: -37.07, lon: -12.31, radius: 5, unit: 'km' as const };
    const found = await searchStudies(t.db, { near });
    expect(found.studies.map((s) => s.nctId)).toEqual([first.nct_id]);

    // Moved to the center by an UPDATE: the second study is found too, and first when nearest first.
    await t.db.query('update study_locations set lat = -37.07, lon = -12.31 where nct_id = $1 and ord = $2', [
      second.nct_id,
      second.ord,
    ]);
    const both = await searchStudies(t.db, { near, sort: 'distance' });
    expect(both.studies.map((s) => s.nctId)).toEqual([second.nct_id, first.nct_id]);
    expect(both.total).toBe(2);
    // The point the moved site left stays (another site may share it, or none): it matches no site.
    expect((await pointDifference(t.db)).missing).toEqual([]);
  });
});
