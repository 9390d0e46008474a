/**
 * The sync cron expression (5 fields, UTC), parsed by graphile-worker's own parser so that both
 * scheduler adapters accept exactly the same expressions and tick on the same minutes.
 */
import { parseCronItems } from 'graphile-worker';
import { CdsError } from '../errors.ts';

export interface CronSchedule {
  readonly expression: string;
  /** Whether the minute containing `at` is a tick (UTC). */
  matches(at: Date): boolean;
  /** The first tick strictly after `after`, or null if none within 366 days. */
  next(after: Date): Date | null;
}

const MINUTE_MS = 60_000;
const SEARCH_LIMIT_MINUTES = 366 * 24 * 60;

export function parseCronSchedule(expression: string): CronSchedule {
  let match: (digest: { min: number; hour: number; date: number; month: number; dow: number }) => boolean;
  try {
    const [item] = parseCronItems([{ task: 'cds_sync', match: expression, identifier: 'cds_sync' }]);
    match = item!.match;
  } catch (error) {
    throw new CdsError(
      'CONFIG',
      `CDS_SYNC_CRON "${expression}" is not a cron expression: ${(error as Error).message}. ` +
        `Use 5 fields in UTC, e.g. "0 10 * * *" for 10:00 UTC daily.`,
      { cause: error },
    );
  }
  const matches = (at: Date) =>
    match({
      min: at.getUTCMinutes(),
      hour: at.getUTCHours(),
      date: at.getUTCDate(),
      month: at.getUTCMonth() + 1,
      dow: at.getUTCDay(),
    });
  return Object.freeze({
    expression,
    matches,
    next(after: Date) {
      let t = Math.floor(after.getTime() / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
      for (let i = 0; i < SEARCH_LIMIT_MINUTES; i++, t += MINUTE_MS)
        if (matches(new Date(t))) return new Date(t);
      return null;
    },
  });
}
