import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { type FixtureDocument, fixtureDocuments, loadFixtures } from '../support/load-fixtures.ts';

const docs = fixtureDocuments();
const idOf = (d: FixtureDocument): string => d.protocolSection.identificationModule.nctId;

describe('cds search', () => {
  let t: TestDb;
  const saved = process.env.DATABASE_URL;
  beforeAll(async () => {
    t = await createTestDb();
    await loadFixtures(t.db);
    process.env.DATABASE_URL = t.url;
  });
  afterAll(async () => {
    process.env.DATABASE_URL = saved;
    await t.drop();
  });

  async function cds(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s), isTTY: false });
    return { code, out: out.join(''), err: err.join('') };
  }

  it('prints a readable table of the matches with the count, filters applied', async () => {
    const { code, out } = await cds(
      'search',
      'leukemia',
      '--status',
      'recruiting',
      '--phase',
      'PHASE1,PHASE2',
    );
    expect(code).toBe(0);
    const expected = docs.filter(
      (d) =>
        d.protocolSection.statusModule.overallStatus === 'RECRUITING' &&
        (d.protocolSection.designModule?.phases ?? []).some(
          (p: string) => p === 'PHASE1' || p === 'PHASE2',
        ) &&
        /leukemi/i.test(JSON.stringify(d.protocolSection)),
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(out).toMatch(new RegExp(`^${expected.length} studies \\(sorted by relevance\\)`));
    expect(out).toMatch(/NCT ID\s+Status\s+Phase\s+Title/);
    for (const d of expected) expect(out).toContain(idOf(d));
  });

  it('prints JSON with --json, with the nearest site for --near', async () => {
    const { code, out } = await cds('search', '--near', '29.76328,-95.36327,10mi', '--json', '-n', '3');
    expect(code).toBe(0);
    const result = JSON.parse(out);
    expect(result.sort).toBe('distance');
    expect(result.studies[0].nearestSite).toMatchObject({ city: 'Houston', unit: 'mi' });
    expect(result.facets.status.length).toBeGreaterThan(0);
  });

  it('exits 2 with a clear message on a bad filter', async () => {
    const near = await cds('search', 'cancer', '--near', '40.7,-74.0');
    expect(near.code).toBe(2);
    expect(near.err).toMatch(/expected lat,lon,radius/);
    const status = await cds('search', 'cancer', '--status', 'RECRUTING');
    expect(status.code).toBe(2);
    expect(status.err).toMatch(/status/);
  });
});
