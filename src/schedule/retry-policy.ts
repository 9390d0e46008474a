/**
 * How a failed sync is retried, the same for both scheduler adapters.
 *
 * The delay is graphile-worker's own backoff, exp(min(attempts, 10)) seconds after the failed attempt:
 * 2.7 s, 7.4 s, 20 s, 55 s, 2.5 min, 6.7 min, 18 min, 49 min between the 9 attempts (~1.3 h in all).
 * Each attempt already retries every HTTP request up to CTGOV_ATTEMPTS times, so a job-level retry is for
 * outages longer than a minute (API maintenance, database restart); after the last attempt the job is
 * dropped and the next tick tries again, continuing from the persisted landing run and watermark.
 */

/** Attempts per sync job, the first included. */
export const MAX_SYNC_ATTEMPTS = 9;

/** Milliseconds to wait after failed attempt number `attempts` (1-based) before the next one. */
export function retryDelayMs(attempts: number): number {
  return Math.round(Math.exp(Math.min(Math.max(attempts, 1), 10)) * 1000);
}
