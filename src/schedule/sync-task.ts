/**
 * The one task both scheduler adapters execute: one attempt of a sync job. It fails the runs of crashed
 * processes first (so the sync continues from the persisted landing run and watermark), runs the sync,
 * and records on the attempt's run which attempt it was and whether a retry follows, so the console can
 * show a failed run next to its retry. It rethrows a failure: the adapter schedules the retry.
 */
import { describeError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { failStaleRuns } from '../runs/run-log.ts';
import type { Db } from '../store/db.ts';
import { retryDelayMs } from './retry-policy.ts';

/** The sync flow as the scheduler sees it: `runSync` in production, a recorded stand-in in tests. */
export type SyncFn = (options: {
  trigger: string;
  signal?: AbortSignal;
  /** Recorded in the run's params from its start. */
  params?: Record<string, unknown>;
  onRunStarted?: (runId: string) => void;
}) => Promise<{ runId: string }>;

export interface SyncAttempt {
  /** 'schedule' (a cron tick) or 'manual' ("run now"). */
  trigger: string;
  /** 1-based number of this attempt. */
  attempt: number;
  maxAttempts: number;
  /** The adapter's job id, for logs. */
  jobId?: string;
  signal?: AbortSignal;
}

/** What an attempt's run records in `runs.params.schedule`. */
export interface AttemptRecord {
  attempt: number;
  maxAttempts: number;
  jobId: string | null;
  /** Failed attempts only: milliseconds until the retry, or null when this was the last attempt. */
  retryInMs?: number | null;
}

export type SyncTask = (attempt: SyncAttempt) => Promise<{ runId: string }>;

export function createSyncTask(deps: { db: Db; sync: SyncFn; logger: Logger }): SyncTask {
  const { db, sync, logger } = deps;
  return async (attempt) => {
    const log = logger.child({ task: 'sync', trigger: attempt.trigger, attempt: attempt.attempt });
    const failed = await failStaleRuns(db);
    if (failed.length > 0) log.warn('marked the runs of a stopped process failed', { runIds: failed });
    let runId: string | null = null;
    const record: AttemptRecord = {
      attempt: attempt.attempt,
      maxAttempts: attempt.maxAttempts,
      jobId: attempt.jobId ?? null,
    };
    log.info('sync attempt started');
    try {
      const result = await sync({
        trigger: attempt.trigger,
        ...(attempt.signal ? { signal: attempt.signal } : {}),
        params: { schedule: record },
        onRunStarted: (id) => {
          runId = id;
        },
      });
      log.info('sync attempt succeeded', { runId: result.runId });
      return result;
    } catch (error) {
      const retryInMs = attempt.attempt < attempt.maxAttempts ? retryDelayMs(attempt.attempt) : null;
      // No run when the attempt failed before starting one (another process's run held the lock).
      if (runId) await recordAttempt(db, runId, { ...record, retryInMs }).catch(() => {});
      log.error('sync attempt failed', { runId, error: describeError(error), retryInMs });
      throw error;
    }
  };
}

async function recordAttempt(db: Db, runId: string, record: AttemptRecord): Promise<void> {
  await db.query(
    `update runs set params = params || jsonb_build_object('schedule', $2::jsonb) where id = $1`,
    [runId, JSON.stringify(record)],
  );
}
