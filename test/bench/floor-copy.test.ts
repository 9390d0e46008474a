/**
 * The load benchmark's floor (bench/support/floor-copy.ts) stores exactly the rows the loader stores: the
 * studies' columns and every vector, the documents and the child rows, compared table by table after the
 * loader and the floor's COPYs each took the 206 real studies. Otherwise the floor would not bound the
 * loader's rate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FLOOR_STUDIES,
  FLOOR_TABLES,
  FLOOR_VECTORS,
  floorLines,
  floorStudiesTableSql,
} from '../../bench/support/floor-copy.ts';
import type { Queryable } from '../../src/store/db.ts';
import { loadStudies } from '../../src/store/load-studies.ts';
import { dropSecondaryIndexes } from '../../src/store/secondary-indexes.ts';
import { STUDY_ROW_COLUMNS } from '../../src/store/study-columns.ts';
import { projectStudy } from '../../src/transform/project-study.ts';
import { fixtureRecords, insertRun, stream } from '../store/support/fixture-records.ts';
import { createTestDb, type TestDb } from '../support/db.ts';

/** Each row of `sql` as its text, in the query's order. */
async function rowTexts(db: Queryable, sql: string): Promise<string[]> {
  const { rows } = await db.query<{ row: string }>(`select t::text as row from (${sql}) t`);
  return rows.map((r) => r.row);
}

describe("the load benchmark's floor", () => {
  let loaded: TestDb;
  let floor: TestDb;
  beforeAll(async () => {
    [loaded, floor] = await Promise.all([createTestDb(), createTestDb()]);
    await insertRun(loaded.db, 'run-1');
    const result = await loadStudies(loaded.db, stream(fixtureRecords()), { runId: 'run-1', batchSize: 50 });
    expect(result.status).toBe('succeeded');

    await dropSecondaryIndexes(floor.db);
    await floor.db.exec(floorStudiesTableSql());
    const texts = new Map(FLOOR_TABLES.map(({ table }) => [table, '']));
    for (const record of fixtureRecords()) {
      const outcome = projectStudy(record);
      if (!outcome.ok) throw new Error(`${record.source} does not project`);
      for (const [table, text] of floorLines(outcome.study, record.json))
        texts.set(table, texts.get(table)! + text);
    }
    for (const { table, columns } of FLOOR_TABLES) {
      const text = texts.get(table)!;
      if (text) await floor.db.copyFrom(table, columns, text);
    }
  });
  afterAll(async () => Promise.all([loaded?.drop(), floor?.drop()]));

  it("holds the studies' columns and vectors as the loader stores them", async () => {
    const columns = [...STUDY_ROW_COLUMNS, 'content_hash', ...FLOOR_VECTORS].join(', ');
    const ours = await rowTexts(loaded.db, `select ${columns} from studies order by nct_id`);
    expect(ours).toHaveLength(206);
    expect(await rowTexts(floor.db, `select ${columns} from ${FLOOR_STUDIES} order by nct_id`)).toEqual(ours);
  });

  it('holds the documents and every child row as the loader stores them', async () => {
    for (const { table } of FLOOR_TABLES.slice(1)) {
      const order = table === 'study_documents' ? 'nct_id' : 'nct_id, ord';
      const ours = await rowTexts(loaded.db, `select * from ${table} order by ${order}`);
      expect(ours.length, table).toBeGreaterThan(0);
      expect(await rowTexts(floor.db, `select * from ${table} order by ${order}`), table).toEqual(ours);
    }
  });
});
