import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStudies } from '../../src/store/load-studies.ts';
import { rebuildStudies } from '../../src/store/rebuild-studies.ts';
import { projectStudy } from '../../src/transform/project-study.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { fixtureRecords, insertRun, rowVersions, stream, tableCounts } from './support/fixture-records.ts';

/** Everything derived: the typed row (as text), the search vector, and the child rows. */
async function derivedState(t: TestDb): Promise<string[]> {
  const { rows } = await t.db.query<{ line: string }>(
    `select s::text as line from (
       select nct_id, brief_title, conditions, overall_status, search_vector::text, version, changed_at, content_hash
       from studies) s order by 1`,
  );
  const children = await t.db.query<{ line: string }>(
    `select 'c ' || c::text as line from study_conditions c
     union all select 'l ' || l::text from study_locations l
     union all select 'm ' || m::text from study_mesh m order by 1`,
  );
  return [...rows, ...children.rows].map((r) => r.line);
}

describe('rebuildStudies', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
    await insertRun(t.db, 'r1');
    await loadStudies(t.db, stream(fixtureRecords()), { runId: 'r1' });
  });
  afterAll(async () => t.drop());

  it('re-derives typed columns, child rows and search vectors from the stored documents alone', async () => {
    const expected = await derivedState(t);
    const counts = await tableCounts(t.db);
    // Damage what a transform bug would have produced: wrong columns, empty vectors, lost children.
    await t.db.exec(`
      update studies set brief_title = 'wrong', conditions = '{}', search_vector = ''::tsvector;
      delete from study_conditions where ord > 0;
      delete from study_locations;`);
    expect(await derivedState(t)).not.toEqual(expected);

    const progress: number[] = [];
    const result = await rebuildStudies(t.db, { batchSize: 40, onProgress: (p) => progress.push(p.studies) });
    expect(result.errors).toEqual([]);
    expect(result.status).toBe('succeeded');
    expect(result.counts).toMatchObject({ studies: 206, rebuilt: 206, failed: 0, batches: 6 });
    expect(progress.at(-1)).toBe(206);
    expect(await derivedState(t)).toEqual(expected);
    expect(await tableCounts(t.db)).toEqual(counts);
  });

  it('uses the transform it is given, and keeps versions, documents and run ids', async () => {
    const documents = (await rowVersions(t.db)).filter((line) => line.startsWith('study_documents '));
    const result = await rebuildStudies(t.db, {
      project: (record) => {
        const outcome = projectStudy(record);
        if (outcome.ok) outcome.study.row.brief_title = `fixed: ${outcome.study.row.brief_title}`;
        return outcome;
      },
    });
    expect(result.counts.rebuilt).toBe(206);
    const { rows } = await t.db.query<{ n: number; v: number; runs: number }>(
      `select count(*) filter (where brief_title like 'fixed: %')::int as n, max(version)::int as v,
              count(distinct last_run_id)::int as runs
       from studies`,
    );
    expect(rows[0]).toEqual({ n: 206, v: 1, runs: 1 });
    expect((await rowVersions(t.db)).filter((line) => line.startsWith('study_documents '))).toEqual(
      documents,
    );
  });
});
