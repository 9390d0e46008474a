/**
 * The scheduler on PostgreSQL: graphile-worker in our database (its own `graphile_worker` schema, no extra
 * server). Its cron records each tick in `_private_known_crontabs` before queueing the job, so any number
 * of workers queue one job per tick; every sync job goes into one named queue, which graphile-worker runs
 * one job at a time across all workers; "run now" uses a job key, so pressing it twice queues one job.
 * A failed job is retried by graphile-worker with the backoff of retry-policy.ts.
 */
import {
  Logger as GraphileLogger,
  makeWorkerUtils,
  parseCronItems,
  type Runner,
  run,
  type WorkerUtils,
} from 'graphile-worker';
import type { Logger } from '../log.ts';
import type { Db } from '../store/db.ts';
import type { CronSchedule } from './cron-schedule.ts';
import { MAX_SYNC_ATTEMPTS } from './retry-policy.ts';
import { findRunningSync } from './running-sync.ts';
import type { PendingSync, RunNowResult, Scheduler, SchedulerStatus } from './scheduler.ts';
import type { SyncTask } from './sync-task.ts';

export const SYNC_TASK = 'cds_sync';
/** The queue that serializes sync jobs: never two syncs at once, whichever worker takes them. */
export const SYNC_QUEUE = 'cds_sync';
/** Job key of "run now": a second press while it waits updates the same job instead of adding one. */
export const RUN_NOW_JOB_KEY = 'cds_sync:run-now';

export interface GraphileSchedulerOptions {
  /** Our database (to find a running sync for "run now"). */
  db: Db;
  /** graphile-worker opens its own small pool on this PostgreSQL URL. */
  connectionString: string;
  schedule: CronSchedule;
  task: SyncTask;
  logger: Logger;
  /** Execute jobs in this process (default true); false only queues them, for a separate `cds worker`. */
  executes?: boolean;
  /**
   * A tick missed while no worker was running is still run if it is at most this old when a worker
   * starts, in milliseconds (default 12 h: a daily sync missed by a restart is not skipped for a day).
   */
  backfillMs?: number;
  /** How often the worker looks for jobs that became due (retries), in milliseconds (default 2000). */
  pollIntervalMs?: number;
}

export function createGraphileScheduler(options: GraphileSchedulerOptions): Scheduler {
  const { db, connectionString, schedule, task, logger } = options;
  const executes = options.executes ?? true;
  const log = logger.child({ component: 'scheduler' });
  let utils: WorkerUtils | undefined;
  let runner: Runner | undefined;

  const graphileLogger = new GraphileLogger(() => (level, message) => {
    if (level === 'error') log.error(message);
    else if (level === 'warning') log.warn(message);
    else log.debug(message);
  });

  return {
    kind: 'graphile-worker',
    async start() {
      utils = await makeWorkerUtils({ connectionString, logger: graphileLogger });
      await utils.migrate();
      if (!executes) return;
      runner = await run({
        connectionString,
        concurrency: 1,
        maxPoolSize: 4,
        noHandleSignals: true,
        pollInterval: options.pollIntervalMs ?? 2000,
        logger: graphileLogger,
        taskList: {
          [SYNC_TASK]: async (payload, helpers) => {
            const trigger = (payload as { trigger?: unknown } | null)?.trigger;
            await task({
              trigger: typeof trigger === 'string' ? trigger : 'schedule',
              attempt: helpers.job.attempts,
              maxAttempts: helpers.job.max_attempts,
              jobId: String(helpers.job.id),
              signal: helpers.abortSignal,
            });
          },
        },
        parsedCronItems: parseCronItems([
          {
            task: SYNC_TASK,
            identifier: SYNC_TASK,
            match: schedule.expression,
            payload: { trigger: 'schedule' },
            options: {
              queueName: SYNC_QUEUE,
              maxAttempts: MAX_SYNC_ATTEMPTS,
              backfillPeriod: options.backfillMs ?? 12 * 3600_000,
            },
          },
        ]),
      });
      log.info('scheduler started', { kind: 'graphile-worker', cron: schedule.expression });
    },
    async runNow(): Promise<RunNowResult> {
      if (!utils) throw new Error('scheduler not started');
      const runId = await findRunningSync(db);
      if (runId) return { queued: false, reason: 'already-running', runId };
      const waiting = (await pendingJobs(utils)).some(
        (job) => job.trigger === 'manual' && job.attempts === 0,
      );
      // 'replace' brings a waiting run-now job forward to now instead of keeping its later run_at.
      await utils.addJob(
        SYNC_TASK,
        { trigger: 'manual' },
        {
          queueName: SYNC_QUEUE,
          jobKey: RUN_NOW_JOB_KEY,
          jobKeyMode: 'replace',
          maxAttempts: MAX_SYNC_ATTEMPTS,
        },
      );
      return waiting ? { queued: false, reason: 'already-queued' } : { queued: true };
    },
    async status(): Promise<SchedulerStatus> {
      return {
        kind: 'graphile-worker',
        cron: schedule.expression,
        nextTickAt: schedule.next(new Date())?.toISOString() ?? null,
        executes,
        pending: utils ? await pendingJobs(utils) : [],
      };
    },
    async stop() {
      await runner?.stop();
      await utils?.release();
      runner = undefined;
      utils = undefined;
    },
  };
}

/** Sync jobs not yet finished: waiting, waiting for a retry, or running (locked). */
async function pendingJobs(utils: WorkerUtils): Promise<PendingSync[]> {
  return utils.withPgClient(async (client) => {
    const { rows } = await client.query<{
      key: string | null;
      attempts: number;
      running: boolean;
      max_attempts: number;
      run_at: string;
      last_error: string | null;
    }>(
      `select key, attempts, max_attempts, locked_at is not null as running,
         to_char(run_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as run_at, last_error
       from graphile_worker.jobs
       where task_identifier = $1 and attempts < max_attempts
       order by run_at`,
      [SYNC_TASK],
    );
    return rows.map((r) => ({
      trigger: r.key === RUN_NOW_JOB_KEY ? 'manual' : 'schedule',
      attempts: r.attempts,
      running: r.running,
      maxAttempts: r.max_attempts,
      runAt: r.run_at,
      // graphile-worker stores the error with its stack; the console shows the message line only.
      lastError: r.last_error?.split('\n')[0] ?? null,
    }));
  });
}
