/**
 * The fault suite's result table. Each fault case calls `recordFault({case, faults, survived, lost,
 * duplicates})` (counted in the DATABASE after the case ran); the rows go to a JSON-lines file under
 * test-artifacts/. Used as a vitest globalSetup (vitest.faults.config.ts), this module starts an empty
 * file before the run, and after it prints the table and fails the run (exit code 1; vitest only logs an
 * error thrown by a global teardown) when any case lost a study, stored a duplicate or did not survive.
 *
 * Outside that config (the fast cases also run in `npm test`) nothing is provided and recordFault only
 * returns the row: every case asserts its own numbers too, so it fails there all the same.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    faultTableFile: string;
  }
}

export interface FaultRow {
  /** What was tested, e.g. "API: 503 twice on a page". */
  case: string;
  /** The faults injected, in words. */
  faults: string;
  /** The run (or the run after the fault) ended as it should: succeeded, or refused cleanly and recovered. */
  survived: boolean;
  /** Studies fetched (served) and in no bucket of the database: not stored, not quarantined, or stored wrong. */
  lost: number;
  /** Study rows (or child rows) stored more than once. */
  duplicates: number;
}

export const ARTIFACTS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../test-artifacts',
);

/** Appends the row to this run's table (when the fault config provides one) and returns it. */
export function recordFault(row: FaultRow): FaultRow {
  let file: string | undefined;
  try {
    file = inject('faultTableFile');
  } catch {
    file = undefined;
  }
  if (file) appendFileSync(file, `${JSON.stringify(row)}\n`);
  return row;
}

export function readFaultRows(file: string): FaultRow[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as FaultRow);
}

export const isBadRow = (row: FaultRow) => !row.survived || row.lost > 0 || row.duplicates > 0;

export function formatFaultTable(rows: readonly FaultRow[]): string {
  const header = ['case', 'faults injected', 'survived', 'studies lost', 'duplicates'];
  const sorted = [...rows].sort((a, b) => a.case.localeCompare(b.case));
  const body = sorted.map((r) => [
    r.case,
    r.faults,
    r.survived ? 'yes' : 'NO',
    String(r.lost),
    String(r.duplicates),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (i >= 3 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  const bad = rows.filter(isBadRow).length;
  const lost = rows.reduce((n, r) => n + r.lost, 0);
  const duplicates = rows.reduce((n, r) => n + r.duplicates, 0);
  return [
    line(header),
    rule,
    ...body.map(line),
    '',
    `${rows.length} cases, ${bad} failing; ${lost} studies lost, ${duplicates} duplicates in total`,
  ].join('\n');
}

/** vitest globalSetup: a fresh table file for this run; the teardown prints it and fails on a bad row. */
export default function setup(project: { provide(key: 'faultTableFile', value: string): void }) {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `fault-table.${process.pid}.jsonl`);
  writeFileSync(file, '');
  project.provide('faultTableFile', file);
  return async () => {
    const rows = readFaultRows(file);
    const table = formatFaultTable(rows);
    writeFileSync(path.join(ARTIFACTS_DIR, 'fault-table.txt'), `${table}\n`);
    writeFileSync(
      path.join(ARTIFACTS_DIR, 'fault-table.jsonl'),
      rows.map((r) => `${JSON.stringify(r)}\n`).join(''),
    );
    rmSync(file, { force: true });
    process.stdout.write(`\nFault and abuse suite\n${table}\n`);
    const bad = rows.filter(isBadRow);
    const failure =
      rows.length === 0
        ? 'The fault table is empty: no fault case recorded a row'
        : bad.length > 0
          ? `Fault suite FAILED: ${bad.length} case(s) lost studies, stored duplicates or did not survive: ${bad
              .map((r) => r.case)
              .join('; ')}`
          : undefined;
    if (failure) {
      // vitest only logs an error thrown by a global teardown; the exit code is what fails CI.
      process.exitCode = 1;
      process.stderr.write(`\n${failure}\n`);
    }
  };
}
