/**
 * The `cds` command as npx runs it: bin/cds.js executed through its `#!/usr/bin/env -S node …` line, with
 * the heap cap that bounds the loader's memory (bench/load.ts measures under the same flags).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cliNodeFlags } from '../../bench/support/cli-node-flags.ts';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/cds.js');

describe('bin/cds.js', () => {
  it('runs through its own interpreter line, with the heap cap', () => {
    const out = execFileSync(CLI, ['--help'], { encoding: 'utf8' });
    expect(out).toContain('Usage: cds');
    const limitMiB = execFileSync(
      process.execPath,
      [...cliNodeFlags(), '-e', 'console.log(require("v8").getHeapStatistics().heap_size_limit / 1048576)'],
      { encoding: 'utf8' },
    );
    expect(cliNodeFlags()).toEqual(['--max-old-space-size=768', '--max-semi-space-size=64']);
    // The old space is capped at 768 MiB; the limit adds the young generation's spaces (3 × 64 MiB).
    expect(Number(limitMiB)).toBeGreaterThanOrEqual(768 + 3 * 64);
    expect(Number(limitMiB)).toBeLessThan(1024);
  });
});
