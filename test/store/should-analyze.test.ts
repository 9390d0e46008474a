import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeStudyTables, shouldAnalyze } from '../../src/store/index-phase.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { loadFixtures } from '../support/load-fixtures.ts';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t?.drop();
});

describe('shouldAnalyze', () => {
  it('analyzes a never-analyzed table, after an index phase, and when a tenth of the studies changed', async () => {
    expect(await shouldAnalyze(t.db, 0, 0)).toBe(false);
    expect(await shouldAnalyze(t.db, 1, 0)).toBe(true); // never analyzed: reltuples is -1
    await loadFixtures(t.db);
    await analyzeStudyTables(t.db);
    // 206 studies: a delta of 20 is under a tenth, 21 is not; an index phase always analyzes.
    expect(await shouldAnalyze(t.db, 20, 0)).toBe(false);
    expect(await shouldAnalyze(t.db, 21, 0)).toBe(true);
    expect(await shouldAnalyze(t.db, 0, 3)).toBe(true);
  });
});
