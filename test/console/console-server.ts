/**
 * A console server for browser tests: a test database, the fake ClinicalTrials.gov API, the real sync
 * flow under the graphile-worker scheduler, and the console routes on 127.0.0.1 with a random port.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/build-app.ts';
import { registerConsole } from '../../src/api/register-console.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import { createScheduler } from '../../src/schedule/create-scheduler.ts';
import type { Scheduler } from '../../src/schedule/scheduler.ts';
import { runSync } from '../../src/sync/run-sync.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { type FakeCtgov, startFakeCtgov } from '../support/fake-ctgov.ts';

export interface ConsoleServer {
  url: string;
  t: TestDb;
  api: FakeCtgov;
  config: Config;
  app: FastifyInstance;
  scheduler: Scheduler;
  close(): Promise<void>;
}

export async function startConsoleServer(
  options: { extend?: (app: FastifyInstance, t: TestDb, config: Config) => Promise<void> } = {},
): Promise<ConsoleServer> {
  const t = await createTestDb();
  const api = await startFakeCtgov();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cds-console-'));
  const config = loadConfig(
    {},
    {
      databaseUrl: t.url,
      dataDir,
      apiUrl: api.url,
      // 5 requests/s: the 9 pages of a sync take ~2 s, so the console can show the download step running
      // with its live progress however fast the machine is.
      apiRatePerSecond: 5,
      apiAttempts: 1,
      // The fixtures were last updated over the years: a window that reaches all 206 of them.
      initialWindowDays: 20_000,
      syncCron: '0 10 1 1 *',
    },
  );
  const scheduler = createScheduler({
    db: t.db,
    config,
    logger: silentLogger,
    sync: (o) => runSync({ db: t.db, config, logger: silentLogger, pageSize: 25, ...o }),
    pollIntervalMs: 200,
    backfillMs: 0,
  });
  const app = await buildApp({ db: t.db, config, logger: silentLogger });
  await options.extend?.(app, t, config);
  await registerConsole(app, { db: t.db, config, logger: silentLogger, scheduler });
  await scheduler.start();
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    t,
    api,
    config,
    app,
    scheduler,
    async close() {
      await app.close();
      await scheduler.stop();
      await api.close();
      await t.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
