import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where benchmark results are appended (git-ignored except .gitkeep). */
export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

/**
 * One measured figure. `reference` is what we compare against (a published figure, the previous run, the real
 * registry); `target` is the bound the issue sets, with its direction.
 */
export interface ResultRow {
  figure: string;
  ours: number;
  unit?: string;
  reference?: number;
  target?: { op: '>=' | '<='; value: number };
}

export interface ResultRowOutcome extends ResultRow {
  ratio?: number;
  pass?: boolean;
}

export function evaluateRow(row: ResultRow): ResultRowOutcome {
  const ratio = row.reference ? row.ours / row.reference : undefined;
  const pass =
    row.target === undefined
      ? undefined
      : row.target.op === '>='
        ? row.ours >= row.target.value
        : row.ours <= row.target.value;
  return { ...row, ...(ratio === undefined ? {} : { ratio }), ...(pass === undefined ? {} : { pass }) };
}

function format(value: number | undefined, digits = 0): string {
  if (value === undefined) return '—';
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** The result table as text: figure | ours | reference | ratio | target | pass. */
export function formatResultTable(title: string, rows: readonly ResultRow[]): string {
  const cells = rows
    .map(evaluateRow)
    .map((r) => [
      r.figure,
      `${format(r.ours, Number.isInteger(r.ours) ? 0 : 2)}${r.unit ? ` ${r.unit}` : ''}`,
      format(r.reference, Number.isInteger(r.reference ?? 0) ? 0 : 2),
      r.ratio === undefined ? '—' : `${r.ratio.toFixed(2)}×`,
      r.target ? `${r.target.op} ${format(r.target.value, Number.isInteger(r.target.value) ? 0 : 2)}` : '—',
      r.pass === undefined ? '—' : r.pass ? 'PASS' : 'FAIL',
    ]);
  const header = ['figure', 'ours', 'reference', 'ratio', 'target', 'pass'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]) =>
    c.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join(' | ');
  return [title, line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...cells.map(line)].join('\n');
}

export interface BenchRun {
  bench: string;
  at: string;
  context: Record<string, unknown>;
  rows: ResultRowOutcome[];
}

/**
 * Prints the table and appends the run to `<dir>/<bench>.json` (a JSON array of runs), so figures can be
 * compared across commits. Returns the run as stored.
 */
export function reportResults(
  bench: string,
  rows: readonly ResultRow[],
  context: Record<string, unknown> = {},
  options: { dir?: string; now?: Date; print?: (text: string) => void } = {},
): BenchRun {
  const dir = options.dir ?? RESULTS_DIR;
  const run: BenchRun = {
    bench,
    at: (options.now ?? new Date()).toISOString(),
    context,
    rows: rows.map(evaluateRow),
  };
  (options.print ?? ((text: string) => process.stdout.write(`${text}\n`)))(formatResultTable(bench, rows));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${bench}.json`);
  const runs = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as BenchRun[]) : [];
  runs.push(run);
  writeFileSync(file, `${JSON.stringify(runs, null, 2)}\n`);
  return run;
}
