/**
 * Picks the scheduler adapter for the database engine: graphile-worker on PostgreSQL, in-process on the
 * embedded PGlite. The task is the sync flow (`runSync`) unless a test passes its own.
 */
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Db } from '../store/db.ts';
import { runSync } from '../sync/run-sync.ts';
import { parseCronSchedule } from './cron-schedule.ts';
import { createGraphileScheduler } from './graphile-scheduler.ts';
import { createInProcessScheduler } from './in-process-scheduler.ts';
import type { Scheduler } from './scheduler.ts';
import { createSyncTask, type SyncFn } from './sync-task.ts';

export interface CreateSchedulerOptions {
  db: Db;
  config: Config;
  logger: Logger;
  /** Execute jobs in this process (PostgreSQL only; the in-process adapter always executes). */
  executes?: boolean;
  /** Default: `runSync` with the configuration. */
  sync?: SyncFn;
  /** graphile-worker only, see GraphileSchedulerOptions. */
  pollIntervalMs?: number;
  backfillMs?: number;
}

export function createScheduler(options: CreateSchedulerOptions): Scheduler {
  const { db, config, logger } = options;
  const schedule = parseCronSchedule(config.syncCron);
  const sync: SyncFn = options.sync ?? ((o) => runSync({ db, config, logger, ...o }));
  const task = createSyncTask({ db, sync, logger });
  if (db.engine === 'pglite' || !config.databaseUrl)
    return createInProcessScheduler({ db, schedule, task, logger });
  return createGraphileScheduler({
    db,
    connectionString: config.databaseUrl,
    schedule,
    task,
    logger,
    ...(options.executes !== undefined ? { executes: options.executes } : {}),
    ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
    ...(options.backfillMs !== undefined ? { backfillMs: options.backfillMs } : {}),
  });
}
