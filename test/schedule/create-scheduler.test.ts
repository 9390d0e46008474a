import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import { createScheduler } from '../../src/schedule/create-scheduler.ts';
import type { Db } from '../../src/store/db.ts';
import { openMigratedDb } from '../../src/store/open-migrated-db.ts';
import { recordedSync, waitFor } from './recorded-sync.ts';

const dataDir = mkdtempSync(path.join(tmpdir(), 'cds-schedule-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('createScheduler', () => {
  it('uses graphile-worker on PostgreSQL', () => {
    // Nothing connects before start(): a database handle that only names its engine is enough.
    const db = { engine: 'postgres' } as Db;
    const config = loadConfig({}, { databaseUrl: 'postgres://127.0.0.1:1/none', dataDir });
    const scheduler = createScheduler({
      db,
      config,
      logger: silentLogger,
      sync: async () => ({ runId: 'none' }),
    });
    expect(scheduler.kind).toBe('graphile-worker');
  });

  it('on the embedded PGlite database runs "run now" in-process, recorded like any run', async () => {
    // A weekly slot three days away: the schedule must not fire during the test (its own run would be the
    // one recorded; '30 4 * * 1' did, on a Monday at 04:30 UTC).
    const cron = `30 4 * * ${(new Date().getUTCDay() + 3) % 7}`;
    const config = loadConfig({}, { dataDir, syncCron: cron });
    const db = await openMigratedDb(config);
    const scheduler = createScheduler({ db, config, logger: silentLogger, sync: recordedSync(db).sync });
    try {
      expect(scheduler.kind).toBe('in-process');
      await scheduler.start();
      expect(await scheduler.runNow()).toEqual({ queued: true });
      const run = await waitFor(async () => {
        const { rows } = await db.query<{ state: string; trigger: string; params: { schedule?: object } }>(
          `select state, trigger, params from runs where state <> 'running' and params ? 'schedule'`,
        );
        return rows[0];
      });
      expect(run).toMatchObject({
        state: 'succeeded',
        trigger: 'manual',
        params: { schedule: { attempt: 1 } },
      });
      expect((await scheduler.status()).cron).toBe(cron);
    } finally {
      await scheduler.stop();
      await db.close();
    }
  }, 180_000);
});

describe('cds worker', () => {
  it('on the embedded database explains that `cds serve` runs the scheduler', async () => {
    delete process.env.DATABASE_URL;
    process.env.CDS_DATA_DIR = dataDir;
    const written: string[] = [];
    const code = await main(['worker'], { err: (text) => written.push(text), out: () => {} });
    const err = written.join('');
    expect(code).toBe(2);
    expect(err).toContain('`cds serve` runs the scheduler in-process');
    expect(err).toContain('DATABASE_URL');
  });
});
