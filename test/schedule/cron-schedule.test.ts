import { describe, expect, it } from 'vitest';
import { isCdsError } from '../../src/errors.ts';
import { parseCronSchedule } from '../../src/schedule/cron-schedule.ts';

describe('parseCronSchedule', () => {
  it('finds the next daily tick in UTC', () => {
    const daily = parseCronSchedule('0 10 * * *');
    expect(daily.next(new Date('2026-11-29T15:03:20Z'))?.toISOString()).toBe('2026-11-30T10:00:00.000Z');
    expect(daily.next(new Date('2026-11-29T09:59:59Z'))?.toISOString()).toBe('2026-11-29T10:00:00.000Z');
  });

  it('matches the whole tick minute and nothing else', () => {
    const daily = parseCronSchedule('0 10 * * *');
    expect(daily.matches(new Date('2026-11-29T10:00:59Z'))).toBe(true);
    expect(daily.matches(new Date('2026-11-29T10:01:00Z'))).toBe(false);
  });

  it('rejects a malformed expression with a CONFIG error that names the setting', () => {
    try {
      parseCronSchedule('every day');
      expect.unreachable();
    } catch (error) {
      expect(isCdsError(error, 'CONFIG')).toBe(true);
      expect((error as Error).message).toContain('CDS_SYNC_CRON "every day"');
    }
  });
});
