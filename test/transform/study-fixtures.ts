/** The real study records of test/fixtures/ctgov/studies, read once per test file (never modified). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const STUDIES_DIR = join(import.meta.dirname, '..', 'fixtures', 'ctgov', 'studies');

export interface StudyFixture {
  file: string;
  /** The file's text, byte-exact. */
  text: string;
  /** A fresh parse of the text: tests may derive variants from it. */
  document: StudyDocument;
}

// The fixtures are trusted test data: typed loosely so tests can reach into them and derive variants.
// biome-ignore lint/suspicious/noExplicitAny: JSON documents of arbitrary shape
export type StudyDocument = Record<string, any>;

export function loadStudyFixtures(): StudyFixture[] {
  return readdirSync(STUDIES_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const text = readFileSync(join(STUDIES_DIR, file), 'utf8');
      return { file, text, document: JSON.parse(text) as StudyDocument };
    });
}

export function loadStudyFixture(nctId: string): StudyFixture {
  const text = readFileSync(join(STUDIES_DIR, `${nctId}.json`), 'utf8');
  return { file: `${nctId}.json`, text, document: JSON.parse(text) as StudyDocument };
}

/** Every value found at a key named `key` anywhere in the fixtures, with how often, for format tables. */
export function valuesOfKey(fixtures: readonly StudyFixture[], key: string): Map<unknown, number> {
  const found = new Map<unknown, number>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) for (const item of value) walk(item);
    else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (k === key && (v === null || typeof v !== 'object')) found.set(v, (found.get(v) ?? 0) + 1);
        walk(v);
      }
    }
  };
  for (const fixture of fixtures) walk(fixture.document);
  return found;
}
