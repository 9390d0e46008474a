import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProgressReporter, loggerAboveProgress, progressLine } from '../../src/cli/progress.ts';
import { readManifest, readProgress } from '../../src/landing/landing-run.ts';
import { createLogger } from '../../src/log.ts';
import { type FakeCtgov, startFakeCtgov } from '../support/fake-ctgov.ts';
import { fixtureLandingHashes, landedHashes } from '../support/landed-expectations.ts';
import { runCli } from '../support/run-cli.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const expected = fixtureLandingHashes();
let api: FakeCtgov;
let dataDir: string;
const savedEnv = { ...process.env };

beforeEach(async () => {
  api = await startFakeCtgov();
  dataDir = await mkdtemp(path.join(tmpdir(), 'cds-download-cli-'));
  Object.assign(process.env, {
    CTGOV_API_URL: api.url,
    CDS_DATA_DIR: dataDir,
    CTGOV_RATE_PER_SEC: '1000',
    CTGOV_ATTEMPTS: '3',
  });
});
afterEach(async () => {
  process.env = { ...savedEnv };
  await api.close();
  await rm(dataDir, { recursive: true, force: true });
});

const cds = (args: string[]) => runCli(...args);

async function expectExactlyTheFixtures(runDir: string) {
  const landed = await landedHashes(runDir);
  expect(landed.size).toBe(206);
  for (const [nctId, hashes] of landed) expect([...hashes]).toEqual([expected.get(nctId)]);
}

function spawnCds(args: string[]): {
  child: ChildProcess;
  done: Promise<{ code: number | null; out: string; err: string }>;
} {
  const child = spawn(process.execPath, ['bin/cds.js', ...args], {
    cwd: repo,
    env: { ...process.env, CTGOV_TIMEOUT_MS: '60000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, out, err })),
  );
  return { child, done };
}

describe('cds download', () => {
  it('lands the incremental window given by --since and says which window it used', async () => {
    const { code, out } = await cds(['download', '--since', '2000-01-01', '--page-size', '100']);
    expect(code).toBe(0);
    const runDir = /in (\S+)\n/.exec(out)?.[1] ?? '';
    expect(out).toContain('Landed 206 studies in 3 pages');
    expect(out).toContain('Window: updated since 2000-01-01 (--since 2000-01-01)');
    await expectExactlyTheFixtures(runDir);
  });

  it('lands the bulk zip with --full', async () => {
    const { code, out } = await cds(['download', '--full']);
    expect(code).toBe(0);
    expect(out).toMatch(/^Landed 206 studies \(1\.1 MB, data of 2026-11-28T09:00:04\) in /);
    const [run] = await readdir(path.join(dataDir, 'landing'));
    expect((await readManifest(path.join(dataDir, 'landing', run!))).kind).toBe('full');
  });

  it('rejects two modes at once and a malformed date with exit code 2', async () => {
    const both = await cds(['download', '--full', '--ids', 'NCT00007696']);
    expect(both).toMatchObject({ code: 2, err: 'cds: Use only one of --since, --ids, --query and --full\n' });
    const date = await cds(['download', '--since', '29/11/2026']);
    expect(date).toMatchObject({
      code: 2,
      err: 'cds: --since must be a date as YYYY-MM-DD, got "29/11/2026"\n',
    });
    expect(api.requests).toHaveLength(0);
  });

  it('says the API is unreachable and how to work offline', async () => {
    process.env.CTGOV_API_URL = 'http://127.0.0.1:9/api/v2';
    process.env.CTGOV_ATTEMPTS = '1';
    const { code, err } = await cds(['download', '--ids', 'NCT00007696']);
    expect(code).toBe(1);
    expect(err).toContain(
      'cds: Cannot reach http://127.0.0.1:9/api/v2/version (ECONNREFUSED) after 1 attempts',
    );
    expect(err).toContain('cds load');
  });

  it('completes after kill -9 mid-run without re-fetching landed pages or losing a study', async () => {
    api.inject({ kind: 'slow', delayMs: 60_000, path: /pageToken=/ });
    const first = spawnCds(['download', '--since', '2000-01-01', '--page-size', '50']);
    const landing = path.join(dataDir, 'landing');
    let runDir = '';
    for (let waited = 0; waited < 30_000; waited += 50) {
      const [run] = await readdir(landing).catch(() => [] as string[]);
      if (run && api.requests.some((r) => r.fault === 'slow')) {
        runDir = path.join(landing, run);
        if ((await readProgress(runDir)).pages === 1) break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.code).toBeNull();
    expect((await readManifest(runDir)).complete).toBe(false);
    const progress = await readProgress(runDir);
    expect(progress.pages).toBe(1);
    const before = api.requests.length;

    const second = await spawnCds(['download', '--since', '2000-01-01', '--page-size', '50']).done;
    expect(second.code).toBe(0);
    expect(second.out).toContain(`Resumed and completed`);
    expect(second.out).toContain(runDir);
    const after = api.requests.slice(before);
    expect(after.map((r) => r.path)).not.toContain('/api/v2/version');
    expect(after[0]?.params.get('filter.advanced')).toBe(
      `AREA[LastUpdatePostDate]RANGE[${progress.resumeDate},MAX]`,
    );
    await expectExactlyTheFixtures(runDir);
    const manifest = await readManifest(runDir);
    expect(manifest.complete).toBe(true);
    expect(manifest.files[0]?.name).toBe('pages/000001.json');
    expect(JSON.parse(await readFile(path.join(runDir, 'progress.json'), 'utf8')).restarts).toBe(1);
  }, 120_000);
});

describe('progress', () => {
  it('draws one line in place on a terminal, with rate and ETA from totalCount', () => {
    let text = '';
    let clock = 0;
    const progress = createProgressReporter({
      isTTY: true,
      write: (t) => {
        text += t;
      },
      logger: createLogger({ write: () => {} }),
      now: () => clock,
    });
    clock = 2_000;
    progress.update({ phase: 'page', pages: 1, studies: 1000, bytes: 17 * 1024 * 1024, totalCount: 4000 });
    progress.done();
    expect(text).toBe(
      '\r\x1b[K[#####---------------] pages 1 · studies 1000/4000 · 17.0 MB · 500 studies/s · ETA 0:06\n',
    );
  });

  it('clears the bar for a log line and draws it again after', () => {
    let text = '';
    const lines: string[] = [];
    const progress = createProgressReporter({
      isTTY: true,
      write: (t) => {
        text += t;
      },
      logger: createLogger({ write: () => {} }),
      now: () => 1_000,
    });
    const logger = loggerAboveProgress(
      createLogger({ format: 'text', write: (l) => lines.push(`${text.length}:${l}`) }),
      progress,
    );
    progress.update({ phase: 'page', pages: 1, studies: 10, bytes: 100 });
    const drawn = text;
    logger.info('landing run complete');
    expect(lines).toEqual([`${drawn.length + 4}:landing run complete`]);
    expect(text).toBe(`${drawn}\r\x1b[K${drawn}`);
    progress.done();
    logger.info('after');
    expect(text).toBe(`${drawn}\r\x1b[K${drawn}\n`);
  });

  it('writes one JSON log line per page when not on a terminal', () => {
    const lines: string[] = [];
    const progress = createProgressReporter({
      isTTY: false,
      write: () => {
        throw new Error('no drawing without a terminal');
      },
      logger: createLogger({ format: 'json', write: (l) => lines.push(l) }),
    });
    progress.update({ phase: 'page', pages: 1, studies: 50, bytes: 1000, totalCount: 206 });
    progress.update({ phase: 'page', pages: 2, studies: 100, bytes: 2000 });
    progress.done();
    expect(lines.map((l) => JSON.parse(l)).map(({ ts: _ts, ...rest }) => rest)).toEqual([
      { level: 'info', msg: 'page landed', pages: 1, studies: 50, bytes: 1000, totalCount: 206 },
      { level: 'info', msg: 'page landed', pages: 2, studies: 100, bytes: 2000 },
    ]);
  });

  it('shows bytes, rate and ETA of a bulk download', () => {
    expect(
      progressLine(
        { phase: 'bytes', pages: 0, studies: 0, bytes: 512 * 1024 * 1024, totalBytes: 2048 * 1024 * 1024 },
        8_000,
      ),
    ).toBe('[#####---------------] 512.0 MB / 2.0 GB · 64.0 MB/s · ETA 0:24');
  });
});
