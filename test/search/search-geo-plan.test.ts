/**
 * Radius search reads the distinct site points in the radius from their GiST index, then the sites at each
 * point from the btree by point (migration 000025), both index-only: on vacuumed tables of 72,000 sites
 * (every one on a point of its own here), the statements a near-query runs read no heap page of either, and
 * still return exactly the studies with a site within the radius, counted here in plain SQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXACT_COUNT_LIMIT } from '../../src/search/search-counts.ts';
import { NEAREST_SITES_FIRST } from '../../src/search/search-page.ts';
import type { SearchQueryInput } from '../../src/search/search-query.ts';
import { searchStudies } from '../../src/search/search-studies.ts';
import type { Db } from '../../src/store/db.ts';
import { captureStatements, explainCaptured } from '../support/captured-statements.ts';
import { createTestDb, type TestDb } from '../support/db.ts';

const STUDIES = 24_000;
let t: TestDb;

beforeAll(async () => {
  t = await createTestDb();
  await t.db.query(
    `insert into studies (nct_id, brief_title, overall_status, study_type, phases, lead_sponsor_class,
       countries, std_ages, sex, has_results, last_update_post_date, content_hash, search_vector)
     select 'NCT' || lpad(i::text, 8, '0'), 'Study ' || i, 'RECRUITING', 'INTERVENTIONAL', array['PHASE2'],
       'OTHER', array['United States'], array['ADULT'], 'ALL', false, date '2020-01-01' + i % 1000, 'test',
       to_tsvector('english', 'study')
     from generate_series(1, $1::int) i`,
    [STUDIES],
  );
  // Three sites per study on a grid over the contiguous United States (~0.1° apart).
  await t.db.query(
    `insert into study_locations (nct_id, ord, city, country, lat, lon)
     select 'NCT' || lpad(i::text, 8, '0'), k, 'City ' || (i * 3 + k), 'United States',
       30 + ((i * 3 + k) % 150) / 10.0, -120 + ((i * 3 + k) / 150) % 480 / 10.0
     from generate_series(1, $1::int) i, generate_series(0, 2) k`,
    [STUDIES],
  );
  // Each study's one-degree cells, as the loader stores them (migration 000014).
  await t.db.exec(
    `update studies s set geo_cells = l.cells
     from (select nct_id, array_agg(distinct geo_cell(lat, lon)) as cells from study_locations group by nct_id) l
     where l.nct_id = s.nct_id`,
  );
  await t.db.exec('vacuum (analyze) studies, study_locations, site_points');
}, 120_000);
afterAll(async () => {
  await t?.drop();
});

type PlanNode = {
  'Node Type': string;
  'Index Name'?: string;
  'Index Cond'?: string;
  'Heap Fetches'?: number;
  Plans?: PlanNode[];
};
const nodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodes)];

/** Every node of the plan of each statement `fn` sends that `pick` selects, each under its own settings. */
async function plansOf(
  fn: (db: Db) => Promise<unknown>,
  pick: (text: string) => boolean,
): Promise<PlanNode[][]> {
  const plans: PlanNode[][] = [];
  for (const captured of await captureStatements(t.db, fn)) {
    if (!pick(captured.statement.text)) continue;
    const [row] = await explainCaptured<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
      t.db,
      captured,
      'analyze, format json',
    );
    plans.push(nodes(row!['QUERY PLAN'][0].Plan));
  }
  return plans;
}

/** Studies with a site within 60 km of (35, -100), counted here from the sites' coordinates. */
async function studiesWithinRadius(): Promise<number> {
  const { rows } = await t.db.query<{ n: number }>(
    `select count(distinct nct_id)::int as n from study_locations
     where earth_distance(ll_to_earth(35, -100), ll_to_earth(lat, lon)) <= 60000`,
  );
  return rows[0]!.n;
}

describe('radius search', () => {
  const near = { lat: 35, lon: -100, radius: 60, unit: 'km' as const };

  it('finds exactly the studies with a site within the radius', async () => {
    const within = await studiesWithinRadius();
    expect(within).toBeGreaterThan(30);
    const result = await searchStudies(t.db, { near, pageSize: 5 });
    expect(result.total).toBe(within);
    expect(result.totalApproximate).toBe(false);
  });

  it('reads the sites index-only, without a heap fetch', async () => {
    const plans = await plansOf(
      (db) => searchStudies(db, { near, facets: true, pageSize: 5 }),
      (text) => text.includes('study_locations'),
    );
    const siteScans = plans.flat().filter((n) => n['Index Name'] === 'study_locations_point_idx');
    const pointScans = plans.flat().filter((n) => n['Index Name'] === 'site_points_geo_idx');
    expect(siteScans.length).toBeGreaterThan(0);
    expect(pointScans.length).toBeGreaterThan(0);
    for (const scan of [...siteScans, ...pointScans]) {
      expect(scan['Node Type']).toBe('Index Only Scan');
      expect(scan['Heap Fetches']).toBe(0);
    }
  });

  it('reads a nearest-first page from the nearest sites, and from every site when they do not hold it', async () => {
    // 300 km around (35, -100): ~2,800 sites, more than the nearest NEAREST_SITES_FIRST the page reads first.
    const wide = { ...near, radius: 300 };
    const { rows } = await t.db.query<{ nct_id: string }>(
      `select nct_id from study_locations
       where earth_box(ll_to_earth(35, -100), 300000) @> geo
         and cube_distance(ll_to_earth(35, -100), geo) <= 2 * earth() * sin(300000 / (2 * earth()))
       group by nct_id order by min(cube_distance(ll_to_earth(35, -100), geo)), nct_id`,
    );
    expect(rows.length * 3).toBeGreaterThan(NEAREST_SITES_FIRST);
    const pages = (captured: { statement: { text: string } }[]) =>
      captured.filter(({ statement }) => statement.text.includes('with page'));

    // The nearest studies hold the page: one statement, through the GiST index's distance ordering.
    const query = { near: wide, sort: 'distance' as const, pageSize: 5 };
    const nearest = await captureStatements(t.db, (db) => searchStudies(db, query));
    expect(pages(nearest).map(({ statement }) => statement.text.includes('<->'))).toEqual([true]);
    const result = await searchStudies(t.db, query);
    expect(result.studies.map((s) => s.nctId)).toEqual(rows.slice(0, 5).map((r) => r.nct_id));
    expect(result.nextCursor).not.toBeNull();

    // The farthest study alone: not among the nearest sites' studies, so the page is read again from all.
    const farthest = rows.at(-1)!.nct_id;
    const alone = { ...query, ids: [farthest] };
    const again = await captureStatements(t.db, (db) => searchStudies(db, alone));
    expect(pages(again).map(({ statement }) => statement.text.includes('<->'))).toEqual([true, false]);
    const found = await searchStudies(t.db, alone);
    expect([found.studies.map((s) => s.nctId), found.nextCursor]).toEqual([[farthest], null]);
  });

  it("reads a sample's sites in the radius from that sample's own site index", async () => {
    const plans = await plansOf(
      (db) => searchStudies(db, { near, facets: true, pageSize: 5 }),
      (text) => text.includes('& 63) = 0'),
    );
    // The 1-in-64 sample's read of a radius alone: only the sampled studies' sites (migration 000020), not
    // every site in the radius filtered by its study's hash.
    expect(plans.length).toBeGreaterThan(0);
    for (const plan of plans) {
      const scans = plan.filter((n) => n['Index Name']?.startsWith('study_locations_'));
      expect(scans.map((n) => [n['Index Name'], n['Node Type'], n['Heap Fetches']])).toEqual([
        ['study_locations_sparse_point_idx', 'Index Only Scan', 0],
      ]);
    }
  });

  it("counts a radius with text by checking each candidate's own site points, index-only", async () => {
    const within = await studiesWithinRadius();
    const query = { q: 'study', near, facets: true, pageSize: 5 };
    const plans = await plansOf(
      (db) => searchStudies(db, query),
      (text) => text.includes('limit 10001') && text.includes('study_locations'),
    );
    // The bounded reads of the facet base (one or two halves): each text candidate's sites come from the
    // points-by-study index (migrations 000018 and 000021) without a heap fetch, only those in the radius's
    // slab of x (a range of the index), and the radius's sites are not all read by point to be hashed.
    expect(plans.length).toBeGreaterThan(0);
    for (const plan of plans) {
      const scans = plan.filter((n) => n['Index Name'] === 'study_locations_study_point_idx');
      expect(scans.map((n) => [n['Node Type'], n['Heap Fetches']])).toContainEqual(['Index Only Scan', 0]);
      for (const scan of scans) expect(scan['Index Cond']).toMatch(/geo >= .*geo <= /);
      expect(plan.some((n) => n['Index Name'] === 'study_locations_point_idx')).toBe(false);
    }
    const result = await searchStudies(t.db, query);
    expect([result.total, result.totalApproximate]).toEqual([within, false]);
  });

  it("reads the sample of a radius with text through the sample's text index, cells included", async () => {
    const plans = await plansOf(
      (db) => searchStudies(db, { q: 'study', near, facets: true, pageSize: 5 }),
      (text) => text.includes('& 63) = 0'),
    );
    // The 1-in-64 sample's read, which every text search makes first: the radius's cells come from the
    // sample's own indexes (migration 000019), not from the cells' lookup in a full text index, a bitmap of
    // every study in the cells ANDed with the sample's few matches. (Every study here has the word, so the
    // planner may leave the text to the heap.)
    expect(plans.length).toBeGreaterThan(0);
    for (const plan of plans) {
      const scans = plan.filter((n) => n['Node Type'] === 'Bitmap Index Scan');
      expect(scans.length).toBeGreaterThan(0);
      for (const scan of scans) expect(scan['Index Name']).toMatch(/^studies_sparse_sample_/);
      expect(scans.some((n) => /geo_cells && /.test(n['Index Cond'] ?? ''))).toBe(true);
    }
  });

  it("counts a radius with a broad status filter from the status index's studies, not their rows", async () => {
    // Three studies in four recruit. Within 1,100 km of the middle of the grid lie more than EXACT_COUNT_LIMIT
    // studies, and fewer than recruit anywhere, so the exact total of the recruiting ones joins the
    // radius's studies to the studies of that status. Those come from the status index alone (migration
    // 000022: the study id and removed_at in the index), not from each study's row.
    const radius = { lat: 37.5, lon: -96, radius: 1100, unit: 'km' as const };
    const within = `exists (select 1 from study_locations l where l.nct_id = s.nct_id
      and earth_distance(ll_to_earth(37.5, -96), ll_to_earth(l.lat, l.lon)) <= 1100000)`;
    await t.db.exec(`update studies set overall_status = 'COMPLETED' where substr(nct_id, 4)::int % 4 = 0`);
    try {
      await t.db.exec('vacuum (analyze) studies');
      const { rows } = await t.db.query<{ radius: number; recruiting: number; anywhere: number }>(
        `select count(*) filter (where ${within})::int as radius,
           count(*) filter (where ${within} and overall_status = 'RECRUITING')::int as recruiting,
           count(*) filter (where overall_status = 'RECRUITING')::int as anywhere
         from studies s`,
      );
      const counts = rows[0]!;
      expect(counts.radius).toBeGreaterThan(EXACT_COUNT_LIMIT);
      expect(counts.anywhere).toBeGreaterThan(counts.radius);
      const query = { near: radius, status: ['RECRUITING'] as SearchQueryInput['status'], facets: true };
      const plans = await plansOf(
        (db) => searchStudies(db, query),
        (text) => text.startsWith('select count(*)::int as matches from'),
      );
      expect(plans.length).toBe(1);
      const scans = plans[0]!.filter((n) => n['Index Name'] === 'studies_status_study_idx');
      expect(scans.map((n) => [n['Node Type'], n['Heap Fetches']])).toEqual([['Index Only Scan', 0]]);
      // Joined (hashed at registry scale, probed here) without reading a study's row.
      expect(
        plans[0]!.filter((n) => n['Index Name'] === 'studies_pkey' || /Seq Scan|Bitmap/.test(n['Node Type'])),
      ).toEqual([]);
      const result = await searchStudies(t.db, query);
      expect([result.total, result.totalApproximate]).toEqual([counts.recruiting, false]);
    } finally {
      await t.db.exec(`update studies set overall_status = 'RECRUITING' where overall_status = 'COMPLETED'`);
      await t.db.exec('vacuum (analyze) studies');
    }
  });

  it('pages a radius with selective filters nearest first from the studies of those filters in its cells', async () => {
    // 800 km around the middle of the grid: 330 one-degree cells; 1 in 40 studies is completed. The 2,000
    // nearest sites hold fewer completed studies than a page, so the page reads the completed studies in
    // the radius's cells (one GIN lookup of the cells and the status) and each one's nearest site.
    const radius = { lat: 37.5, lon: -96, radius: 800, unit: 'km' as const };
    const distance = `(select min(earth_distance(ll_to_earth(37.5, -96), ll_to_earth(l.lat, l.lon)))
      from study_locations l where l.nct_id = s.nct_id)`;
    await t.db.exec(`update studies set overall_status = 'COMPLETED' where substr(nct_id, 4)::int % 40 = 0`);
    try {
      await t.db.exec('vacuum (analyze) studies');
      const { rows } = await t.db.query<{ nct_ids: string[] }>(
        `select array_agg(nct_id order by d, nct_id) as nct_ids
         from (select s.nct_id, ${distance} as d from studies s where s.overall_status = 'COMPLETED') s
         where d <= 800000`,
      );
      const completed = rows[0]!.nct_ids;
      expect(completed.length).toBeGreaterThan(100);
      const query = {
        near: radius,
        status: ['COMPLETED'] as SearchQueryInput['status'],
        facets: true,
        sort: 'distance' as const,
        pageSize: 50,
      };
      const captured = await captureStatements(t.db, (db) => searchStudies(db, query));
      const pages = captured
        .map(({ statement }) => statement.text)
        .filter((text) => text.startsWith('with page'));
      expect(pages.map((text) => /select min\(cube_distance[\s\S]*geo_cells && /.test(text))).toEqual([
        false,
        true,
      ]);
      const first = await searchStudies(t.db, query);
      const second = await searchStudies(t.db, { ...query, cursor: first.nextCursor! });
      expect([first.total, first.totalApproximate]).toEqual([completed.length, false]);
      expect([...first.studies, ...second.studies].map((s) => s.nctId)).toEqual(completed.slice(0, 100));
    } finally {
      await t.db.exec(`update studies set overall_status = 'RECRUITING' where overall_status = 'COMPLETED'`);
      await t.db.exec('vacuum (analyze) studies');
    }
  });

  it("counts and pages a radius with selective filters by each filtered study's own sites", async () => {
    // 2,000 km around the middle of the grid holds most studies; 1 in 40 is completed. The exact total of
    // the completed ones checks those 600 studies' sites rather than joining ~22,000 studies to their rows.
    const wide = { lat: 37.5, lon: -96, radius: 2000, unit: 'km' as const };
    const within = `exists (select 1 from study_locations l where l.nct_id = s.nct_id
      and earth_distance(ll_to_earth(37.5, -96), ll_to_earth(l.lat, l.lon)) <= 2000000)`;
    await t.db.exec(`update studies set overall_status = 'COMPLETED' where hashtext(nct_id) % 40 = 0`);
    try {
      await t.db.exec('analyze studies');
      const { rows } = await t.db.query<{ radius: number; completed: number }>(
        `select count(*)::int as radius,
                count(*) filter (where overall_status = 'COMPLETED')::int as completed
         from studies s where ${within}`,
      );
      expect(rows[0]!.radius).toBeGreaterThan(EXACT_COUNT_LIMIT);
      const query = { near: wide, status: ['COMPLETED'] as SearchQueryInput['status'], facets: true };
      const captured = await captureStatements(t.db, (db) => searchStudies(db, query));
      const totals = captured.filter(({ statement }) =>
        statement.text.startsWith('select count(*)::int as matches from'),
      );
      expect(totals.map(({ statement }) => statement.text.includes('join lateral'))).toEqual([true]);
      const result = await searchStudies(t.db, query);
      expect([result.total, result.totalApproximate]).toEqual([rows[0]!.completed, false]);

      // Nearest first, the 2,000 nearest sites hold fewer completed studies than a page: the page is read
      // from each completed study's own sites (its nearest one in the radius), not by sorting every study
      // in the radius, and equals plain SQL's order, across pages.
      const nearest = await t.db.query<{ nct_id: string }>(
        `select s.nct_id from studies s, lateral (select min(earth_distance(ll_to_earth(37.5, -96),
           ll_to_earth(l.lat, l.lon))) as d from study_locations l where l.nct_id = s.nct_id) n
         where s.overall_status = 'COMPLETED' and n.d <= 2000000 order by n.d, s.nct_id limit 100`,
      );
      const byDistance = { ...query, sort: 'distance' as const, pageSize: 50 };
      const pages = await captureStatements(t.db, (db) => searchStudies(db, byDistance));
      const pageTexts = pages
        .map(({ statement }) => statement.text)
        .filter((text) => text.startsWith('with page'));
      expect(pageTexts.map((text) => text.includes('select min(cube_distance('))).toEqual([false, true]);
      // The count and the page asked the same decision: the filters' 1-in-64 read (no site in it) ran once.
      const anywhere = pages.filter(
        ({ statement }) =>
          statement.text.includes('& 63) = 0') && !statement.text.includes('study_locations'),
      );
      expect(anywhere.length).toBe(1);
      const first = await searchStudies(t.db, byDistance);
      const second = await searchStudies(t.db, { ...byDistance, cursor: first.nextCursor! });
      expect([...first.studies, ...second.studies].map((s) => s.nctId)).toEqual(
        nearest.rows.map((r) => r.nct_id),
      );
    } finally {
      await t.db.exec(`update studies set overall_status = 'RECRUITING' where overall_status = 'COMPLETED'`);
      await t.db.exec('vacuum (analyze) studies');
    }
  });
});
