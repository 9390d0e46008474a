/**
 * Dates. Study dates (start, primary completion, completion) are PartialDateStructs whose `date` is
 * `yyyy`, `yyyy-MM` or `yyyy-MM-dd` with an optional `type` ACTUAL | ESTIMATED; system dates (first
 * submitted, posted, last update) are `yyyy-MM-dd`. No time zone anywhere.
 *
 * A partial date names a period, so it becomes the interval [date, end]: "2019-03" → date 2019-03-01,
 * end 2019-03-31, precision 'month'; "2019" → 2019-01-01 … 2019-12-31, precision 'year'. The day is never
 * faked silently: `precision` says how much of `date` is real.
 *
 * Range searches: a filter [from, to] matches a study date when the two intervals overlap, that is
 * `date <= to AND end >= from`. So "started in 2019" (2019-01-01 … 2019-12-31) matches a start of
 * "2019-03" and a start of "2019", and a filter from 2019-03-15 still matches "2019-03" (the study may
 * have started that day). Sorting uses `date`.
 *
 * A date in any other form (or an impossible one: 2019-02-30, month 13) → null and a `bad_date` warning;
 * the raw document keeps it.
 */
import type { DatePrecision, FieldWarning } from './study-projection.ts';

export interface PartialDate {
  /** First day of the period, `yyyy-MM-dd`. */
  date: string;
  /** Last day of the period, `yyyy-MM-dd` (= date for precision 'day'). */
  end: string;
  precision: DatePrecision;
  /** ACTUAL | ESTIMATED as sent (open enum), null when absent (common in old records). */
  type: string | null;
  /** The string as sent. */
  raw: string;
}

const PARTIAL_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

export function parsePartialDate(
  raw: string | undefined,
  type: string | undefined,
  path: string,
  warnings: FieldWarning[],
): PartialDate | null {
  if (raw === undefined) return null;
  const match = PARTIAL_DATE.exec(raw.trim());
  const year = match === null ? Number.NaN : Number(match[1]);
  const month = match?.[2] === undefined ? undefined : Number(match[2]);
  const day = match?.[3] === undefined ? undefined : Number(match[3]);
  const valid =
    match !== null &&
    year >= 1 &&
    (month === undefined || (month >= 1 && month <= 12)) &&
    (day === undefined || (day >= 1 && day <= daysInMonth(year, month ?? 1)));
  if (!valid) {
    warnings.push({ code: 'bad_date', path, message: `unreadable date ${JSON.stringify(raw)}` });
    return null;
  }
  const yyyy = match[1]!;
  const kind = type ?? null;
  if (month === undefined)
    return { date: `${yyyy}-01-01`, end: `${yyyy}-12-31`, precision: 'year', type: kind, raw };
  const mm = match[2]!;
  if (day === undefined) {
    const last = String(daysInMonth(year, month)).padStart(2, '0');
    return { date: `${yyyy}-${mm}-01`, end: `${yyyy}-${mm}-${last}`, precision: 'month', type: kind, raw };
  }
  const iso = `${yyyy}-${mm}-${match[3]!}`;
  return { date: iso, end: iso, precision: 'day', type: kind, raw };
}

/**
 * A date column that holds one day: the first day of the period (a system date is always a full day;
 * `statusVerifiedDate` is `yyyy-MM` and is stored as the month's first day). Invalid → null + `bad_date`.
 */
export function parseDay(raw: string | undefined, path: string, warnings: FieldWarning[]): string | null {
  return parsePartialDate(raw, undefined, path, warnings)?.date ?? null;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
