import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.ts';
import { parseCronSchedule } from '../../src/schedule/cron-schedule.ts';
import {
  createInProcessScheduler,
  type InProcessScheduler,
} from '../../src/schedule/in-process-scheduler.ts';
import { createSyncTask } from '../../src/schedule/sync-task.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { type RecordedSync, recordedSync, waitFor } from './recorded-sync.ts';

let t: TestDb;
let current: InProcessScheduler | undefined;

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.drop();
});
beforeEach(async () => {
  await t.db.exec(`truncate runs cascade`);
});
afterEach(async () => {
  await current?.stop();
  current = undefined;
});

async function scheduler(recorded: RecordedSync, cron = '0 10 * * *'): Promise<InProcessScheduler> {
  current = createInProcessScheduler({
    db: t.db,
    schedule: parseCronSchedule(cron),
    task: createSyncTask({ db: t.db, sync: recorded.sync, logger: silentLogger }),
    logger: silentLogger,
  });
  await current.start();
  return current;
}

const runsOf = async () =>
  (
    await t.db.query<{
      id: string;
      state: string;
      trigger: string;
      params: { schedule?: Record<string, unknown> };
    }>(`select id, state, trigger, params from runs order by started_at, id`)
  ).rows;

describe('in-process scheduler', () => {
  it('queues one sync per matching minute, however often that minute is ticked', async () => {
    const recorded = recordedSync(t.db);
    const s = await scheduler(recorded);

    expect(s.tick(new Date('2026-11-29T09:59:00Z'))).toBe(false);
    expect(s.tick(new Date('2026-11-29T10:00:00Z'))).toBe(true);
    expect(s.tick(new Date('2026-11-29T10:00:30Z'))).toBe(false);
    await waitFor(async () => (await runsOf()).find((r) => r.state === 'succeeded' && r.params.schedule));
    await new Promise((resolve) => setTimeout(resolve, 500));

    expect(recorded.calls).toEqual(['schedule']);
    expect(await runsOf()).toMatchObject([{ state: 'succeeded', trigger: 'schedule' }]);
  });

  it('"run now" during a sync answers with the running run; pressed twice while waiting, it queues one', async () => {
    const recorded = recordedSync(t.db, { durationMs: 1500 });
    const s = await scheduler(recorded);

    expect(await s.runNow()).toEqual({ queued: true });
    const running = await waitFor(async () => (await runsOf()).find((r) => r.state === 'running'));
    expect(await s.runNow()).toEqual({ queued: false, reason: 'already-running', runId: running.id });
    expect((await s.status()).pending).toMatchObject([{ trigger: 'manual', attempts: 1, running: true }]);
    await waitFor(async () => (await runsOf()).find((r) => r.state === 'succeeded' && r.params.schedule));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(recorded.calls).toEqual(['manual']);
  });

  it('retries a failed attempt after the same backoff as graphile-worker, recording attempt 2', async () => {
    const recorded = recordedSync(t.db, { failures: 1 });
    const s = await scheduler(recorded);
    await s.runNow();

    // The attempt's retry is recorded just after the run is marked failed (sync-task.ts): wait for both.
    const failed = await waitFor(async () =>
      (await runsOf()).find((r) => r.state === 'failed' && r.params.schedule?.retryInMs !== undefined),
    );
    expect(failed.params.schedule).toMatchObject({ attempt: 1, maxAttempts: 9, retryInMs: 2718 });
    expect((await s.status()).pending).toMatchObject([{ trigger: 'manual', attempts: 1, running: false }]);

    const retried = await waitFor(async () =>
      (await runsOf()).find((r) => r.state === 'succeeded' && r.params.schedule),
    );
    expect(retried.params.schedule).toMatchObject({ attempt: 2, jobId: failed.params.schedule?.jobId });
    expect(recorded.calls).toEqual(['manual', 'manual']);
    expect((await s.status()).pending).toEqual([]);
  });

  it('stop() aborts the running attempt, which is recorded failed and not retried', async () => {
    const recorded = recordedSync(t.db, { durationMs: 10_000 });
    const s = await scheduler(recorded);
    await s.runNow();
    await waitFor(async () => (await runsOf()).find((r) => r.state === 'running'));

    await s.stop();
    current = undefined;
    expect(await runsOf()).toMatchObject([{ state: 'failed' }]);
    expect(recorded.calls).toEqual(['manual']);
  });
});
