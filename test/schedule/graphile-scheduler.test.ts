import { makeWorkerUtils } from 'graphile-worker';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.ts';
import { getRun } from '../../src/runs/run-queries.ts';
import { parseCronSchedule } from '../../src/schedule/cron-schedule.ts';
import { createGraphileScheduler, SYNC_TASK } from '../../src/schedule/graphile-scheduler.ts';
import type { Scheduler } from '../../src/schedule/scheduler.ts';
import { createSyncTask } from '../../src/schedule/sync-task.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { type RecordedSync, recordedSync, waitFor } from './recorded-sync.ts';

let t: TestDb;
let started: Scheduler[] = [];

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.drop();
});
beforeEach(async () => {
  await t.db.exec(`truncate runs cascade; drop schema if exists graphile_worker cascade;`);
});
afterEach(async () => {
  await Promise.all(started.map((s) => s.stop()));
  started = [];
});

async function scheduler(
  recorded: RecordedSync,
  options: { cron?: string; executes?: boolean; backfillMs?: number } = {},
): Promise<Scheduler> {
  const s = createGraphileScheduler({
    db: t.db,
    connectionString: t.url,
    schedule: parseCronSchedule(options.cron ?? '0 10 1 1 *'),
    task: createSyncTask({ db: t.db, sync: recorded.sync, logger: silentLogger }),
    logger: silentLogger,
    executes: options.executes ?? true,
    backfillMs: options.backfillMs ?? 0,
    pollIntervalMs: 200,
  });
  started.push(s);
  await s.start();
  return s;
}

const runsOf = async () =>
  (
    await t.db.query<{
      id: string;
      state: string;
      trigger: string;
      params: { schedule?: Record<string, unknown> };
      error: string | null;
    }>(`select id, state, trigger, params, error from runs order by started_at, id`)
  ).rows;

const syncJobs = async () =>
  (
    await t.db.query<{ n: number }>(
      `select count(*)::int as n from graphile_worker.jobs where task_identifier = $1`,
      [SYNC_TASK],
    )
  ).rows[0]!.n;

describe('graphile-worker scheduler', () => {
  it('two workers, one schedule tick: exactly one run', async () => {
    // The tick is a minute two minutes ago that both workers find unexecuted when they start (the
    // crontab has been known for ten minutes), so both try to queue it at the same moment.
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
    const recorded = recordedSync(t.db, { durationMs: 500 });

    await Promise.all([
      scheduler(recorded, { cron, backfillMs: 5 * 60_000 }),
      scheduler(recorded, { cron, backfillMs: 5 * 60_000 }),
    ]);
    await waitFor(async () => (await runsOf()).find((r) => r.state === 'succeeded' && r.params.schedule));
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const runs = await runsOf();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ state: 'succeeded', trigger: 'schedule' });
    expect(runs[0]!.params.schedule).toMatchObject({ attempt: 1, maxAttempts: 9 });
    expect(recorded.calls).toEqual(['schedule']);
    expect(await syncJobs()).toBe(0);
  });

  it('"run now" pressed twice before a worker takes it queues one job and makes one run', async () => {
    const recorded = recordedSync(t.db);
    const api = await scheduler(recorded, { executes: false });

    expect(await api.runNow()).toEqual({ queued: true });
    expect(await api.runNow()).toEqual({ queued: false, reason: 'already-queued' });
    expect(await syncJobs()).toBe(1);
    expect((await api.status()).pending).toMatchObject([
      { trigger: 'manual', attempts: 0, running: false, maxAttempts: 9 },
    ]);

    await scheduler(recorded);
    await waitFor(async () => (await runsOf()).find((r) => r.state === 'succeeded' && r.params.schedule));
    expect(recorded.calls).toEqual(['manual']);
    expect(await runsOf()).toHaveLength(1);
  });

  it('"run now" while a sync runs answers with the running run instead of queueing another', async () => {
    const recorded = recordedSync(t.db, { durationMs: 2000 });
    const s = await scheduler(recorded);
    await s.runNow();
    const running = await waitFor(async () => (await runsOf()).find((r) => r.state === 'running'));

    expect(await s.runNow()).toEqual({ queued: false, reason: 'already-running', runId: running.id });
    expect((await s.status()).pending).toMatchObject([{ trigger: 'manual', attempts: 1, running: true }]);
    await waitFor(async () => (await runsOf()).find((r) => r.state === 'succeeded' && r.params.schedule));
    expect(await runsOf()).toHaveLength(1);
  });

  it('a failed attempt is a failed run with its error, retried after the backoff as attempt 2', async () => {
    const recorded = recordedSync(t.db, { failures: 1 });
    const s = await scheduler(recorded);
    await s.runNow();

    const failed = await waitFor(async () =>
      (await runsOf()).find((r) => r.state === 'failed' && r.params.schedule),
    );
    expect(failed.error).toContain('503');
    expect(failed.params.schedule).toMatchObject({ attempt: 1, retryInMs: 2718 });
    const waiting = (await s.status()).pending;
    expect(waiting).toMatchObject([{ trigger: 'manual', attempts: 1, running: false }]);
    expect(waiting[0]!.lastError).toContain('503');
    const detail = await getRun(t.db, failed.id);
    expect(detail?.steps).toMatchObject([{ step: 'download', attempt: 1, state: 'failed' }]);

    const retried = await waitFor(async () =>
      (await runsOf()).find((r) => r.state === 'succeeded' && r.params.schedule),
    );
    expect(retried.trigger).toBe('manual');
    expect(retried.params.schedule).toMatchObject({
      attempt: 2,
      maxAttempts: 9,
      jobId: failed.params.schedule?.jobId,
    });
    expect(recorded.calls).toEqual(['manual', 'manual']);
  });

  it('a run left running by a crashed process is marked failed before the next sync runs', async () => {
    await t.db.query(
      `insert into runs (id, kind, trigger, started_at, heartbeat_at)
       values ('20261129T100000Z-dead', 'sync', 'schedule', now() - interval '1 hour', now() - interval '50 minutes')`,
    );
    await t.db.query(`insert into run_steps (run_id, step) values ('20261129T100000Z-dead', 'download')`);
    const recorded = recordedSync(t.db);
    const s = await scheduler(recorded);

    expect(await s.runNow()).toEqual({ queued: true });
    await waitFor(async () => (await runsOf()).find((r) => r.state === 'succeeded' && r.params.schedule));
    const crashed = await getRun(t.db, '20261129T100000Z-dead');
    expect(crashed).toMatchObject({ state: 'failed' });
    expect(crashed?.error).toContain('stopped');
    expect(crashed?.steps).toMatchObject([{ step: 'download', state: 'failed', error: 'process stopped' }]);
  });
});
