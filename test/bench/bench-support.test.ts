import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { measurePeakRss, startRssSampler } from '../../bench/support/peak-rss.ts';
import { evaluateRow, formatResultTable, reportResults } from '../../bench/support/result-table.ts';

const dir = mkdtempSync(join(tmpdir(), 'bench-results-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('peak RSS sampling', () => {
  it('sees memory held during the section (a 200 MB buffer) in the sampled peak and the kernel maxRSS', async () => {
    const before = process.memoryUsage().rss;
    const { result, rss } = await measurePeakRss(async () => {
      const big = Buffer.alloc(200 * 1024 * 1024, 1);
      await new Promise((resolve) => setTimeout(resolve, 150));
      return big.length;
    });
    expect(result).toBe(200 * 1024 * 1024);
    expect(rss.peakRssBytes - before).toBeGreaterThan(150 * 1024 * 1024);
    expect(rss.maxRssBytes).toBeGreaterThanOrEqual(rss.peakRssBytes * 0.9);
    expect(rss.samples).toBeGreaterThanOrEqual(3);
  });

  it('stops sampling when stopped', () => {
    const sampler = startRssSampler(10);
    const report = sampler.stop();
    expect(report.peakRssBytes).toBeGreaterThan(0);
  });
});

describe('result table', () => {
  const rows = [
    {
      figure: 'read+parse',
      ours: 6200,
      unit: 'studies/s',
      reference: 5000,
      target: { op: '>=' as const, value: 5000 },
    },
    { figure: 'peak RSS', ours: 320, unit: 'MiB', target: { op: '<=' as const, value: 300 } },
    { figure: 'bytes/study', ours: 17_400 },
  ];

  it('computes ratio against the reference and pass against the target', () => {
    expect(evaluateRow(rows[0]!)).toMatchObject({ ratio: 1.24, pass: true });
    expect(evaluateRow(rows[1]!)).toMatchObject({ pass: false });
    expect(evaluateRow(rows[2]!)).not.toHaveProperty('pass');
  });

  it('prints figure, ours, reference, ratio, target and pass columns', () => {
    const lines = formatResultTable('ingest', rows).split('\n');
    expect(lines[0]).toBe('ingest');
    expect(lines[1]).toMatch(/^figure\s+\|\s+ours \|\s+reference \| ratio \|\s+target \| pass$/);
    expect(lines[3]).toContain('6,200 studies/s');
    expect(lines[3]).toContain('1.24×');
    expect(lines[3]).toMatch(/PASS$/);
    expect(lines[4]).toMatch(/FAIL$/);
  });

  it('appends each run to <bench>.json in the results directory', () => {
    const print = () => {};
    reportResults('ingest', rows, { quick: true }, { dir, now: new Date('2026-10-02T10:00:00Z'), print });
    reportResults('ingest', rows.slice(0, 1), {}, { dir, now: new Date('2026-10-03T10:00:00Z'), print });
    const runs = JSON.parse(readFileSync(join(dir, 'ingest.json'), 'utf8'));
    expect(runs.map((run: { at: string }) => run.at)).toEqual([
      '2026-10-02T10:00:00.000Z',
      '2026-10-03T10:00:00.000Z',
    ]);
    expect(runs[0].context).toEqual({ quick: true });
    expect(runs[0].rows[1]).toMatchObject({ figure: 'peak RSS', ours: 320, pass: false });
  });
});
