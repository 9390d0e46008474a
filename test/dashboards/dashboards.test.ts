import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  completedWithResults,
  DASHBOARDS,
  enrollmentDistribution,
  findDashboard,
  monthsToPrimaryCompletion,
  registeredPerYear,
  sitesByCountry,
  statusOverTime,
  TOP_N,
  topConditions,
  topSponsors,
} from '../../src/dashboards/dashboards.ts';
import {
  firstVersion,
  NOW_RECRUITING,
  REMOVED,
  STOPPED_RECRUITING,
  secondVersion,
} from '../events/fixture-versions.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { deliverFixtureSyncs } from '../warehouse/deliver-fixture-syncs.ts';
import {
  byCodePoint,
  dayNumber,
  median,
  monthsFrom,
  phasesOf,
  ranked,
  studyFields,
} from './fixture-figures.ts';

/** The registry now (the second snapshot: four studies changed, REMOVED gone) and at the first sync. */
const now = studyFields(secondVersion());
const before = studyFields(firstVersion());

describe('dashboards over the warehouse, checked against the fixture JSON', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
    await deliverFixtureSyncs(t.db);
  });
  afterAll(async () => t?.drop());

  it('lists each dashboard once, with constant SQL that reads the warehouse', () => {
    expect(DASHBOARDS.map((d) => d.id)).toEqual([
      'registered-per-year',
      'status-over-time',
      'top-sponsors',
      'top-conditions',
      'enrollment-distribution',
      'months-to-primary-completion',
      'completed-with-results',
      'sites-by-country',
    ]);
    for (const d of DASHBOARDS) {
      expect(d.sql).toContain('warehouse.dim_study');
      expect(findDashboard(d.id)).toBe(d);
    }
    expect(findDashboard('nope')).toBeUndefined();
    expect(now).toHaveLength(205);
    expect(now.map((s) => s.nctId)).not.toContain(REMOVED);
  });

  it('counts the current studies by first-posted year and each of their phases', async () => {
    const expected = new Map<string, number>();
    for (const s of now)
      for (const phase of phasesOf(s)) {
        const key = `${s.firstPosted!.slice(0, 4)} ${phase}`;
        expected.set(key, (expected.get(key) ?? 0) + 1);
      }
    const rows = await registeredPerYear.run(t.db);
    expect(new Map(rows.map((r) => [`${r.year} ${r.phase}`, r.studies]))).toEqual(expected);
    expect(rows.map((r) => `${r.year} ${r.phase}`)).toEqual([...expected.keys()].sort(byCodePoint));
    // Phase 1/2 and 2/3 studies count under both phases: more rows' worth of studies than studies.
    expect(rows.reduce((sum, r) => sum + r.studies, 0)).toBe(now.length + 8 + 15);
    expect(rows.filter((r) => r.phase === 'NO_PHASE').reduce((sum, r) => sum + r.studies, 0)).toBe(
      now.filter((s) => s.phases.length === 0).length,
    );
  });

  it('shows the status mix at each month end from the history: the first sync, then the second', async () => {
    const counts = (studies: typeof now) => new Map(ranked(studies.map((s) => s.status)));
    const atFirst = counts(before);
    const atSecond = counts(now);
    // The second sync: one study recruiting instead of not yet, one no longer recruiting, one completed gone.
    expect(atSecond.get('RECRUITING')).toBe(atFirst.get('RECRUITING')!);
    expect(atSecond.get('NOT_YET_RECRUITING')).toBe(atFirst.get('NOT_YET_RECRUITING')! - 1);
    expect(atSecond.get('ACTIVE_NOT_RECRUITING')).toBe(atFirst.get('ACTIVE_NOT_RECRUITING')! + 1);
    expect(atSecond.get('COMPLETED')).toBe(atFirst.get('COMPLETED')! - 1);
    expect([NOW_RECRUITING, STOPPED_RECRUITING].every((id) => now.some((s) => s.nctId === id))).toBe(true);

    const thisMonth = new Date().toISOString().slice(0, 7);
    const expected = monthsFrom('2024-06', thisMonth).flatMap((month) =>
      [...(month < '2025-03' ? atFirst : atSecond)]
        .sort(([a], [b]) => byCodePoint(a, b))
        .map(([status, studies]) => ({ month, status, studies })),
    );
    const rows = await statusOverTime.run(t.db);
    expect(rows).toEqual(expected);
  });

  it('agrees with an as-of count at a month end (the rows valid at its last instant)', async () => {
    const { rows } = await t.db.query<{ status: string; studies: number }>(
      `select overall_status as status, count(*)::int as studies from warehouse.dim_study
       where tstzrange(valid_from, valid_to) @> '2025-03-31T23:59:59.999999Z'::timestamptz
       group by 1 order by overall_status collate "C"`,
    );
    const march = (await statusOverTime.run(t.db)).filter((r) => r.month === '2025-03');
    expect(march.map(({ status, studies }) => ({ status, studies }))).toEqual(rows);
    expect(rows.reduce((sum, r) => sum + r.studies, 0)).toBe(205);
  });

  it(`ranks the top ${TOP_N} lead sponsors by current studies`, async () => {
    const expected = ranked(now.flatMap((s) => (s.leadSponsor ? [s.leadSponsor] : []))).slice(0, TOP_N);
    const rows = await topSponsors.run(t.db);
    expect(rows.map((r) => [r.sponsor, r.studies])).toEqual(expected);
    expect(rows).toHaveLength(TOP_N);
    expect(rows[0]!.studies).toBeGreaterThan(rows[TOP_N - 1]!.studies);
  });

  it(`ranks the top ${TOP_N} MeSH conditions by current studies`, async () => {
    const expected = ranked(now.flatMap((s) => s.meshTerms)).slice(0, TOP_N);
    const rows = await topConditions.run(t.db);
    expect(rows.map((r) => [r.condition, r.studies])).toEqual(expected);
    expect(rows.every((r) => /^D\d+$/.test(r.mesh_id ?? ''))).toBe(true);
  });

  it('buckets enrollment by powers of ten per study type, empty buckets as zero', async () => {
    const bucket = (n: number) => (n === 0 ? 0 : Math.min(String(n).length, 6));
    const types = [...new Set(now.filter((s) => s.enrollment !== null).map((s) => s.studyType!))].sort();
    const expected = [0, 1, 2, 3, 4, 5, 6].flatMap((b) =>
      types.map((type) => ({
        bucket: b,
        study_type: type,
        studies: now.filter(
          (s) => s.studyType === type && s.enrollment !== null && bucket(s.enrollment) === b,
        ).length,
      })),
    );
    const rows = await enrollmentDistribution.run(t.db);
    expect(rows.map(({ bucket, study_type, studies }) => ({ bucket, study_type, studies }))).toEqual(
      expected,
    );
    expect(rows.find((r) => r.bucket === 3)!.label).toBe('100–999');
    expect(rows.reduce((sum, r) => sum + r.studies, 0)).toBe(now.filter((s) => s.enrollment !== null).length);
  });

  it('takes the median months from start to primary completion per phase', async () => {
    const spans = new Map<string, number[]>();
    for (const s of now) {
      if (!s.start || !s.primaryCompletion) continue;
      const days = dayNumber(s.primaryCompletion) - dayNumber(s.start);
      if (days < 0) continue;
      for (const phase of phasesOf(s)) spans.set(phase, [...(spans.get(phase) ?? []), days]);
    }
    const rows = await monthsToPrimaryCompletion.run(t.db);
    expect(rows.map((r) => [r.phase, r.studies])).toEqual(
      [...spans].sort(([a], [b]) => byCodePoint(a, b)).map(([phase, days]) => [phase, days.length]),
    );
    for (const row of rows)
      expect(row.median_months).toBeCloseTo(median(spans.get(row.phase)!) / (365.2425 / 12), 9);
  });

  it('gives the share of completed studies with results, overall and by phase', async () => {
    const completed = now.filter((s) => s.status === 'COMPLETED');
    const row = (phase: string, studies: typeof now) => {
      const withResults = studies.filter((s) => s.hasResults).length;
      return {
        phase,
        completed: studies.length,
        with_results: withResults,
        share: withResults / studies.length,
      };
    };
    const phases = [...new Set(completed.flatMap(phasesOf))].sort(byCodePoint);
    const rows = await completedWithResults.run(t.db);
    expect(rows).toEqual([
      row('ALL', completed),
      ...phases.map((phase) =>
        row(
          phase,
          completed.filter((s) => phasesOf(s).includes(phase)),
        ),
      ),
    ]);
    expect(rows[0]!.with_results).toBeGreaterThan(0);
    expect(rows[0]!.with_results).toBeLessThan(rows[0]!.completed);
  });

  it('sums the current studies’ sites per country', async () => {
    const sites = ranked(now.flatMap((s) => s.siteCountries));
    const studies = new Map(ranked(now.flatMap((s) => [...new Set(s.siteCountries)])));
    const rows = await sitesByCountry.run(t.db);
    expect(rows).toEqual(sites.map(([country, n]) => ({ country, studies: studies.get(country), sites: n })));
    expect(rows[0]).toMatchObject({ country: 'United States' });
  });
});
