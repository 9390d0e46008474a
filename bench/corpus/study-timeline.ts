import { AGE_FORMS, type OverallStatus } from './registry-mix.ts';
import type { Rng } from './rng.ts';

/**
 * Dates, enrollment and ages that agree with a study's status and with the snapshot day: completed studies
 * ended in the past (ACTUAL), recruiting ones end in the future (ESTIMATED), UNKNOWN ones were last verified
 * more than two years ago, and nothing was posted after the snapshot day.
 */

const DAY_MS = 86_400_000;

export function dayNumber(isoDate: string): number {
  return Math.floor(Date.parse(`${isoDate}T00:00:00Z`) / DAY_MS);
}

export function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** A PartialDateStruct: day precision mostly, month often, year now and then; `type` missing on old records. */
function partialDate(rng: Rng, day: number, snapshotDay: number): { date: string; type?: string } {
  const iso = isoDay(day);
  const r = rng.next();
  const date = r < 0.66 ? iso : r < 0.97 ? iso.slice(0, 7) : iso.slice(0, 4);
  if (date.length === 7 && day < dayNumber('2017-01-01') && rng.chance(0.8)) return { date };
  return { date, type: day <= snapshotDay ? 'ACTUAL' : 'ESTIMATED' };
}

const LAST_KNOWN = ['RECRUITING', 'ACTIVE_NOT_RECRUITING', 'NOT_YET_RECRUITING', 'ENROLLING_BY_INVITATION'];
const PAST_ONLY = new Set(['COMPLETED', 'TERMINATED', 'WITHDRAWN', 'UNKNOWN']);

export interface Timeline {
  statusModule: Record<string, unknown>;
  /** The day of lastUpdatePostDate (≤ snapshot day). */
  lastUpdateDay: number;
}

export function drawTimeline(rng: Rng, status: string, snapshot: string, whyStopped?: string): Timeline {
  const today = dayNumber(snapshot);
  const firstDay = dayNumber('1999-11-01');
  // The registry grows: more studies were registered recently (square-root skew towards today).
  const ageLimit = status === 'NOT_YET_RECRUITING' ? 400 : today - firstDay;
  let submit = today - Math.floor(ageLimit * (1 - Math.sqrt(rng.next())));
  if (status === 'UNKNOWN') submit = Math.min(submit, today - 3 * 365 - rng.int(0, 2000));
  submit = Math.max(firstDay, Math.min(submit, today - 1));
  const start = status === 'NOT_YET_RECRUITING' ? today + rng.int(10, 300) : submit + rng.int(-300, 200);
  const duration = Math.floor(rng.logNormal(900, 0.7));
  let primary = start + Math.floor(duration * 0.8);
  let completion = start + duration;
  if (PAST_ONLY.has(status) && completion > today) {
    completion = today - rng.int(1, 900);
    primary = Math.min(primary, completion);
  }
  if (!PAST_ONLY.has(status) && completion <= today) {
    completion = today + rng.int(30, 1500);
    primary = Math.min(Math.max(primary, today + 1), completion);
  }
  // No pile-up on the snapshot day: a draw that reaches it lands on it with the registry's daily share
  // (~1,000 of ~606,000 studies are updated on a weekday), else in the half year before. An incremental
  // sync's window starts a day before its watermark, so the base day's studies are fetched again.
  const past = (day: number) => (day < today ? day : rng.chance(0.002) ? today : today - 1 - rng.int(0, 180));
  let lastUpdate =
    status === 'UNKNOWN'
      ? Math.min(today - 2 * 365 - rng.int(0, 700), completion + rng.int(0, 200))
      : PAST_ONLY.has(status)
        ? past(completion + rng.int(1, 700))
        : past(today - Math.floor(rng.logNormal(120, 1)));
  lastUpdate = Math.max(lastUpdate, submit + 1);
  const posted = (day: number) => ({ date: isoDay(day), type: rng.chance(0.85) ? 'ACTUAL' : 'ESTIMATED' });
  const statusModule: Record<string, unknown> = {
    statusVerifiedDate: isoDay(Math.max(submit, lastUpdate - rng.int(0, 60))).slice(0, 7),
    overallStatus: status,
    ...(status === 'UNKNOWN' ? { lastKnownStatus: rng.pick(LAST_KNOWN) } : {}),
    ...(whyStopped ? { whyStopped } : {}),
    expandedAccessInfo: { hasExpandedAccess: rng.chance(0.01) },
    startDateStruct: partialDate(rng, start, today),
    ...(rng.chance(0.93) ? { primaryCompletionDateStruct: partialDate(rng, primary, today) } : {}),
    completionDateStruct: partialDate(rng, completion, today),
    studyFirstSubmitDate: isoDay(submit),
    studyFirstSubmitQcDate: isoDay(submit + rng.int(0, 20)),
    studyFirstPostDateStruct: posted(Math.min(today, submit + rng.int(1, 25))),
    lastUpdateSubmitDate: isoDay(lastUpdate - rng.int(0, 3)),
    lastUpdatePostDateStruct: posted(lastUpdate),
  };
  return { statusModule, lastUpdateDay: lastUpdate };
}

export function drawEnrollment(
  rng: Rng,
  status: OverallStatus | string,
): Record<string, unknown> | undefined {
  if (rng.chance(0.01)) return undefined;
  if (status === 'WITHDRAWN') return { count: 0, type: 'ACTUAL' };
  const count = Math.max(1, Math.round(rng.logNormal(60, 1.4)));
  const actual =
    status === 'COMPLETED' ||
    status === 'TERMINATED' ||
    status === 'UNKNOWN' ||
    status === 'ACTIVE_NOT_RECRUITING';
  if (rng.chance(0.05)) return { count };
  return { count, type: actual ? 'ACTUAL' : 'ESTIMATED' };
}

function age(rng: Rng, years: number): string {
  const form = rng.weighted(AGE_FORMS);
  const perYear: Record<string, number> = {
    Year: 1,
    Month: 12,
    Week: 52,
    Day: 365,
    Hour: 8760,
    Minute: 525_600,
  };
  const unit = form.replace(/s$/, '');
  if (form.endsWith('s')) return `${Math.max(2, Math.round(years * perYear[unit]!))} ${form}`;
  return `1 ${form}`;
}

/** minimumAge/maximumAge/stdAges: absent when there is no limit (the API's "N/A"). */
export function drawAges(rng: Rng, healthy: boolean): Record<string, unknown> {
  const minYears = rng.chance(0.12)
    ? rng.pick([0.05, 0.5, 2, 6, 12])
    : rng.pick([18, 18, 18, 18, 19, 20, 21, 40, 50, 65]);
  const hasMin = rng.chance(0.97);
  const maxYears = healthy ? rng.pick([45, 55, 65]) : rng.pick([17, 40, 64, 65, 70, 75, 80, 85, 99]);
  const hasMax = rng.chance(0.62) && maxYears > minYears;
  const stdAges: string[] = [];
  const lo = hasMin ? minYears : 0;
  const hi = hasMax ? maxYears : 200;
  if (lo < 18) stdAges.push('CHILD');
  if (lo <= 64 && hi >= 18) stdAges.push('ADULT');
  if (hi >= 65) stdAges.push('OLDER_ADULT');
  return {
    ...(hasMin ? { minimumAge: age(rng, minYears) } : {}),
    ...(hasMax ? { maximumAge: age(rng, maxYears) } : {}),
    stdAges,
  };
}
