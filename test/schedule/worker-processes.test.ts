import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeWorkerUtils } from 'graphile-worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_TASK } from '../../src/schedule/graphile-scheduler.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { type FakeCtgov, startFakeCtgov } from '../support/fake-ctgov.ts';
import { waitFor } from './recorded-sync.ts';

let t: TestDb;
let api: FakeCtgov;
const dirs: string[] = [];
const workers: ChildProcess[] = [];

beforeAll(async () => {
  t = await createTestDb();
  api = await startFakeCtgov();
});
afterAll(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
  await api.close();
  await t.drop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** `cds worker` in a process of its own, with its own data directory, on the shared database. */
function startWorker(cron: string): {
  process: ChildProcess;
  exited: Promise<number | null>;
  stderr: () => string;
} {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cds-worker-'));
  dirs.push(dataDir);
  let stderr = '';
  const child = spawn(process.execPath, ['bin/cds.js', 'worker'], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: t.url,
      CDS_DATA_DIR: dataDir,
      CTGOV_API_URL: api.url,
      CTGOV_RATE_PER_SEC: '1000',
      CDS_INITIAL_WINDOW_DAYS: '20000',
      CDS_SYNC_CRON: cron,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  workers.push(child);
  return {
    process: child,
    exited: new Promise((resolve) => child.on('exit', resolve)),
    stderr: () => stderr,
  };
}

describe('cds worker processes', () => {
  it('two worker processes, one schedule tick: exactly one sync run', async () => {
    // A tick two minutes ago that neither worker has executed: both queue it when they start, and the
    // database lets only one of them (the crontab has been known for ten minutes, within the backfill).
    const tick = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 2 * 60_000);
    const cron = `${tick.getUTCMinutes()} ${tick.getUTCHours()} ${tick.getUTCDate()} ${tick.getUTCMonth() + 1} *`;
    const utils = await makeWorkerUtils({ connectionString: t.url });
    await utils.migrate();
    await utils.withPgClient((c) =>
      c.query(
        `insert into graphile_worker._private_known_crontabs (identifier, known_since) values ($1, now() - interval '10 minutes')`,
        [SYNC_TASK],
      ),
    );
    await utils.release();

    const a = startWorker(cron);
    const b = startWorker(cron);
    const run = await waitFor(async () => {
      const { rows } = await t.db.query<{ id: string; trigger: string; counts: Record<string, number> }>(
        `select id, trigger, counts from runs where state = 'succeeded'`,
      );
      return rows[0];
    }, 90_000);
    await new Promise((resolve) => setTimeout(resolve, 3000));

    const { rows } = await t.db.query<{ n: number }>(`select count(*)::int as n from runs`);
    expect(rows[0]!.n).toBe(1);
    expect(run).toMatchObject({ trigger: 'schedule', counts: { fetched: 206, inserted: 206 } });
    a.process.kill('SIGTERM');
    b.process.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);
    expect(a.stderr() + b.stderr()).toContain(`cds worker: sync on "${cron}"`);
  }, 150_000);
});
