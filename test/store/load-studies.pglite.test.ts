import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.ts';
import { loadStudies } from '../../src/store/load-studies.ts';
import { migrate } from '../../src/store/migrate.ts';
import { openPgliteDb } from '../../src/store/pglite-db.ts';
import { rebuildStudies } from '../../src/store/rebuild-studies.ts';
import { listSecondaryIndexes } from '../../src/store/secondary-indexes.ts';
import { fixtureRecords, insertRun, stream, studyHashes, tableCounts } from './support/fixture-records.ts';

describe('loadStudies on the embedded engine (PGlite smoke)', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openPgliteDb('memory://');
    await migrate(db);
    for (const run of ['p1', 'p2']) await insertRun(db, run);
  });
  afterAll(async () => db.close());

  it('loads all fixtures with the same code, COPY through the blob adapter, and rebuilds its indexes', async () => {
    const indexes = await listSecondaryIndexes(db);
    const result = await loadStudies(db, stream(fixtureRecords()), { runId: 'p1', batchSize: 100 });
    expect(result.errors).toEqual([]);
    expect(result.counts).toMatchObject({ fetched: 206, inserted: 206, quarantined: 0 });
    expect(result.indexesRebuilt.length).toBe(indexes.length);
    const counts = await tableCounts(db);
    expect(counts.studies).toBe(206);
    expect(counts.study_documents).toBe(206);
    expect(counts.study_conditions).toBeGreaterThan(206);
    const hits = await db.query<{ n: number }>(
      `select count(*)::int as n from studies where search_vector @@ websearch_to_tsquery('english', 'cancer')`,
    );
    expect(hits.rows[0]?.n).toBeGreaterThan(0);
  });

  it('skips every study on a second load and rebuilds from the stored documents', async () => {
    const hashes = await studyHashes(db);
    const again = await loadStudies(db, stream(fixtureRecords()), { runId: 'p2' });
    expect(again.counts).toMatchObject({ fetched: 206, unchanged: 206, inserted: 0, updated: 0 });
    const rebuilt = await rebuildStudies(db);
    expect(rebuilt.counts).toMatchObject({ studies: 206, rebuilt: 206, failed: 0 });
    expect(await studyHashes(db)).toEqual(hashes);
  });
});
