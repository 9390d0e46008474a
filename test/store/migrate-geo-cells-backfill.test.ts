/**
 * Migration 000014 on a database that already holds studies: every study with located sites gets the cells
 * the loader would give it, a study without any keeps none, and the secondary indexes of `studies` it drops
 * for the backfill are all back afterwards.
 */
import { cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, migrate } from '../../src/store/migrate.ts';
import { siteCells } from '../../src/transform/geo-cells.ts';
import { createTestDb, type TestDb } from '../support/db.ts';

const indexesOf = async (t: TestDb) =>
  (
    await t.db.query<{ definition: string }>(
      `select pg_get_indexdef(indexrelid) as definition from pg_index where indrelid = 'studies'::regclass`,
    )
  ).rows
    .map((r) => r.definition)
    .sort();

describe('migration 000014 on existing studies', () => {
  let before: TestDb;
  let reference: TestDb;
  beforeAll(async () => {
    [before, reference] = await Promise.all([createTestDb({ template: null }), createTestDb()]);
  });
  afterAll(async () => Promise.all([before?.drop(), reference?.drop()]));

  it('backfills the cells of the located sites and rebuilds the indexes it dropped', async () => {
    const upTo13 = mkdtempSync(path.join(tmpdir(), 'cds-migrations-'));
    for (const file of readdirSync(MIGRATIONS_DIR).filter((f) => f < '000014'))
      cpSync(path.join(MIGRATIONS_DIR, file), path.join(upTo13, file));
    await migrate(before.db, upTo13);
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
    expect(await indexesOf(before)).toEqual(await indexesOf(reference));
  });
});
