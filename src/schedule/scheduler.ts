/**
 * The scheduler: runs the sync flow on a cron, on demand ("run now"), one at a time, with retries.
 *
 * Glossary:
 * - tick: a minute that matches the sync cron (UTC); each tick queues one sync job, once across all workers.
 * - job: one queued request to sync (from a tick or "run now"), retried with backoff when it fails.
 * - attempt: one execution of a job; each attempt is one recorded run (`runs` row) whose params carry
 *   `schedule.attempt`, so a retry is visible beside the failed run it repeats.
 * - worker: a process that executes jobs (`cds worker`, or `cds serve` in-process).
 *
 * Two adapters behind this interface: graphile-worker on PostgreSQL (durable jobs, cron de-duplicated
 * across processes, a queue that serializes syncs) and a light in-process one for the embedded PGlite
 * engine, which allows a single process and cannot host graphile-worker. Both run the same task with the
 * same retry policy (retry-policy.ts).
 */

export type SchedulerKind = 'graphile-worker' | 'in-process';

export type RunNowResult =
  | { queued: true }
  /** A sync job is already waiting (its start is brought forward to now). */
  | { queued: false; reason: 'already-queued' }
  /** A sync run is writing right now; `runId` is that run. */
  | { queued: false; reason: 'already-running'; runId: string };

/** A job waiting to run: a tick, a "run now", or the retry of a failed attempt. */
export interface PendingSync {
  trigger: string;
  /** Attempts made, the running one included (0: never tried). */
  attempts: number;
  /** An attempt is running now. */
  running: boolean;
  maxAttempts: number;
  /** When it becomes due (ISO UTC). */
  runAt: string;
  lastError: string | null;
}

export interface SchedulerStatus {
  kind: SchedulerKind;
  /** The sync cron expression, UTC. */
  cron: string;
  /** The next tick (ISO UTC), or null if none within 366 days. */
  nextTickAt: string | null;
  /** Whether this process executes jobs (false: it only queues them for `cds worker`). */
  executes: boolean;
  pending: PendingSync[];
}

export interface Scheduler {
  readonly kind: SchedulerKind;
  /** Starts the cron and, when this process executes jobs, the worker. */
  start(): Promise<void>;
  /** Queues a sync to start now. Never queues a second one beside a queued or running sync. */
  runNow(): Promise<RunNowResult>;
  status(): Promise<SchedulerStatus>;
  /** Stops taking jobs and waits for the running attempt to finish or abort. */
  stop(): Promise<void>;
}
