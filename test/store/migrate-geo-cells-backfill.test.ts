/**
 * Migration 000014 on a database that already holds studies: every study with located sites gets the cells
 * the loader would give it, a study without any keeps none, and the secondary indexes of `studies` it drops
 * for the backfill are all back afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/store/migrate.ts';
import { siteCells } from '../../src/transform/geo-cells.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { migrateBefore, studyIndexes } from '../support/migrations.ts';

describe('migration 000014 on existing studies', () => {
  let before: TestDb;
  let reference: TestDb;
  beforeAll(async () => {
    [before, reference] = await Promise.all([createTestDb({ template: null }), createTestDb()]);
  });
  afterAll(async () => Promise.all([before?.drop(), reference?.drop()]));

  it('backfills the cells of the located sites and rebuilds the indexes it dropped', async () => {
    await migrateBefore(before.db, '000014');
    const sites = [
      { lat: 42.36, lon: -71.06 },
      { lat: 43.65, lon: -79.38 },
      { lat: 42.9, lon: -71.5 },
      { lat: null, lon: null },
      { lat: -33.87, lon: 151.21 },
    ];
    await before.db.exec(`
      insert into studies (nct_id, brief_title, content_hash, search_vector)
      values ('NCT00000001', 'One', 'h', ''), ('NCT00000002', 'Two', 'h', '');`);
    await before.db.query(
      `insert into study_locations (nct_id, ord, lat, lon)
       select 'NCT00000001', i - 1, lat, lon from unnest($1::float8[], $2::float8[]) with ordinality u(lat, lon, i)`,
      [sites.map((s) => s.lat), sites.map((s) => s.lon)],
    );
    await before.db.exec(
      `insert into study_locations (nct_id, ord, city) values ('NCT00000002', 0, 'Nowhere')`,
    );

    await migrate(before.db);

    const { rows } = await before.db.query<{ nct_id: string; cells: number[] | null }>(
      'select nct_id, geo_cells as cells from studies order by nct_id',
    );
    expect(rows).toEqual([
      { nct_id: 'NCT00000001', cells: siteCells(sites) },
      { nct_id: 'NCT00000002', cells: null },
    ]);
    expect(siteCells(sites)).toHaveLength(3);
    expect(await studyIndexes(before.db)).toEqual(await studyIndexes(reference.db));
  });
});
