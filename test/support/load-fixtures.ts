/**
 * The 206 real fixture studies (test/fixtures/ctgov/studies), loaded through the real loader into a test
 * database, with the search terms refreshed as after a production load. Tests that assert search results
 * compute their expectations from the same JSON files (`fixtureDocuments`), independently of the loader.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { refreshSearchTerms } from '../../src/search/refresh-search-terms.ts';
import type { Db } from '../../src/store/db.ts';
import { loadStudies } from '../../src/store/load-studies.ts';

export const FIXTURE_STUDIES_DIR = join(import.meta.dirname, '..', 'fixtures', 'ctgov', 'studies');

// Trusted test data of arbitrary shape: typed loosely so tests can reach into it.
// biome-ignore lint/suspicious/noExplicitAny: JSON documents
export type FixtureDocument = Record<string, any>;

/** Every fixture study document, sorted by file name (= NCT id). */
export function fixtureDocuments(): FixtureDocument[] {
  return readdirSync(FIXTURE_STUDIES_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => JSON.parse(readFileSync(join(FIXTURE_STUDIES_DIR, file), 'utf8')) as FixtureDocument);
}

/** Loads every fixture study into `db` (one run 'fixtures') and refreshes the search terms. */
export async function loadFixtures(db: Db): Promise<void> {
  await db.query(`insert into runs (id, kind) values ('fixtures', 'load')`);
  const files = readdirSync(FIXTURE_STUDIES_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort();
  async function* records() {
    for (const file of files)
      yield { json: readFileSync(join(FIXTURE_STUDIES_DIR, file), 'utf8'), source: `fixtures/${file}` };
  }
  const result = await loadStudies(db, records(), { runId: 'fixtures' });
  if (result.status !== 'succeeded' || result.counts.inserted !== files.length)
    throw new Error(`Loading the fixtures failed: ${result.status} ${result.errors.join('; ')}`);
  await refreshSearchTerms(db);
}
