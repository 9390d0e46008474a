/**
 * Counting above EXACT_COUNT_LIMIT: a 24,000-study table where "asthma" matches half of them, so the total
 * and the facets of a broad query come from the 1-in-8 sample, and a facet filter that brings the matches
 * under the limit gives an exact total again. Every expected number is counted here in plain SQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BROAD_DENSE_ROWS,
  BROAD_SPARSE_ROWS,
  EXACT_COUNT_LIMIT,
  HALVES_MIN_SPARSE_ROWS,
  UNSURE_SPARSE_ROWS,
} from '../../src/search/search-counts.ts';
import { searchFacets } from '../../src/search/search-facets.ts';
import type { SearchQueryInput } from '../../src/search/search-query.ts';
import { searchStudies } from '../../src/search/search-studies.ts';
import { captureStatements, explainCaptured } from '../support/captured-statements.ts';
import { createTestDb, type TestDb } from '../support/db.ts';

const STUDIES = 24_000;
let t: TestDb;

beforeAll(async () => {
  t = await createTestDb();
  await t.db.query(
    `insert into studies (nct_id, brief_title, overall_status, study_type, phases, lead_sponsor_class,
       countries, std_ages, sex, has_results, last_update_post_date, content_hash, search_vector)
     select 'NCT' || lpad(i::text, 8, '0'), title,
       (array['RECRUITING', 'COMPLETED', 'TERMINATED'])[i % 3 + 1], 'INTERVENTIONAL',
       array[(array['PHASE1', 'PHASE2', 'PHASE3', 'PHASE4'])[i % 4 + 1]], 'OTHER', array['United States'],
       array['ADULT'], 'ALL', i % 5 = 0, date '2020-01-01' + i % 1000, 'test',
       setweight(to_tsvector('english', title), 'A')
     from generate_series(1, $1::int) i,
       lateral (select case when i % 2 = 0 then 'Asthma in adults ' else 'Diabetes care ' end
                       || case when i % 7 = 0 then 'in children ' else '' end
                       || case when i % 240 = 0 then 'rare variant' else '' end as title) t`,
    [STUDIES],
  );
  await t.db.exec('analyze studies');
}, 60_000);
afterAll(async () => {
  await t?.drop();
});

/** The statements a search sends, in order (the page's too). */
async function statementsOf(query: Parameters<typeof searchStudies>[1]): Promise<string[]> {
  const captured = await captureStatements(t.db, (db) => searchStudies(db, query));
  return captured.map(({ statement }) => statement.text);
}

/** Which reads of the facet base a search made: the samples and the bounded read. */
function baseReads(statements: string[]): string[] {
  return statements
    .filter((text) => text.includes('with base as materialized'))
    .map((text) =>
      text.includes('& 63) = 0')
        ? 'sparse'
        : text.includes('search_sample')
          ? 'dense'
          : text.includes(`limit ${EXACT_COUNT_LIMIT + 1}`)
            ? 'bounded'
            : 'other',
    );
}

async function exact(where: string): Promise<number> {
  const { rows } = await t.db.query<{ n: number }>(`select count(*)::int as n from studies where ${where}`);
  return rows[0]!.n;
}

/** The scans of one statement's plan ("Seq Scan on t", "Index Scan on i"…), replayed under its settings. */
async function scansOf(
  query: Parameters<typeof searchStudies>[1],
  read: 'sparse' | 'dense' | 'page' | 'total',
): Promise<string[]> {
  const captured = await captureStatements(t.db, (db) => searchStudies(db, query));
  const sent = captured.find(({ statement }) =>
    read === 'page'
      ? statement.text.includes('with page')
      : read === 'total'
        ? statement.text.includes('as matches from')
        : baseReads([statement.text])[0] === read,
  );
  expect(sent).toBeDefined();
  const rows = await explainCaptured<{ 'QUERY PLAN': string }>(t.db, sent!);
  return rows.flatMap((r) =>
    [...r['QUERY PLAN'].matchAll(/(Seq Scan on|Index Scan on|Index Scan using|BitmapAnd)( \w+)?/g)].map(
      (m) => `${m[1]}${m[2] ?? ''}`,
    ),
  );
}

describe('counts above the exact limit', () => {
  it('estimates a broad total and its facets on the sample, marked approximate', async () => {
    const asthma = await exact(`brief_title like 'Asthma%'`);
    expect(asthma).toBeGreaterThan(EXACT_COUNT_LIMIT);
    const result = await searchStudies(t.db, { q: 'asthma', facets: true, pageSize: 5 });
    expect(result.totalApproximate).toBe(true);
    expect(result.facetsApproximate).toBe(true);
    expect(Math.abs(result.total - asthma) / asthma).toBeLessThan(0.1);
    expect(result.notes.join(' ')).toContain('estimated from a 1-in-8 sample');
    // Each status is a third of the matches: the sampled, scaled counts land near it.
    const statuses = result.facets!.status;
    expect(statuses.map((f) => f.value).sort()).toEqual(['COMPLETED', 'RECRUITING', 'TERMINATED']);
    for (const { value, count } of statuses) {
      const actual = await exact(`brief_title like 'Asthma%' and overall_status = '${value}'`);
      expect(Math.abs(count - actual) / actual).toBeLessThan(0.15);
    }
    expect(result.studies).toHaveLength(5);
  });

  it('estimates on the 1-in-64 sample when it holds enough matches, and it is nested in the 1-in-8', async () => {
    const { rows } = await t.db.query<{ sparse: number; outside: number }>(
      `select count(*) filter (where brief_title like 'Asthma%')::int as sparse,
              count(*) filter (where not search_sample)::int as outside
       from studies where (hashtext(nct_id) & 63) = 0`,
    );
    expect(rows[0]!.outside).toBe(0);
    const asthma = await exact(`brief_title like 'Asthma%'`);
    const result = await searchStudies(
      t.db,
      { q: 'asthma', facets: true, pageSize: 5 },
      { sparseSampleMinRows: 100 },
    );
    expect(rows[0]!.sparse).toBeGreaterThanOrEqual(100);
    expect(result.total).toBe(rows[0]!.sparse * 64);
    expect(Math.abs(result.total - asthma) / asthma).toBeLessThan(0.3);
    expect(result.notes.join(' ')).toContain('estimated from a 1-in-64 sample');
    // Too few sparse matches for the default threshold: the 1-in-8 sample counts.
    const dense = await searchStudies(t.db, { q: 'asthma', facets: true, pageSize: 5 });
    expect(dense.notes.join(' ')).toContain('estimated from a 1-in-8 sample');
  });

  it('takes the facets from the 1-in-64 sample and the total alone from the 1-in-8 when matches are few there', async () => {
    // Filters alone, two statuses of three: the sparse sample holds every study's row for the facets, and
    // two thirds of them as matches, too few for the total's precision (here its threshold is the sample's
    // own size), yet beyond doubt over the limit.
    const statuses = ['RECRUITING', 'COMPLETED'];
    const { rows } = await t.db.query<{ base: number; sparse: number; dense: number }>(
      `select count(*) filter (where (hashtext(nct_id) & 63) = 0)::int as base,
              count(*) filter (where (hashtext(nct_id) & 63) = 0 and overall_status = any($1))::int as sparse,
              count(*) filter (where search_sample and overall_status = any($1))::int as dense
       from studies`,
      [statuses],
    );
    const { base, sparse, dense } = rows[0]!;
    expect(sparse).toBeGreaterThanOrEqual(BROAD_SPARSE_ROWS);
    expect(sparse).toBeLessThan(base);
    const query = { status: statuses as SearchQueryInput['status'], facets: true, pageSize: 5 };
    const options = { sparseSampleMinRows: base };
    const captured = await captureStatements(t.db, (db) => searchStudies(db, query, options));
    const reads = captured.map(({ statement }) => statement.text);
    // One read of the 1-in-8 sample, for the total alone: no facet columns, no materialized base.
    const denseReads = reads.filter((text) => text.includes('search_sample'));
    expect(denseReads).toHaveLength(1);
    expect(denseReads[0]).not.toContain('with base');
    const result = await searchStudies(t.db, query, options);
    expect([result.total, result.totalApproximate, result.facetsApproximate]).toEqual([
      dense * 8,
      true,
      true,
    ]);
    expect(result.notes.join(' ')).toContain('total is estimated from a 1-in-8 sample');
    expect(result.notes.join(' ')).toContain('Facet counts are estimated from a 1-in-64 sample');
    const completed = result.facets!.status.find((f) => f.value === 'COMPLETED')!;
    const { rows: sampled } = await t.db.query<{ n: number }>(
      `select count(*)::int as n from studies where (hashtext(nct_id) & 63) = 0 and overall_status = 'COMPLETED'`,
    );
    expect(completed.count).toBe(sampled[0]!.n * 64);
  });

  it('lets the 1-in-8 sample rule out an exact total that the 1-in-64 one is unsure of', async () => {
    // Filters alone, two phases of four (~12,000 matches): the sparse sample's matches leave the total
    // unsure, the 1-in-8 sample's put it beyond doubt above the limit, so it is never counted up to it.
    const phases = ['PHASE1', 'PHASE2'];
    const { rows } = await t.db.query<{ n: number; sparse: number; dense: number }>(
      `select count(*)::int as n,
              count(*) filter (where (hashtext(nct_id) & 63) = 0)::int as sparse,
              count(*) filter (where search_sample)::int as dense
       from studies where phases && $1::text[]`,
      [phases],
    );
    const { n, sparse, dense } = rows[0]!;
    expect(n).toBeGreaterThan(EXACT_COUNT_LIMIT);
    expect(sparse).toBeGreaterThanOrEqual(UNSURE_SPARSE_ROWS);
    expect(sparse).toBeLessThan(BROAD_SPARSE_ROWS);
    expect(dense).toBeGreaterThanOrEqual(BROAD_DENSE_ROWS);
    const query = { phase: phases as SearchQueryInput['phase'], facets: true, pageSize: 5 };
    const reads = await statementsOf(query);
    expect(reads.filter((text) => text.includes('as matches from'))).toEqual([]);
    const result = await searchStudies(t.db, query);
    expect([result.total, result.totalApproximate]).toEqual([dense * 8, true]);
    expect(result.notes.join(' ')).toContain('total is estimated from a 1-in-8 sample');
  });

  it('gives an exact total when the facet filters bring a broad query under the limit', async () => {
    const completed = await exact(`brief_title like 'Asthma%' and overall_status = 'COMPLETED'`);
    expect(completed).toBeLessThanOrEqual(EXACT_COUNT_LIMIT);
    const result = await searchStudies(t.db, { q: 'asthma', status: ['COMPLETED'], facets: true });
    expect(result.total).toBe(completed);
    expect(result.totalApproximate).toBe(false);
    // The facet base (without the status filter) is still broad: its facets come from the sample.
    expect(result.facetsApproximate).toBe(true);
    const facets = await searchFacets(t.db, { q: 'asthma', status: ['COMPLETED'] });
    expect([facets.total, facets.totalApproximate, facets.facetsApproximate]).toEqual([
      completed,
      false,
      true,
    ]);
  });

  it('counts a narrow query exactly, facets included', async () => {
    const rare = await exact(`brief_title like '%rare variant'`);
    const phase2 = await exact(`brief_title like '%rare variant' and phases && array['PHASE2']`);
    const result = await searchStudies(t.db, { q: 'rare variant', facets: true });
    expect([result.total, result.totalApproximate, result.facetsApproximate]).toEqual([rare, false, false]);
    expect(result.facets!.phase.find((f) => f.value === 'PHASE2')?.count ?? 0).toBe(phase2);
  });

  it("counts a typical text query's exact facets as two halves of the studies at once", async () => {
    // "children" with a status filter: ~1,100 of the ~3,400 studies that mention children. Each facet is
    // counted without its own filter; every number is counted here in plain SQL.
    const where = `brief_title like '%in children%'`;
    const result = await searchStudies(t.db, { q: 'children', status: ['RECRUITING'], facets: true });
    expect([result.total, result.totalApproximate, result.facetsApproximate]).toEqual([
      await exact(`${where} and overall_status = 'RECRUITING'`),
      false,
      false,
    ]);
    const { rows: status } = await t.db.query<{ value: string; count: number }>(
      `select overall_status as value, count(*)::int as count from studies where ${where}
       group by 1 order by 2 desc, 1`,
    );
    expect(result.facets!.status).toEqual(status);
    const { rows: phase } = await t.db.query<{ value: string; count: number }>(
      `select p as value, count(*)::int as count from studies, unnest(phases) p
       where ${where} and overall_status = 'RECRUITING' group by 1 order by 2 desc, 1`,
    );
    expect(result.facets!.phase).toEqual(phase);
    // Enough rows in the sparse sample to be worth two statements.
    expect(await exact(`${where} and (hashtext(nct_id) & 63) = 0`)).toBeGreaterThanOrEqual(
      HALVES_MIN_SPARSE_ROWS,
    );
    const halves = (await statementsOf({ q: 'children', status: ['RECRUITING'], facets: true })).filter(
      (text) => baseReads([text])[0] === 'bounded',
    );
    expect(halves.map((text) => text.match(/& 1\) = (\d)/)?.[1]).sort()).toEqual(['0', '1']);
  });

  it('tells a broad query from the samples, without first reading up to the limit', async () => {
    const { rows } = await t.db.query<{ sparse: number; dense: number }>(
      `select count(*) filter (where (hashtext(nct_id) & 63) = 0)::int as sparse,
              count(*) filter (where search_sample)::int as dense
       from studies where brief_title like 'Asthma%'`,
    );
    // "asthma" sits where the sparse sample is unsure and the 1-in-8 one is not.
    expect(rows[0]!.sparse).toBeGreaterThanOrEqual(UNSURE_SPARSE_ROWS);
    expect(rows[0]!.dense).toBeGreaterThanOrEqual(BROAD_DENSE_ROWS);
    expect(baseReads(await statementsOf({ q: 'asthma', facets: true }))).toEqual(['sparse', 'dense']);
    // A narrow query: the sparse sample, then its exact count from one bounded read (too few rows to halve).
    expect(baseReads(await statementsOf({ q: 'rare variant', facets: true }))).toEqual(['sparse', 'bounded']);
  });

  it("estimates a fielded query's facets on the samples through the samples' own indexes of the field", async () => {
    await t.db.exec(`update studies set title_vector = search_title_vector(brief_title, null, null)`);
    await t.db.exec('analyze studies');
    try {
      const query = { title: 'asthma', facets: true, pageSize: 5 };
      expect(baseReads(await statementsOf(query))).toEqual(['sparse', 'dense']);
      // The sample's matches come from the field vector's GIN index over the sample (migration 000017),
      // not from a bitmap of every sample member ANDed with the field's matches in the whole table.
      const scans = await scansOf(query, 'dense');
      expect(scans).toContain('Index Scan on studies_sample_title_vector_idx');
      expect(
        scans.filter((scan) => /studies_sample_(member_)?idx|studies_title_vector_idx/.test(scan)),
      ).toEqual([]);
      // The same for the 1-in-64 sample, which every fielded query reads first.
      const sparseScans = await scansOf(query, 'sparse');
      expect(sparseScans).toContain('Index Scan on studies_sparse_sample_title_vector_idx');
      expect(
        sparseScans.filter((scan) => /studies_sparse_sample_idx|studies_title_vector_idx/.test(scan)),
      ).toEqual([]);
    } finally {
      await t.db.exec('update studies set title_vector = null');
    }
  });

  it('matches text and facet filters in one scan of the text index', async () => {
    // The exact total of "asthma" (12,000) narrowed by status and phase (1,000): GIN intersects the text's
    // posting list with the filters' (migration 000017) instead of ANDing a bitmap of each over the table.
    const query: SearchQueryInput = { q: 'asthma', status: ['COMPLETED'], phase: ['PHASE2'], facets: true };
    const result = await searchStudies(t.db, query);
    expect(result.total).toBe(
      await exact(
        `brief_title like 'Asthma%' and overall_status = 'COMPLETED' and phases && array['PHASE2']`,
      ),
    );
    expect(result.totalApproximate).toBe(false);
    // On this small table of short inline vectors the planner may as well take the status btree and filter
    // each row on the rest (registry scale takes the GIN scan, bench/search.ts). Without the filters' own
    // indexes (dropped in this transaction only), the text index answers all three predicates in one scan.
    const captured = await captureStatements(t.db, (db) => searchStudies(db, query));
    const total = captured.find(({ statement }) => statement.text.includes('as matches from'))!;
    const rows = await explainCaptured<{ 'QUERY PLAN': string }>(t.db, total, '', [
      'drop index studies_status_study_idx, studies_phases_idx',
      `select set_config('enable_indexscan', 'off', true)`,
    ]);
    const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
    expect(plan).not.toContain('BitmapAnd');
    expect(plan).toMatch(
      /Bitmap Index Scan on studies_search_vector_idx\s+\(.*\)\s+Index Cond: \(\(search_vector @@ .*overall_status = ANY .*phases && /,
    );
  });

  it('never finds the rank candidates of a text query by a sequential or a plain index scan', async () => {
    // One study in 7 matches "children": the planner would scan the table, or walk a btree, expecting to stop
    // early, de-TOASTing a vector for every row it filters, and take other candidates than the table's order.
    // Left a bitmap, it reads the text's GIN index at registry scale (bench/search.ts); on this small table
    // of short inline vectors it may as well filter a bitmap of every row, which costs it nothing here.
    const scans = await scansOf({ q: 'children', facets: true, pageSize: 5 }, 'page');
    expect(scans.length).toBeGreaterThan(0);
    expect(scans.filter((scan) => /^(Seq Scan|Index Scan using)/.test(scan))).toEqual([]);
  });

  it("sorts a selective text's matches by date from the text's bitmap, not by walking the date index", async () => {
    // "children" is in one study of 7, which the sparse sample estimates under the limit. Walking the date
    // index and checking each row's text would stop after ~7 rows per result on this table; at registry
    // scale each check reads a TOASTed vector ("melanoma" by date: 2,464 rows for 21, bench/search.ts).
    const query = { q: 'children', sort: 'last_update' as const, facets: true, pageSize: 5 };
    const captured = await captureStatements(t.db, (db) => searchStudies(db, query));
    const page = captured.find(({ statement }) => statement.text.includes('with page'))!;
    const plan = (await explainCaptured<{ 'QUERY PLAN': string }>(t.db, page))
      .map((row) => row['QUERY PLAN'])
      .join('\n');
    expect(plan).toContain('Bitmap Heap Scan on studies');
    expect(plan).not.toMatch(/Seq Scan|Index Scan (Backward )?using/);
    const { rows } = await t.db.query<{ nct_id: string }>(
      `select nct_id from studies where brief_title like '%in children%'
       order by last_update_post_date desc, nct_id desc limit 5`,
    );
    const result = await searchStudies(t.db, query);
    expect(result.studies.map((s) => s.nctId)).toEqual(rows.map((r) => r.nct_id));
  });

  it('near the limit, the 1-in-8 sample decides on its own estimate', async () => {
    // "asthma" updated on or after a date: the latest dates first, with the sample rows they add up to.
    const { rows } = await t.db.query<{ day: string; sparse: number; dense: number; n: number }>(
      `select day::text, sparse, dense, n from (
         select last_update_post_date as day,
           sum(count(*) filter (where (hashtext(nct_id) & 63) = 0)) over w::int as sparse,
           sum(count(*) filter (where search_sample)) over w::int as dense,
           sum(count(*)) over w::int as n
         from studies where brief_title like 'Asthma%' group by last_update_post_date
         window w as (order by last_update_post_date desc)) t
       order by day desc`,
    );
    const over = rows.find((r) => r.dense >= BROAD_DENSE_ROWS)!;
    const under = rows.filter((r) => r.dense < BROAD_DENSE_ROWS).at(-1)!;
    for (const r of [over, under]) expect(r.sparse).toBeGreaterThanOrEqual(UNSURE_SPARSE_ROWS);
    // Its estimate is over the limit: the answer, approximate, with no bounded read.
    const overQuery = { q: 'asthma', lastUpdate: { from: over.day }, facets: true };
    expect(baseReads(await statementsOf(overQuery))).toEqual(['sparse', 'dense']);
    const estimated = await searchStudies(t.db, overQuery);
    expect([estimated.total, estimated.totalApproximate]).toEqual([over.dense * 8, true]);
    // At most the limit: the bounded read gives the exact count.
    const underQuery = { q: 'asthma', lastUpdate: { from: under.day }, facets: true };
    expect(baseReads(await statementsOf(underQuery))).toEqual(['sparse', 'dense', 'bounded', 'bounded']);
    const counted = await searchStudies(t.db, underQuery);
    expect([counted.total, counted.totalApproximate]).toEqual(
      under.n <= EXACT_COUNT_LIMIT
        ? [under.n, false]
        : [Math.max(under.dense * 8, EXACT_COUNT_LIMIT + 1), true],
    );
  });
});
