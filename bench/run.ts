/**
 * `npm run bench`: runs every benchmark, one child process each so their memory figures stay their own,
 * then prints one table of the headline figures (ours, the reference measured in the same run, the
 * ratio, the target) and appends it to bench/results/all.json.
 *
 *   npm run bench -- --quick                CI sizes, each benchmark under ~2 minutes: ingest 5k/10k,
 *                                           load 5k, search 1k × 10, API 2k for 20 s, sync 5k + ~225
 *   npm run bench -- --full [--studies N]   the registry run on ONE database of N studies (default 606,000)
 *
 * The full run: ingest at N/2 and N; load N studies with the real loader, keeping the database as
 * cds_bench_registry_<N>; then, on that database: the search mix (search --db), the API under load from a
 * second process (api --db), and last — since it changes the data — the daily delta applied by an
 * incremental sync and checked against its manifest (sync --db). The kept database is replaced by the next
 * full run of the same N; drop it with `dropdb cds_bench_registry_<N>`. --studies scales the whole run down
 * (e.g. --studies 20000 to try the wiring in minutes); at 606,000 it takes hours on 2 cores.
 *
 * Each benchmark's full detail stays in its own file under bench/results/ (ingest.json, load-N.json,
 * search-N.json, api-N.json, sync-N.json). Figures are wall-clock on a shared 2-core machine: the load
 * average is recorded.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchRun, RESULTS_DIR, type ResultRow, reportResults } from './support/result-table.ts';

const args = process.argv.slice(2);
const full = args.includes('--full');
const studiesIndex = args.indexOf('--studies');
const registryStudies = studiesIndex >= 0 ? Number(args[studiesIndex + 1]) : 606_000;
if (!Number.isInteger(registryStudies) || registryStudies < 1000)
  throw new Error('--studies takes a whole number of studies ≥ 1000, e.g. --studies 20000');
if (studiesIndex >= 0 && !full) throw new Error('--studies sizes the --full run; --quick has fixed sizes');
const benchDir = path.dirname(fileURLToPath(import.meta.url));
const registryDb = `cds_bench_registry_${registryStudies}`;

const sizes = full
  ? {
      ingest: ['--studies', String(registryStudies)],
      load: ['--studies', String(registryStudies), '--keep-as', registryDb],
      search: ['--db', registryDb],
      api: ['--db', registryDb],
      sync: ['--db', registryDb],
    }
  : {
      ingest: ['--quick'],
      load: ['--quick'],
      search: ['--base', '1000', '--scale', '10', '--reps', '5'],
      api: ['--quick'],
      sync: ['--quick'],
    };

function run(script: string, scriptArgs: string[]): void {
  process.stdout.write(`\n== ${script} ${scriptArgs.join(' ')}\n`);
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(benchDir, script), ...scriptArgs],
    {
      stdio: 'inherit',
    },
  );
  if (result.status !== 0) throw new Error(`${script} exited with ${result.status ?? result.signal}`);
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(path.join(RESULTS_DIR, file), 'utf8')) as T;

/** The newest results file whose name starts with `prefix` (the file names carry the corpus size). */
function newest(prefix: string): string {
  const files = readdirSync(RESULTS_DIR).filter((f) => f.startsWith(prefix) && f.endsWith('.json'));
  const byTime = files
    .map((f) => ({ f, t: statSync(path.join(RESULTS_DIR, f)).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  if (!byTime[0]) throw new Error(`no ${prefix}*.json in ${RESULTS_DIR}`);
  return byTime[0].f;
}

const before = loadavg()[0]!;
const rows: ResultRow[] = [];

run('ingest.ts', sizes.ingest);
const ingest = readJson<BenchRun[]>('ingest.json').at(-1)!;
for (const row of ingest.rows) if (row.target) rows.push({ ...row, figure: `ingest: ${row.figure}` });

run('load.ts', sizes.load);
const loadStudies = full ? registryStudies : 5_000;
const load = readJson<{
  ours: { inserted: number; rowsPerSecondLoadPhase: number; rowsPerSecondWithIndexPhase: number };
  reference: { rowsPerSecond: number };
  floor: { rowsPerSecond: number };
  peakRssMiB: number;
}>(`load-${loadStudies}.json`);
rows.push(
  {
    figure: `load: ${loadStudies.toLocaleString('en-US')} studies (${load.ours.inserted.toLocaleString('en-US')} stored), rows/s vs plain COPY (ratio target 0.6)`,
    ours: load.ours.rowsPerSecondLoadPhase,
    unit: 'rows/s',
    reference: load.reference.rowsPerSecond,
    target: { op: '>=', value: Math.round(0.6 * load.reference.rowsPerSecond) },
  },
  {
    figure: 'load: with index phase and ANALYZE',
    ours: load.ours.rowsPerSecondWithIndexPhase,
    unit: 'rows/s',
    reference: load.reference.rowsPerSecond,
  },
  {
    // The floor stores what the loader must and nothing else: below the target, no loader can reach it.
    figure: 'load: floor, plain COPY of every row the loader stores, vs plain COPY',
    ours: load.floor.rowsPerSecond,
    unit: 'rows/s',
    reference: load.reference.rowsPerSecond,
    target: { op: '>=', value: Math.round(0.6 * load.reference.rowsPerSecond) },
  },
  {
    figure: 'load: load phase vs the floor',
    ours: load.ours.rowsPerSecondLoadPhase,
    unit: 'rows/s',
    reference: load.floor.rowsPerSecond,
  },
  { figure: 'load: peak RSS', ours: load.peakRssMiB, unit: 'MiB', target: { op: '<=', value: 1024 } },
);

run('search.ts', sizes.search);
const search = readJson<{
  studies: number;
  /** A class is null when the corpus has no query of it (no term matches > 10,000 studies in a small corpus). */
  classes: Record<'typical' | 'broad', { p50: number | null; p95: number | null; p99: number | null }>;
  estimates: Record<string, { errorPct: number }>;
}>(newest('search-'));
for (const [name, target] of [
  ['typical', 50],
  ['broad', 150],
] as const) {
  const p95 = search.classes[name].p95;
  if (p95 !== null)
    rows.push({
      figure: `search: ${search.studies} studies, ${name} p95`,
      ours: p95,
      unit: 'ms',
      target: { op: '<=', value: target },
    });
}
const errors = Object.values(search.estimates).map((e) => e.errorPct);
if (errors.length > 0)
  rows.push({
    figure: 'search: worst estimated-count error',
    ours: Math.max(...errors),
    unit: '%',
    target: { op: '<=', value: 5 },
  });

// The API and sync benchmarks state their rows (with their targets) in their results file.
run('api.ts', sizes.api);
rows.push(...readJson<{ rows: ResultRow[] }>(newest('api-')).rows);

run('sync.ts', sizes.sync);
rows.push(...readJson<{ rows: ResultRow[] }>(newest('sync-')).rows);

reportResults('all', rows, {
  full,
  ...(full ? { studies: registryStudies, database: registryDb } : {}),
  loadAverage: { before, after: loadavg()[0] },
  cores: 2,
});
if (full)
  process.stdout.write(`\nkept ${registryDb} (synced to day N+1); drop it with: dropdb ${registryDb}\n`);
