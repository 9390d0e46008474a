/**
 * The scheduler for the embedded PGlite engine, which allows one process and one connection, so
 * graphile-worker cannot run on it: `cds serve` keeps the jobs in memory and runs them in-process with the
 * same task, the same cron parser and the same retry policy. Nothing is lost by keeping jobs in memory: a
 * crashed run is failed by its stale heartbeat and the next tick continues from the persisted position.
 */
import { describeError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Db } from '../store/db.ts';
import type { CronSchedule } from './cron-schedule.ts';
import { MAX_SYNC_ATTEMPTS, retryDelayMs } from './retry-policy.ts';
import { findRunningSync } from './running-sync.ts';
import type { RunNowResult, Scheduler, SchedulerStatus } from './scheduler.ts';
import type { SyncTask } from './sync-task.ts';

export interface InProcessSchedulerOptions {
  db: Db;
  schedule: CronSchedule;
  task: SyncTask;
  logger: Logger;
  clock?: () => Date;
}

export interface InProcessScheduler extends Scheduler {
  /**
   * Queues the sync of the tick containing `at` if `at` matches the cron and that minute was not queued
   * yet. The minute timer calls it; tests call it with a chosen time.
   */
  tick(at: Date): boolean;
}

interface Job {
  /** Numbered per process, so a retry's run names the job of the attempt it repeats. */
  id: string;
  trigger: string;
  attempts: number;
  runAt: number;
  lastError: string | null;
}

const MINUTE_MS = 60_000;

export function createInProcessScheduler(options: InProcessSchedulerOptions): InProcessScheduler {
  const { db, schedule, task } = options;
  const clock = options.clock ?? (() => new Date());
  const log = options.logger.child({ component: 'scheduler' });
  const jobs: Job[] = [];
  let running: { job: Job; controller: AbortController; done: Promise<void> } | null = null;
  let lastTickMinute = -1;
  let jobCount = 0;
  const newJob = (trigger: string, runAt: number): Job => ({
    id: `in-process-${++jobCount}`,
    trigger,
    attempts: 0,
    runAt,
    lastError: null,
  });
  let started = false;
  let minuteTimer: NodeJS.Timeout | undefined;
  let dueTimer: NodeJS.Timeout | undefined;

  const process = () => {
    if (!started || running) return;
    clearTimeout(dueTimer);
    const now = clock().getTime();
    jobs.sort((a, b) => a.runAt - b.runAt);
    const next = jobs[0];
    if (!next) return;
    if (next.runAt > now) {
      dueTimer = setTimeout(process, next.runAt - now);
      dueTimer.unref();
      return;
    }
    jobs.shift();
    const attempt = next.attempts + 1;
    const controller = new AbortController();
    const done = task({
      trigger: next.trigger,
      attempt,
      maxAttempts: MAX_SYNC_ATTEMPTS,
      jobId: next.id,
      signal: controller.signal,
    })
      .then(
        () => {},
        (error) => {
          if (controller.signal.aborted) return;
          if (attempt < MAX_SYNC_ATTEMPTS)
            jobs.push({
              ...next,
              attempts: attempt,
              runAt: clock().getTime() + retryDelayMs(attempt),
              lastError: describeError(error),
            });
          else log.error('sync job dropped after its last attempt; the next tick tries again');
        },
      )
      .finally(() => {
        running = null;
        process();
      });
    running = { job: next, controller, done };
  };

  const onMinute = () => {
    scheduler.tick(clock());
    const now = clock().getTime();
    minuteTimer = setTimeout(onMinute, MINUTE_MS - (now % MINUTE_MS) + 1);
    minuteTimer.unref();
  };

  const scheduler: InProcessScheduler = {
    kind: 'in-process',
    tick(at) {
      const minute = Math.floor(at.getTime() / MINUTE_MS);
      if (minute <= lastTickMinute || !schedule.matches(at)) return false;
      lastTickMinute = minute;
      jobs.push(newJob('schedule', at.getTime()));
      process();
      return true;
    },
    async start() {
      started = true;
      onMinute();
      log.info('scheduler started', { kind: 'in-process', cron: schedule.expression });
    },
    async runNow(): Promise<RunNowResult> {
      const runId = await findRunningSync(db);
      if (runId) return { queued: false, reason: 'already-running', runId };
      const now = clock().getTime();
      const waiting = jobs.find((job) => job.trigger === 'manual' && job.attempts === 0);
      if (waiting) waiting.runAt = now;
      else jobs.push(newJob('manual', now));
      process();
      return waiting ? { queued: false, reason: 'already-queued' } : { queued: true };
    },
    async status(): Promise<SchedulerStatus> {
      const all = running ? [running.job, ...jobs] : jobs;
      return {
        kind: 'in-process',
        cron: schedule.expression,
        nextTickAt: schedule.next(clock())?.toISOString() ?? null,
        executes: true,
        pending: all.map((job) => ({
          trigger: job.trigger,
          attempts: job === running?.job ? job.attempts + 1 : job.attempts,
          running: job === running?.job,
          maxAttempts: MAX_SYNC_ATTEMPTS,
          runAt: new Date(job.runAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          lastError: job.lastError,
        })),
      };
    },
    async stop() {
      started = false;
      clearTimeout(minuteTimer);
      clearTimeout(dueTimer);
      if (running) {
        running.controller.abort(new Error('The server is stopping; the next sync continues from here'));
        await running.done;
      }
    },
  };
  return scheduler;
}
