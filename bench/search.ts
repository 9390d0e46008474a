/**
 * Search latency benchmark: the whole response of searchStudies (ranked page + facets + total), warm, one
 * client, over a fixed mix of queries (narrow, broad, fielded, filtered, geo, date-sorted), on a
 * registry-size table built by bench/search/scaled-corpus.ts.
 *
 *   npx tsx bench/search.ts [--base 5000] [--scale 100] [--reps 15] [--reuse] [--keep]
 *   npx tsx bench/search.ts --db <name> [--reps 15]
 *
 * Prints p50/p95/p99 per query and per class (typical: ≤ 10,000 matches; broad: more), compares relevance
 * strategies on the broad queries (score every match vs the candidate caps: latency, and the top 10's
 * score relative to the full ranking's), checks the estimated totals against exact counts (target: within 5%),
 * and prints EXPLAIN ANALYZE of every statement of the slowest query. Writes bench/results/search-<N>.json.
 * Server: CDS_BENCH_PG_URL, else the local test server. --reuse keeps a database built by an earlier run;
 * --db measures an existing loaded database as it is (e.g. the registry-size one `npm run bench -- --full`
 * loads with the real loader) and never drops it.
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { buildSearchPlan, predicates } from '../src/search/search-plan.ts';
import { parseSearchQuery, type SearchQueryInput } from '../src/search/search-query.ts';
import { type SearchResult, searchStudies } from '../src/search/search-studies.ts';
import type { Db } from '../src/store/db.ts';
import { migrate } from '../src/store/migrate.ts';
import { openPostgresDb } from '../src/store/postgres-db.ts';
import { captureStatements, explainCaptured } from '../test/support/captured-statements.ts';
import { SEARCH_MIX, searchMixQuery } from './search/query-mix.ts';
import { buildScaledCorpus } from './search/scaled-corpus.ts';
import { RESULTS_DIR } from './support/result-table.ts';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const base = option('--base', 5000);
const scale = option('--scale', 100);
const reps = option('--reps', 15);
const serverUrl = process.env.CDS_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbIndex = args.indexOf('--db');
const givenDb = dbIndex >= 0 ? args[dbIndex + 1] : undefined;
if (givenDb !== undefined && !/^[a-z_][a-z0-9_]*$/.test(givenDb))
  throw new Error('--db takes a database name');
const dbName = givenDb ?? `cds_bench_search_${base}x${scale}`;
const keepDb = givenDb !== undefined || flag('--keep') || flag('--reuse');

/** The fixed mix (bench/search/query-mix.ts), as the library takes it. */
const QUERIES: Record<string, SearchQueryInput> = Object.fromEntries(
  Object.entries(SEARCH_MIX).map(([name, params]) => [name, searchMixQuery(params)]),
);
const BROAD_FOR_RANKING = ['q cancer', 'q patients', 'q healthy', 'condition neoplasms'];
const CAPS = [10_000_000, 5_000, 2_000, 500];

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
const summary = (times: number[]) => {
  const s = [...times].sort((a, b) => a - b);
  return { p50: round(quantile(s, 0.5)), p95: round(quantile(s, 0.95)), p99: round(quantile(s, 0.99)) };
};
const round = (n: number) => Math.round(n * 10) / 10;

async function timed(
  db: Db,
  query: SearchQueryInput,
  cap?: number,
): Promise<{ ms: number; result: SearchResult }> {
  const t0 = performance.now();
  const result = await searchStudies(db, query, {
    timeoutMs: 60_000,
    ...(cap ? { rankCandidateCap: cap } : {}),
  });
  return { ms: performance.now() - t0, result };
}

async function admin(text: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const log = (line: string) => console.log(line);
  const exists = (await admin(`select 1 from pg_database where datname = '${dbName}'`)).length > 0;
  if (givenDb !== undefined && !exists) throw new Error(`--db ${dbName}: no such database`);
  if (exists && !flag('--reuse') && givenDb === undefined)
    await admin(`drop database ${dbName} with (force)`);
  if (!exists || (!flag('--reuse') && givenDb === undefined)) await admin(`create database ${dbName}`);
  const url = new URL(serverUrl);
  url.pathname = `/${dbName}`;
  const db = await openPostgresDb(url.toString(), { max: 4 });
  try {
    await migrate(db);
    const { rows: countRows } = await db.query<{ n: number }>('select count(*)::int as n from studies');
    let studies = countRows[0]?.n ?? 0;
    if (studies === 0 && givenDb !== undefined) throw new Error(`--db ${dbName} holds no studies`);
    if (studies === 0) studies = await buildScaledCorpus(db, { base, scale, log });
    log(`\n${studies} studies; warming up…`);
    const load0 = loadavg()[0]!;

    const perQuery: Record<
      string,
      { total: number; approximate: boolean; ranking: string | null } & ReturnType<typeof summary>
    > = {};
    const typical: number[] = [];
    const broad: number[] = [];
    for (const [name, query] of Object.entries(QUERIES)) {
      for (let i = 0; i < 2; i++) await timed(db, query);
      const times: number[] = [];
      let last: SearchResult | undefined;
      for (let i = 0; i < reps; i++) {
        const { ms, result } = await timed(db, query);
        times.push(ms);
        last = result;
      }
      const isBroad = (last?.total ?? 0) > 10_000;
      (isBroad ? broad : typical).push(...times);
      perQuery[name] = {
        total: last?.total ?? 0,
        approximate: last?.totalApproximate ?? false,
        ranking: last?.ranking ?? null,
        ...summary(times),
      };
      const s = perQuery[name]!;
      log(
        `${name.padEnd(36)} ${String(s.total).padStart(8)}${s.approximate ? '~' : ' '}  p50 ${s.p50} ms  p95 ${s.p95} ms  p99 ${s.p99} ms`,
      );
    }
    const classes = { typical: summary(typical), broad: summary(broad) };
    log(`\ntypical: ${JSON.stringify(classes.typical)} (target p95 ≤ 50 ms)`);
    log(`broad:   ${JSON.stringify(classes.broad)} (target p95 ≤ 150 ms)`);

    // Relevance strategies on the broad queries: latency, and how good the capped page is. The clones share
    // their base study's text (equal scores), so the measure is the score of the page's top 10 relative to
    // the full ranking's top 10 (1 = as relevant as scoring every match), not identity of the ids.
    log(
      '\nrelevance strategies (broad queries): p95 of the page, top-10 score relative to scoring every match',
    );
    const strategies: Record<string, { p95: number; top10ScoreRatio: number }> = {};
    const topScore = (r: SearchResult) => r.studies.reduce((sum, s) => sum + (s.score ?? 0), 0);
    for (const cap of CAPS) {
      const times: number[] = [];
      let ratio = 0;
      for (const name of BROAD_FOR_RANKING) {
        const query = { ...QUERIES[name]!, pageSize: 10, facets: false };
        const full = topScore((await timed(db, query, CAPS[0])).result);
        for (let i = 0; i < Math.max(3, Math.floor(reps / 3)); i++)
          times.push((await timed(db, query, cap)).ms);
        ratio += full > 0 ? topScore((await timed(db, query, cap)).result) / full : 1;
      }
      const label = cap === CAPS[0] ? 'score every match' : `cap ${cap}`;
      strategies[label] = {
        p95: summary(times).p95,
        top10ScoreRatio: round((ratio / BROAD_FOR_RANKING.length) * 100) / 100,
      };
      log(
        `  ${label.padEnd(18)} p95 ${strategies[label]!.p95} ms, top-10 score ratio ${strategies[label]!.top10ScoreRatio}`,
      );
    }

    // Estimated totals against exact counts.
    log('\nestimated totals vs exact count(*)');
    const estimates: Record<string, { estimated: number; exact: number; errorPct: number }> = {};
    for (const [name, query] of Object.entries(QUERIES)) {
      if (!perQuery[name]!.approximate) continue;
      const plan = buildSearchPlan(parseSearchQuery(query));
      const compiled = (await import('kysely'))
        .sql`select count(*)::int as n from ${plan.from} where ${predicates(plan)}`.compile(db.kysely);
      const { rows } = await db.query<{ n: number }>(compiled.sql, compiled.parameters);
      const exact = rows[0]!.n;
      const estimated = perQuery[name]!.total;
      estimates[name] = { estimated, exact, errorPct: round((Math.abs(estimated - exact) / exact) * 100) };
      log(`  ${name.padEnd(36)} estimated ${estimated}, exact ${exact}, error ${estimates[name]!.errorPct}%`);
    }

    const slowest = Object.entries(perQuery).sort((a, b) => b[1].p95 - a[1].p95)[0]!;
    log(`\nEXPLAIN ANALYZE of the slowest query (${slowest[0]}):`);
    const explains: string[] = [];
    // Each statement under its own transaction's settings (planner switches, work_mem), as it ran.
    const captured = await captureStatements(db, (spy) => searchStudies(spy, QUERIES[slowest[0]]!));
    for (const statement of captured) {
      const rows = await explainCaptured<{ 'QUERY PLAN': string }>(db, statement, 'analyze, buffers');
      const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
      explains.push(plan);
      log(`${plan}\n`);
    }

    const out = path.join(RESULTS_DIR, `search-${studies}.json`);
    writeFileSync(
      out,
      `${JSON.stringify(
        {
          studies,
          base,
          scale,
          reps,
          classes,
          perQuery,
          strategies,
          estimates,
          slowest: slowest[0],
          explains,
          loadAverage: { before: load0, after: loadavg()[0] },
          at: new Date().toISOString(),
        },
        null,
        2,
      )}\n`,
    );
    log(`written ${out}`);
  } finally {
    await db.close();
    if (!keepDb) await admin(`drop database if exists ${dbName} with (force)`);
  }
}

await main();
