import { describe, expect, it } from 'vitest';
import { daysInMonth, parseDay, parsePartialDate } from '../../src/transform/dates.ts';
import type { FieldWarning } from '../../src/transform/study-projection.ts';
import { loadStudyFixtures } from './study-fixtures.ts';

const PATH = 'protocolSection.statusModule.startDateStruct.date';

describe('parsePartialDate', () => {
  it.each([
    // yyyy-MM-dd and yyyy-MM are the forms in the fixtures (e.g. NCT02300909 start "2014-11", no type).
    ['2014-11', undefined, { date: '2014-11-01', end: '2014-11-30', precision: 'month', type: null }],
    ['2018-06', 'ACTUAL', { date: '2018-06-01', end: '2018-06-30', precision: 'month', type: 'ACTUAL' }],
    [
      '2024-02',
      'ESTIMATED',
      { date: '2024-02-01', end: '2024-02-29', precision: 'month', type: 'ESTIMATED' },
    ],
    [
      '2023-02',
      'ESTIMATED',
      { date: '2023-02-01', end: '2023-02-28', precision: 'month', type: 'ESTIMATED' },
    ],
    ['2014-11-18', undefined, { date: '2014-11-18', end: '2014-11-18', precision: 'day', type: null }],
    ['2024-12-31', 'ACTUAL', { date: '2024-12-31', end: '2024-12-31', precision: 'day', type: 'ACTUAL' }],
    // yyyy is allowed by the spec's PartialDate but absent from the fixtures.
    ['2019', 'ESTIMATED', { date: '2019-01-01', end: '2019-12-31', precision: 'year', type: 'ESTIMATED' }],
    // A future type value is carried as sent (validateStudy reports it).
    ['2019-03', 'PLANNED', { date: '2019-03-01', end: '2019-03-31', precision: 'month', type: 'PLANNED' }],
  ])('reads %j (%s) as an interval', (raw, type, expected) => {
    const warnings: FieldWarning[] = [];
    expect(parsePartialDate(raw, type, PATH, warnings)).toEqual({ ...expected, raw });
    expect(warnings).toEqual([]);
  });

  it('returns null without a warning when the date is absent', () => {
    const warnings: FieldWarning[] = [];
    expect(parsePartialDate(undefined, 'ACTUAL', PATH, warnings)).toBeNull();
    expect(warnings).toEqual([]);
  });

  it.each([
    ['2019-02-29'],
    ['2019-13'],
    ['2019-00'],
    ['2019-04-31'],
    ['03/2019'],
    ['March 2019'],
    ['2019-3'],
    [''],
  ])('returns null with a bad_date warning for %j', (raw) => {
    const warnings: FieldWarning[] = [];
    expect(parsePartialDate(raw, undefined, PATH, warnings)).toBeNull();
    expect(warnings).toEqual([
      { code: 'bad_date', path: PATH, message: `unreadable date ${JSON.stringify(raw)}` },
    ]);
  });

  it('reads every date in the fixtures (all date fields of every module)', () => {
    const unread: string[] = [];
    const walk = (value: unknown, key: string): void => {
      if (Array.isArray(value)) for (const item of value) walk(item, key);
      else if (value !== null && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) walk(v, k);
      } else if (typeof value === 'string' && /(Date|^date)$/.test(key) && key !== 'uploadDate') {
        if (parsePartialDate(value, undefined, key, []) === null) unread.push(`${key}=${value}`);
      }
    };
    for (const fixture of loadStudyFixtures()) walk(fixture.document, '');
    expect(unread).toEqual([]);
  });
});

describe('parseDay', () => {
  it('keeps a full date and widens a month to its first day (statusVerifiedDate "2018-08")', () => {
    expect(parseDay('2014-11-25', 'x', [])).toBe('2014-11-25');
    expect(parseDay('2018-08', 'x', [])).toBe('2018-08-01');
    expect(parseDay(undefined, 'x', [])).toBeNull();
  });
});

describe('daysInMonth', () => {
  it.each([
    [2024, 2, 29],
    [2023, 2, 28],
    [2000, 2, 29],
    [1900, 2, 28],
    [2023, 4, 30],
    [2023, 12, 31],
  ])('%i-%i has %i days', (year, month, days) => {
    expect(daysInMonth(year, month)).toBe(days);
  });
});
