import { describe, expect, it } from 'vitest';
import { parseAge } from '../../src/transform/ages.ts';
import type { FieldWarning } from '../../src/transform/study-projection.ts';
import { loadStudyFixtures, valuesOfKey } from './study-fixtures.ts';

const PATH = 'protocolSection.eligibilityModule.minimumAge';

function age(raw: string | undefined) {
  const warnings: FieldWarning[] = [];
  return { age: parseAge(raw, PATH, warnings), warnings };
}

describe('parseAge', () => {
  it.each([
    // Every unit form found in the fixtures, with its real value.
    ['18 Years', 6574.5, 18],
    ['1 Year', 365.25, 1],
    ['130 Years', 47482.5, 130],
    ['6 Months', 182.625, 0.5],
    ['1 Month', 30.4375, 0.083333],
    ['18 Months', 547.875, 1.5],
    ['30 Days', 30, 0.082136],
    ['18 Minutes', 0.0125, 0.000034],
    // Units the spec allows that the fixtures do not show.
    ['28 Days', 28, 0.07666],
    ['1 Day', 1, 0.002738],
    ['2 Weeks', 14, 0.03833],
    ['1 Week', 7, 0.019165],
    ['12 Hours', 0.5, 0.001369],
    ['1 Hour', 0.0417, 0.000114],
    ['1 Minute', 0.0007, 0.000002],
    // Case and spacing are not significant.
    ['18 years', 6574.5, 18],
    ['6 MONTHS', 182.625, 0.5],
    [' 65 Years ', 23741.25, 65],
  ])('reads %j as %d days, %d years', (raw, days, years) => {
    expect(age(raw)).toEqual({ age: { raw, days, years }, warnings: [] });
  });

  it.each([[undefined], ['N/A'], ['n/a'], ['']])('treats %j as no limit (null, no warning)', (raw) => {
    expect(age(raw)).toEqual({ age: null, warnings: [] });
  });

  it.each([['18'], ['eighteen years'], ['18 Decades'], ['-5 Years'], ['Years 18']])(
    'returns null with a bad_age warning for %j',
    (raw) => {
      expect(age(raw)).toEqual({
        age: null,
        warnings: [{ code: 'bad_age', path: PATH, message: `unreadable age ${JSON.stringify(raw)}` }],
      });
    },
  );

  it('reads every minimumAge and maximumAge present in the fixtures', () => {
    const fixtures = loadStudyFixtures();
    const values = [
      ...valuesOfKey(fixtures, 'minimumAge').keys(),
      ...valuesOfKey(fixtures, 'maximumAge').keys(),
    ];
    expect(values.length).toBeGreaterThan(40);
    const unread = values.filter((value) => age(String(value)).age === null);
    expect(unread).toEqual([]);
  });
});
