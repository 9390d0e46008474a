import { describe, expect, it } from 'vitest';
import { aactDay, monthsBetween } from '../../src/transform/calculated.ts';
import { projectStudy } from '../../src/transform/project-study.ts';
import { loadStudyFixture } from './study-fixtures.ts';

function rowOf(nctId: string) {
  const outcome = projectStudy({ json: loadStudyFixture(nctId).text, source: nctId });
  if (!outcome.ok) throw new Error(outcome.quarantine.message);
  return outcome.study.row;
}

describe('monthsBetween (AACT rounding: days / 30.436875, halves away from zero)', () => {
  it.each([
    ['2020-07-21', '2023-02-10', 31], // 934 days = 30.69 months
    ['2011-05-31', '2011-11-16', 6], // 169 days = 5.55
    ['2020-01-01', '2020-01-16', 0], // 15 days = 0.49
    ['2020-01-01', '2020-01-17', 1], // 16 days = 0.53
    ['2020-02-01', '2020-01-01', -1], // a date before the other gives a negative count
    ['2020-01-01', null, null],
    [null, '2020-01-01', null],
  ])('%s → %s = %s months', (from, to, months) => {
    expect(monthsBetween(from, to)).toBe(months);
  });
});

describe('aactDay', () => {
  it('uses the day, the last day of a month, and nothing for a year', () => {
    const base = { type: null, raw: '' };
    expect(aactDay({ ...base, date: '2020-07-21', end: '2020-07-21', precision: 'day' })).toBe('2020-07-21');
    expect(aactDay({ ...base, date: '2011-05-01', end: '2011-05-31', precision: 'month' })).toBe(
      '2011-05-31',
    );
    expect(aactDay({ ...base, date: '2011-01-01', end: '2011-12-31', precision: 'year' })).toBeNull();
    expect(aactDay(null)).toBeNull();
  });
});

describe('calculated values of real studies', () => {
  it('NCT04431453: both dates ACTUAL, results submitted 2023-11-28, 2020 registration, US sites', () => {
    expect(rowOf('NCT04431453')).toMatchObject({
      actual_duration: 31,
      months_to_report_results: 10,
      registered_in_calendar_year: 2020,
      were_results_reported: true,
      has_us_facility: true,
      has_single_facility: false,
    });
  });

  it('NCT00712335: start without type → no actual_duration; completion 2011-05 → results in 6 months', () => {
    expect(rowOf('NCT00712335')).toMatchObject({
      start_date_type: null,
      actual_duration: null,
      months_to_report_results: 6,
      registered_in_calendar_year: 2008,
      were_results_reported: true,
      number_of_arms: 5,
      number_of_primary_outcomes: 1,
      number_of_secondary_outcomes: 6,
      number_of_other_outcomes: 0,
      number_of_facilities: 1,
      has_single_facility: true,
      has_us_facility: false,
    });
  });

  it('NCT00258583: one US site, no results', () => {
    expect(rowOf('NCT00258583')).toMatchObject({
      number_of_facilities: 1,
      has_single_facility: true,
      has_us_facility: true,
      were_results_reported: false,
      months_to_report_results: null,
    });
  });
});
