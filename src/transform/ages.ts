/**
 * Eligibility ages. The API sends a NormalizedTime `"<n> <Unit>"` (spec regex
 * `^\d+ (Year|Years|Month|Months|Week|Weeks|Day|Days|Hour|Hours|Minute|Minutes)$`); "no limit" is an
 * absent key (the legacy API and the website say "N/A"). Real values: "18 Years", "1 Year", "6 Months",
 * "1 Month", "28 Days", and "18 Minutes" (NCT01809093, a data-entry quirk kept as given).
 *
 * Units are converted with calendar averages so that ages compare across units: a year is 365.25 days,
 * a month 30.4375 days (365.25 / 12), a week 7 days. `days` is rounded to 4 decimals (an 18-minute age is
 * 0.0125 days), `years` to 6 decimals (6 Months = 0.5, 28 Days = 0.076660).
 */
import type { FieldWarning } from './study-projection.ts';

export interface Age {
  /** The string as sent, e.g. "18 Years". */
  raw: string;
  days: number;
  years: number;
}

export const DAYS_PER_YEAR = 365.25;
export const DAYS_PER_MONTH = DAYS_PER_YEAR / 12;

const DAYS_PER_UNIT: Readonly<Record<string, number>> = {
  year: DAYS_PER_YEAR,
  month: DAYS_PER_MONTH,
  week: 7,
  day: 1,
  hour: 1 / 24,
  minute: 1 / 1440,
};

/** Singular or plural unit, any case; a decimal count is accepted although the spec only shows integers. */
const AGE_PATTERN = /^(\d+(?:\.\d+)?)\s*(year|month|week|day|hour|minute)s?$/i;

/**
 * `"6 Months"` → `{ raw, days: 182.625, years: 0.5 }`. Absent or "N/A" → null (no limit). Anything else
 * → null and a `bad_age` warning at `path`.
 */
export function parseAge(raw: string | undefined, path: string, warnings: FieldWarning[]): Age | null {
  if (raw === undefined) return null;
  const text = raw.trim();
  if (text === '' || text.toUpperCase() === 'N/A') return null;
  const match = AGE_PATTERN.exec(text);
  const perUnit = match === null ? undefined : DAYS_PER_UNIT[match[2]!.toLowerCase()];
  if (match === null || perUnit === undefined) {
    warnings.push({ code: 'bad_age', path, message: `unreadable age ${JSON.stringify(raw)}` });
    return null;
  }
  const days = Number(match[1]) * perUnit;
  return { raw, days: round(days, 4), years: round(days / DAYS_PER_YEAR, 6) };
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
