import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCdsError } from '../../src/errors.ts';
import { failStaleRuns, startRun } from '../../src/runs/run-log.ts';
import { getRun, listRuns } from '../../src/runs/run-queries.ts';
import { createTestDb, type TestDb } from '../support/db.ts';

describe('run log', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => t.drop());

  it('records a run with its steps, counts and the error of a failed step attempt', async () => {
    const run = await startRun(t.db, { kind: 'load', params: { path: 'x.zip' } });
    await run.step('load', async () => ({ counts: { fetched: 3, inserted: 3 } }));
    await expect(
      run.step('index', async () => {
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    await run.step('index', async () => ({ counts: { indexes: 4 } }));
    await run.addCounts({ fetched: 3, inserted: 3 });
    await run.succeed();

    const stored = await getRun(t.db, run.id);
    expect(stored?.state).toBe('succeeded');
    expect(stored?.counts).toEqual({ fetched: 3, inserted: 3 });
    expect(stored?.steps.map((s) => [s.step, s.attempt, s.state, s.error])).toEqual([
      ['load', 1, 'succeeded', null],
      ['index', 1, 'failed', 'disk full'],
      ['index', 2, 'succeeded', null],
    ]);
    expect((await listRuns(t.db)).map((r) => r.id)).toContain(run.id);
  });

  it('refuses a second writing run while one is running, naming it', async () => {
    const first = await startRun(t.db, { kind: 'sync' });
    const error = await startRun(t.db, { kind: 'load' }).catch((e: unknown) => e);
    expect(isCdsError(error, 'LOCKED')).toBe(true);
    expect((error as Error).message).toContain(first.id);
    // Downloads do not write studies and may run alongside.
    const download = await startRun(t.db, { kind: 'download' });
    await download.succeed();
    await first.succeed();
  });

  it('marks a run whose process stopped as failed once its heartbeat is stale, freeing the next run', async () => {
    const crashed = await startRun(t.db, { kind: 'sync' });
    await t.db.query(`update runs set heartbeat_at = now() - interval '10 minutes' where id = $1`, [
      crashed.id,
    ]);
    expect(await failStaleRuns(t.db)).toEqual([crashed.id]);
    const stored = await getRun(t.db, crashed.id);
    expect(stored?.state).toBe('failed');
    expect(stored?.error).toMatch(/stopped/);
    const next = await startRun(t.db, { kind: 'sync' });
    await next.succeed();
  });
});
