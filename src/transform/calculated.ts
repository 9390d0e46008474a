/**
 * Calculated values, after AACT's `calculated_values` table, so analyses written against AACT carry over.
 *
 * - number_of_facilities = number of `locations`; has_single_facility = exactly one;
 *   has_us_facility = any site with country "United States" (the API's spelling).
 * - were_results_reported = `hasResults` is true or a `resultsSection` is present.
 * - actual_duration: whole months from the start date to the primary completion date, only when both
 *   are ACTUAL. months_to_report_results: whole months from the primary completion date to the first
 *   results SUBMISSION (resultsFirstSubmitDate, not the later posting), whatever the completion type.
 *   AACT's rule: a date without a day counts as the LAST day of its month; the difference in days is
 *   divided by the ActiveSupport month (30.436875 days = 1/12 of 365.2425) and rounded to the nearest
 *   integer, halves away from zero (Ruby's `round`). A year-only date gives null (AACT cannot read it).
 * - registered_in_calendar_year = year of studyFirstSubmitDate.
 * - number_of_arms = number of armGroups; outcome counts = lengths of the three outcome lists.
 */
import type { Study } from '../validate/study-schema.ts';
import type { PartialDate } from './dates.ts';
import type { StudyRow } from './study-projection.ts';

const DAYS_PER_AACT_MONTH = 30.436875;
const MS_PER_DAY = 86_400_000;

export type CalculatedFields = Pick<
  StudyRow,
  | 'number_of_facilities'
  | 'has_single_facility'
  | 'has_us_facility'
  | 'were_results_reported'
  | 'actual_duration'
  | 'months_to_report_results'
  | 'registered_in_calendar_year'
  | 'number_of_arms'
  | 'number_of_primary_outcomes'
  | 'number_of_secondary_outcomes'
  | 'number_of_other_outcomes'
>;

export interface CalculationInputs {
  study: Study;
  countries: readonly string[];
  start: PartialDate | null;
  primaryCompletion: PartialDate | null;
  /** resultsFirstSubmitDate, `yyyy-MM-dd`. */
  resultsFirstSubmit: string | null;
  /** studyFirstSubmitDate, `yyyy-MM-dd`. */
  studyFirstSubmit: string | null;
}

export function calculateValues(input: CalculationInputs): CalculatedFields {
  const protocol = input.study.protocolSection;
  const facilities = protocol?.contactsLocationsModule?.locations?.length ?? 0;
  const outcomes = protocol?.outcomesModule;
  const bothActual = input.start?.type === 'ACTUAL' && input.primaryCompletion?.type === 'ACTUAL';
  return {
    number_of_facilities: facilities,
    has_single_facility: facilities === 1,
    has_us_facility: input.countries.includes('United States'),
    were_results_reported: input.study.hasResults === true || input.study.resultsSection !== undefined,
    actual_duration: bothActual
      ? monthsBetween(aactDay(input.start), aactDay(input.primaryCompletion))
      : null,
    months_to_report_results: monthsBetween(aactDay(input.primaryCompletion), input.resultsFirstSubmit),
    registered_in_calendar_year:
      input.studyFirstSubmit === null ? null : Number(input.studyFirstSubmit.slice(0, 4)),
    number_of_arms: protocol?.armsInterventionsModule?.armGroups?.length ?? 0,
    number_of_primary_outcomes: outcomes?.primaryOutcomes?.length ?? 0,
    number_of_secondary_outcomes: outcomes?.secondaryOutcomes?.length ?? 0,
    number_of_other_outcomes: outcomes?.otherOutcomes?.length ?? 0,
  };
}

/** The day AACT uses for a partial date: the day itself, or the month's last day; null for a year. */
export function aactDay(date: PartialDate | null): string | null {
  if (date === null || date.precision === 'year') return null;
  return date.end;
}

/** Whole months from `from` to `to` (`yyyy-MM-dd`), AACT-rounded; negative when `to` is earlier. */
export function monthsBetween(from: string | null, to: string | null): number | null {
  if (from === null || to === null) return null;
  const days = (Date.parse(to) - Date.parse(from)) / MS_PER_DAY;
  if (Number.isNaN(days)) return null;
  const months = days / DAYS_PER_AACT_MONTH;
  // Half away from zero: Math.round would turn -2.5 into -2.
  return Math.sign(months) * Math.round(Math.abs(months)) || 0;
}
