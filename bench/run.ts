/**
 * `npm run bench`: runs every benchmark, one child process each so their memory figures stay their own,
 * then prints one table of the headline figures (ours, the reference measured in the same run, the
 * ratio, the target) and appends it to bench/results/all.json.
 *
 *   npm run bench -- [--quick]        --quick: CI sizes (ingest 5k/10k, load 5k, search 1k × 10)
 *   npm run bench -- --full           registry sizes (ingest 50k/100k, load 100k, search 5k × 100)
 *
 * Each benchmark's full detail stays in its own file under bench/results/ (ingest.json, load-N.json,
 * search-N.json). Figures are wall-clock on a shared 2-core machine: the load average is recorded.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchRun, RESULTS_DIR, type ResultRow, reportResults } from './support/result-table.ts';

const full = process.argv.includes('--full');
const benchDir = path.dirname(fileURLToPath(import.meta.url));

const sizes = full
  ? { ingest: [], load: ['--studies', '100000'], search: ['--base', '5000', '--scale', '100'] }
  : { ingest: ['--quick'], load: ['--quick'], search: ['--base', '1000', '--scale', '10', '--reps', '5'] };

function run(script: string, args: string[]): void {
  process.stdout.write(`\n== ${script} ${args.join(' ')}\n`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(benchDir, script), ...args], {
    stdio: 'inherit',
  });
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
const loadStudies = full ? 100_000 : 5_000;
const load = readJson<{
  ours: { rowsPerSecondLoadPhase: number; rowsPerSecondWithIndexPhase: number };
  reference: { rowsPerSecond: number };
  peakRssMiB: number;
}>(newest('load-'));
rows.push(
  {
    figure: `load: ${loadStudies} studies, rows/s vs plain COPY (ratio target 0.6)`,
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

reportResults('all', rows, { full, loadAverage: { before, after: loadavg()[0] }, cores: 2 });
