import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCdsError } from '../../src/errors.ts';
import { refreshSearchTerms } from '../../src/search/refresh-search-terms.ts';
import { runSearchSql } from '../../src/search/run-search-sql.ts';
import type { SearchQueryInput } from '../../src/search/search-query.ts';
import { searchStudies } from '../../src/search/search-studies.ts';
import { suggestTerms } from '../../src/search/suggest-terms.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { insertStudy } from './support/insert-study.ts';

const NYC = { lat: 40.7128, lon: -74.006 };
const BOSTON = { lat: 42.3601, lon: -71.0589 };

describe('searchStudies on hand-made studies', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
    await insertStudy(t.db, {
      nctId: 'NCT00000001',
      briefTitle: 'Pembrolizumab in Metastatic Breast Cancer',
      conditions: ['Breast Cancer'],
      meshTerms: ['Breast Neoplasms'],
      meshAncestors: ['Neoplasms by Site', 'Neoplasms', 'Breast Diseases'],
      interventions: ['Pembrolizumab'],
      overallStatus: 'RECRUITING',
      phases: ['PHASE3'],
      sponsorClass: 'INDUSTRY',
      leadSponsor: 'Merck Sharp & Dohme LLC',
      countries: ['United States'],
      enrollment: 500,
      startDate: '2023-01-01',
      startDateEnd: '2023-01-31',
      lastUpdatePostDate: '2024-05-01',
      minAgeYears: 18,
      sex: 'FEMALE',
      briefSummary: 'This trial tests pembrolizumab in women with metastatic breast cancer.',
      sites: [
        { city: 'New York', country: 'United States', ...NYC },
        { city: 'Boston', country: 'United States', ...BOSTON },
      ],
      outcomes: ['Overall survival'],
    });
    await insertStudy(t.db, {
      nctId: 'NCT00000002',
      briefTitle: 'Exercise After Surgery',
      conditions: ['Lymphedema'],
      overallStatus: 'COMPLETED',
      phases: ['NA'],
      sponsorClass: 'OTHER',
      leadSponsor: 'Boston University',
      countries: ['United States'],
      hasResults: true,
      enrollment: 80,
      startDate: '2015-03-01',
      lastUpdatePostDate: '2020-02-01',
      minAgeYears: 40,
      maxAgeYears: 75,
      briefSummary: 'Supervised exercise for survivors of breast cancer with arm lymphedema.',
      sites: [{ city: 'Boston', country: 'United States', ...BOSTON, status: 'COMPLETED' }],
      outcomes: ['Arm volume', 'Grip strength'],
    });
    await insertStudy(t.db, {
      nctId: 'NCT00000003',
      briefTitle: 'Aspirin After Heart Attack',
      conditions: ['Heart Attack'],
      meshTerms: ['Myocardial Infarction'],
      meshAncestors: ['Heart Diseases', 'Cardiovascular Diseases'],
      leaves: [{ asFound: 'Heart Attack', term: 'Myocardial Infarction' }],
      interventions: ['Aspirin'],
      overallStatus: 'RECRUITING',
      phases: ['PHASE4'],
      sponsorClass: 'OTHER',
      countries: ['Canada'],
      enrollment: 1200,
      lastUpdatePostDate: '2023-07-15',
      sites: [{ city: 'Toronto', country: 'Canada', lat: 43.65, lon: -79.38 }],
    });
    await insertStudy(t.db, {
      nctId: 'NCT00000004',
      briefTitle: 'Statins in Myocardial Infarction',
      conditions: ['Myocardial Infarction'],
      meshTerms: ['Myocardial Infarction'],
      meshAncestors: ['Heart Diseases', 'Cardiovascular Diseases'],
      interventions: ['Atorvastatin'],
      overallStatus: 'ACTIVE_NOT_RECRUITING',
      phases: ['PHASE2', 'PHASE3'],
      sponsorClass: 'NIH',
      countries: ['Germany'],
      lastUpdatePostDate: '2022-01-10',
      stdAges: ['ADULT', 'OLDER_ADULT'],
      sites: [{ city: 'Berlin', country: 'Germany', lat: null, lon: null }],
    });
    await insertStudy(t.db, {
      nctId: 'NCT00000005',
      briefTitle: 'Withdrawn Breast Cancer Registry',
      conditions: ['Breast Cancer'],
      removed: true,
      sites: [{ city: 'New York', country: 'United States', ...NYC }],
    });
    await refreshSearchTerms(t.db);
  });
  afterAll(async () => t.drop());

  const ids = async (query: SearchQueryInput) =>
    (await searchStudies(t.db, query)).studies.map((s) => s.nctId);

  it('ranks a title and condition hit above a summary-only hit and never returns removed studies', async () => {
    const result = await searchStudies(t.db, { q: 'breast cancer' });
    expect(result.studies.map((s) => s.nctId)).toEqual(['NCT00000001', 'NCT00000002']);
    expect(result.total).toBe(2);
    expect(result.totalApproximate).toBe(false);
    expect(result.ranking).toBe('full');
    expect(result.studies[0]!.score!).toBeGreaterThan(result.studies[1]!.score!);
    expect(result.studies[1]!.snippet).toContain('«breast»');
  });

  it('understands quotes, OR and -exclusion', async () => {
    expect(await ids({ q: '"breast cancer" -pembrolizumab' })).toEqual(['NCT00000002']);
    expect((await ids({ q: 'pembrolizumab OR aspirin' })).sort()).toEqual(['NCT00000001', 'NCT00000003']);
  });

  it('matches a condition through MeSH ancestors, below direct hits, and not when expansion is off', async () => {
    expect(await ids({ condition: 'neoplasms' })).toEqual(['NCT00000001']);
    expect(await ids({ condition: 'neoplasms', meshExpansion: false })).toEqual([]);
  });

  it('expands a condition through a synonym known from the data, ranking the direct hit first', async () => {
    expect(await ids({ condition: 'heart attack' })).toEqual(['NCT00000003', 'NCT00000004']);
    expect(await ids({ condition: 'heart attack', meshExpansion: false })).toEqual(['NCT00000003']);
  });

  it('searches fielded text: intervention, title, sponsor, outcome, location and id', async () => {
    expect(await ids({ intervention: 'atorvastatin' })).toEqual(['NCT00000004']);
    expect(await ids({ title: 'exercise' })).toEqual(['NCT00000002']);
    expect(await ids({ sponsor: 'merck' })).toEqual(['NCT00000001']);
    expect(await ids({ outcome: 'arm volume' })).toEqual(['NCT00000002']);
    // The study's outcomes as a whole, as CT.gov's outcome search area: the words of two outcomes match.
    expect(await ids({ outcome: 'volume strength' })).toEqual(['NCT00000002']);
    expect(await ids({ outcome: 'survival strength' })).toEqual([]);
    expect(await ids({ location: 'toronto' })).toEqual(['NCT00000003']);
    expect(await ids({ id: 'nct00000004' })).toEqual(['NCT00000004']);
  });

  it('filters by status, phase, sponsor class, results, country, sex, ages and dates', async () => {
    expect(await ids({ status: ['RECRUITING'], sort: 'last_update' })).toEqual([
      'NCT00000001',
      'NCT00000003',
    ]);
    expect(await ids({ phase: ['PHASE3'] })).toEqual(['NCT00000001', 'NCT00000004']);
    expect(await ids({ sponsorClass: ['NIH'] })).toEqual(['NCT00000004']);
    expect(await ids({ hasResults: true })).toEqual(['NCT00000002']);
    expect(await ids({ countries: ['Canada', 'Germany'] })).toEqual(['NCT00000003', 'NCT00000004']);
    expect(await ids({ sex: 'MALE' })).toEqual(['NCT00000003', 'NCT00000004', 'NCT00000002']);
    // NCT00000002 accepts 40–75: it overlaps 70–90 but not 80–90; the others have no upper limit.
    expect((await ids({ ageMin: 80, ageMax: 90 })).sort()).toEqual([
      'NCT00000001',
      'NCT00000003',
      'NCT00000004',
    ]);
    // Start "2023-01" is the period 2023-01-01..31: it overlaps a range starting mid-month.
    expect(await ids({ startDate: { from: '2023-01-15', to: '2023-12-31' } })).toEqual(['NCT00000001']);
    expect(await ids({ ids: ['NCT00000003', 'NCT00000005'] })).toEqual(['NCT00000003']);
  });

  it('finds studies with a site within the radius, nearest first, with the nearest site and its distance', async () => {
    const result = await searchStudies(t.db, { near: { ...NYC, radius: 400, unit: 'km' } });
    expect(result.sort).toBe('distance');
    expect(result.studies.map((s) => s.nctId)).toEqual(['NCT00000001', 'NCT00000002']);
    expect(result.studies[0]!.nearestSite).toMatchObject({ city: 'New York', distance: 0, unit: 'km' });
    expect(result.studies[1]!.nearestSite!.city).toBe('Boston');
    expect(result.studies[1]!.nearestSite!.distance).toBeGreaterThan(300);
    expect(result.studies[1]!.nearestSite!.distance).toBeLessThan(310);
    expect(result.notes.join(' ')).toMatch(/only sites with coordinates/);
    const miles = await searchStudies(t.db, { near: { ...NYC, radius: 50, unit: 'mi' } });
    expect(miles.studies.map((s) => s.nctId)).toEqual(['NCT00000001']);
  });

  it('counts facets over the same matches, each facet ignoring its own filter', async () => {
    const result = await searchStudies(t.db, { q: 'breast OR heart OR myocardial', status: ['RECRUITING'] });
    expect(result.total).toBe(2);
    // Status ignores the status filter: all four live matches.
    expect(result.facets!.status).toEqual([
      { value: 'RECRUITING', count: 2 },
      { value: 'ACTIVE_NOT_RECRUITING', count: 1 },
      { value: 'COMPLETED', count: 1 },
    ]);
    // Other facets count only the RECRUITING matches.
    expect(result.facets!.phase).toEqual([
      { value: 'PHASE3', count: 1 },
      { value: 'PHASE4', count: 1 },
    ]);
    expect(result.facets!.hasResults).toEqual([{ value: 'false', count: 2 }]);
    expect(result.facetsApproximate).toBe(false);
  });

  it('pages with a keyset cursor through every match exactly once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const result = await searchStudies(t.db, { sort: 'enrollment', pageSize: 1, cursor, facets: false });
      seen.push(...result.studies.map((s) => s.nctId));
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    // Most enrolled first, studies without an enrollment last.
    expect(seen).toEqual(['NCT00000003', 'NCT00000001', 'NCT00000002', 'NCT00000004']);
  });

  it('rejects a forged cursor, or one from another query, as a bad query', async () => {
    const first = await searchStudies(t.db, { q: 'breast', pageSize: 1 });
    expect(first.nextCursor).not.toBeNull();
    const other = await searchStudies(t.db, { q: 'heart', pageSize: 1, cursor: first.nextCursor! }).catch(
      (e) => e,
    );
    expect(isCdsError(other, 'BAD_QUERY')).toBe(true);
    const forged = Buffer.from(
      JSON.stringify({ v: 1, f: 'x'.repeat(16), k: "1'; drop table studies; --", id: 'NCT00000001' }),
    ).toString('base64url');
    const error = await searchStudies(t.db, { q: 'breast', cursor: forged }).catch((e) => e);
    expect(isCdsError(error, 'BAD_QUERY')).toBe(true);
  });

  it('treats SQL and odd unicode in text as words, never as SQL', async () => {
    expect(await ids({ q: "breast'; drop table studies; --" })).toEqual([]);
    expect(await ids({ q: '乳腺癌 \u0000 🙂 \uD800' })).toEqual([]);
    expect(await ids({ q: 'breast' })).toEqual(['NCT00000001', 'NCT00000002']);
  });

  it('rejects unknown enum values, negative page sizes and over-long text with BAD_QUERY', async () => {
    for (const query of [
      { status: ['RECRUTING'] },
      { pageSize: -1 },
      { pageSize: 1000 },
      { q: 'x'.repeat(10_000) },
      { sort: 'distance' },
    ] as SearchQueryInput[]) {
      const error = await searchStudies(t.db, query).catch((e) => e);
      expect(isCdsError(error, 'BAD_QUERY')).toBe(true);
    }
  });

  it('suggests terms despite a typo and offers a correction when text finds nothing', async () => {
    const suggestions = await suggestTerms(t.db, { q: 'pembrolizumb' }, 5000);
    expect(suggestions[0]).toMatchObject({ term: 'Pembrolizumab', kind: 'intervention', studyCount: 1 });
    const result = await searchStudies(t.db, { q: 'pembrolizumb' });
    expect(result.total).toBe(0);
    expect(result.didYouMean).toEqual({ field: 'q', text: 'pembrolizumab' });
  });

  it('stops a statement past the search timeout with a TIMEOUT error', async () => {
    const error = await runSearchSql(t.db, sql`select pg_sleep(2)`, 50).catch((e) => e);
    expect(isCdsError(error, 'TIMEOUT')).toBe(true);
    expect((error as Error).message).toMatch(/longer than 50 ms/);
  });
});
