import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshSearchTerms } from '../../src/search/refresh-search-terms.ts';
import { searchStudies } from '../../src/search/search-studies.ts';
import { suggestTerms } from '../../src/search/suggest-terms.ts';
import type { Db } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';
import { openPgliteDb } from '../../src/store/pglite-db.ts';
import { insertStudy } from './support/insert-study.ts';

describe('searchStudies on the embedded engine (PGlite)', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openPgliteDb('memory://');
    await migrate(db);
    await insertStudy(db, {
      nctId: 'NCT00000001',
      briefTitle: 'Pembrolizumab in Metastatic Breast Cancer',
      conditions: ['Breast Cancer'],
      meshAncestors: ['Neoplasms'],
      interventions: ['Pembrolizumab'],
      overallStatus: 'RECRUITING',
      phases: ['PHASE3'],
      lastUpdatePostDate: '2024-05-01',
      sites: [{ city: 'New York', country: 'United States', lat: 40.7128, lon: -74.006 }],
    });
    await insertStudy(db, {
      nctId: 'NCT00000002',
      briefTitle: 'Exercise After Surgery',
      conditions: ['Lymphedema'],
      overallStatus: 'COMPLETED',
      lastUpdatePostDate: '2020-02-01',
      briefSummary: 'Exercise for survivors of breast cancer.',
      sites: [{ city: 'Boston', country: 'United States', lat: 42.3601, lon: -71.0589 }],
    });
    await refreshSearchTerms(db);
  });
  afterAll(async () => db.close());

  it('runs the same ranked, faceted, geo and typeahead SQL as the server', async () => {
    const ranked = await searchStudies(db, { q: 'breast cancer', status: ['RECRUITING'] });
    expect(ranked.studies.map((s) => s.nctId)).toEqual(['NCT00000001']);
    expect(ranked.facets!.status).toEqual([
      { value: 'COMPLETED', count: 1 },
      { value: 'RECRUITING', count: 1 },
    ]);
    const near = await searchStudies(db, { near: { lat: 40.71, lon: -74.01, radius: 400, unit: 'km' } });
    expect(near.studies.map((s) => [s.nctId, s.nearestSite!.city])).toEqual([
      ['NCT00000001', 'New York'],
      ['NCT00000002', 'Boston'],
    ]);
    const paged = await searchStudies(db, { sort: 'last_update', pageSize: 1 });
    const next = await searchStudies(db, { sort: 'last_update', pageSize: 1, cursor: paged.nextCursor! });
    expect([paged.studies[0]!.nctId, next.studies[0]!.nctId]).toEqual(['NCT00000001', 'NCT00000002']);
    expect(
      await searchStudies(db, { condition: 'neoplasms' }).then((r) => r.studies.map((s) => s.nctId)),
    ).toEqual(['NCT00000001']);
    expect((await suggestTerms(db, { q: 'pembrolizumb' }, 5000))[0]?.term).toBe('Pembrolizumab');
  });
});
