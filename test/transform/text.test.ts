import { describe, expect, it } from 'vitest';
import type { FieldWarning } from '../../src/transform/study-projection.ts';
import { cleanMarkup, cleanText, searchText, unescapeMarkdown } from '../../src/transform/text.ts';
import { loadStudyFixtures } from './study-fixtures.ts';

describe('unescapeMarkdown', () => {
  // Every backslash escape that occurs in the fixtures' text, in a real context.
  it.each([
    ['TG \\<= 150 mg/dL', 'TG <= 150 mg/dL'],
    ['age \\> 18 years', 'age > 18 years'],
    ['\\[18F\\]FDG PET', '[18F]FDG PET'],
    ['10\\^9/L', '10^9/L'],
    ['\\~ 30 minutes', '~ 30 minutes'],
    ['1\\. Inclusion', '1. Inclusion'],
    ['Johnson \\& Johnson', 'Johnson & Johnson'],
    ['\\*Note', '*Note'],
    ['\\- item', '- item'],
    ['snake\\_case', 'snake_case'],
    ['C:\\\\path', 'C:\\path'],
    // A backslash before a non-punctuation character is not an escape and stays.
    ['\\alpha and \\1', '\\alpha and \\1'],
    // `\\<` is an escaped backslash followed by a plain `<`.
    ['a \\\\< b', 'a \\< b'],
  ])('turns %j into %j', (escaped, plain) => {
    expect(unescapeMarkdown(escaped)).toBe(plain);
  });

  it('leaves no escaped punctuation in any fixture text', () => {
    const remaining = new Set<string>();
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) for (const item of value) walk(item);
      else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) walk(v);
      else if (typeof value === 'string') {
        for (const match of unescapeMarkdown(value).matchAll(/\\[<>[\]^~.&*\-_]/g)) remaining.add(match[0]);
      }
    };
    let escapes = 0;
    for (const fixture of loadStudyFixtures()) {
      escapes += fixture.text.match(/\\\\[<>[\]^~.&*\-_]/g)?.length ?? 0;
      walk(fixture.document);
    }
    expect(escapes).toBeGreaterThan(1000);
    // Only escaped backslashes followed by punctuation could remain, and none do in the fixtures.
    expect([...remaining]).toEqual([]);
  });
});

describe('cleanText', () => {
  it('removes NUL and other C0 controls, keeps tab, newline and carriage return, and warns', () => {
    const warnings: FieldWarning[] = [];
    expect(cleanText('Bad\u0000 text\u0007\tend\r\n', 'p.q', warnings)).toBe('Bad text\tend\r\n');
    expect(warnings).toEqual([
      { code: 'control_chars', path: 'p.q', message: 'removed 2 control character(s) from the typed column' },
    ]);
  });

  it('returns clean text as it is, without a warning, and null for an absent field', () => {
    const warnings: FieldWarning[] = [];
    expect(cleanText('Inclusion Criteria:\n\n* Age ≥ 18', 'p', warnings)).toBe(
      'Inclusion Criteria:\n\n* Age ≥ 18',
    );
    expect(cleanText(undefined, 'p', warnings)).toBeNull();
    expect(warnings).toEqual([]);
  });
});

describe('cleanMarkup and searchText', () => {
  it('resolve escapes and drop controls: the column warns, the search text does not', () => {
    const warnings: FieldWarning[] = [];
    expect(cleanMarkup('TG \\<= 150\u0000', 'p', warnings)).toBe('TG <= 150');
    expect(warnings.map((w) => w.code)).toEqual(['control_chars']);
    expect(searchText('TG \\<= 150\u0000mg')).toBe('TG <= 150 mg');
    expect(searchText(null)).toBe('');
  });
});
