import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db, Queryable } from '../../src/store/db.ts';
import { loadStudies } from '../../src/store/load-studies.ts';
import {
  dropSecondaryIndexes,
  listForeignKeys,
  listSecondaryIndexes,
} from '../../src/store/secondary-indexes.ts';
import { STUDY_ROW_COLUMNS } from '../../src/store/study-columns.ts';
import { projectStudy } from '../../src/transform/project-study.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import {
  fixtureRecords,
  fixtureStudies,
  insertRun,
  nctIdOf,
  renamed,
  stream,
  tableCounts,
  variant,
} from './support/fixture-records.ts';

const studies = fixtureStudies();

/** The foreign keys to `studies`, and whether each is validated (enforced for rows already there too). */
async function foreignKeys(db: Queryable) {
  const { rows } = await db.query<{ key: string; validated: boolean }>(
    `select conrelid::regclass::text || '.' || conname || ' ' || pg_get_constraintdef(oid) as key,
            convalidated as validated
     from pg_constraint where contype = 'f' and confrelid = 'studies'::regclass order by 1`,
  );
  return rows;
}
const sumOfBuckets = (c: {
  inserted: number;
  updated: number;
  unchanged: number;
  quarantined: number;
  duplicates: number;
}) => c.inserted + c.updated + c.unchanged + c.quarantined + c.duplicates;

describe('loadStudies across runs', () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await createTestDb();
    for (const run of ['r1', 'r2', 'r3']) await insertRun(t.db, run);
  });
  afterEach(async () => t.drop());

  it('quarantines only the malformed records, with their text and reason, and the counts add up', async () => {
    const records = fixtureRecords();
    const broken = { json: records[3]!.json.slice(0, 500), source: 'pages/000001.json#3' };
    const noId = variant(
      studies[4]!,
      (copy) => {
        copy.protocolSection.identificationModule.nctId = 'NCT123';
      },
      'pages/000001.json#4',
    );
    const input = [...records.slice(0, 3), broken, noId, ...records.slice(5)];
    const result = await loadStudies(t.db, stream(input), { runId: 'r1', batchSize: 30 });
    expect(result.status).toBe('succeeded');
    expect(result.counts).toMatchObject({ fetched: 206, inserted: 204, quarantined: 2, duplicates: 0 });
    expect(sumOfBuckets(result.counts)).toBe(result.counts.fetched);

    const { rows } = await t.db.query<{
      run_id: string;
      nct_id: string | null;
      source: string;
      raw: string;
      message: string;
    }>('select run_id, nct_id, source, raw, message from quarantine order by source');
    expect(rows.map((r) => [r.run_id, r.source])).toEqual([
      ['r1', 'pages/000001.json#3'],
      ['r1', 'pages/000001.json#4'],
    ]);
    expect(rows[0]?.raw).toBe(broken.json);
    expect(rows[0]?.nct_id).toBe(nctIdOf(studies[3]!));
    expect(rows[0]?.message).toMatch(/JSON/);
    expect(rows[1]?.raw).toBe(noId.json);
    expect(rows[1]?.message).not.toBe('');
    expect((await tableCounts(t.db)).studies).toBe(204);
  });

  it('keeps the version with the latest lastUpdatePostDate when a study comes twice, in one batch or across batches', async () => {
    const [a, b] = [studies[10]!, studies[20]!];
    const newer = (s: (typeof studies)[number], title: string) =>
      variant(s, (copy) => {
        copy.protocolSection.identificationModule.briefTitle = title;
        copy.protocolSection.statusModule.lastUpdatePostDateStruct = { date: '2030-01-02' };
      });
    const records = fixtureRecords();
    // a: the newer version first, the older one later (in a later batch): the newer stays.
    // b: the older version first, the newer one later (in a later batch): the newer replaces it.
    // c: the same record twice in one batch.
    const input = [newer(a, 'A newer'), ...records, newer(b, 'B newer'), records[30]!];
    const result = await loadStudies(t.db, stream(input), { runId: 'r1', batchSize: 25 });
    expect(result.counts).toMatchObject({ fetched: 209, duplicates: 3, inserted: 206, quarantined: 0 });
    expect(sumOfBuckets(result.counts)).toBe(result.counts.fetched);
    const { rows } = await t.db.query<{ nct_id: string; brief_title: string; version: number }>(
      'select nct_id, brief_title, version from studies where nct_id = any($1) order by nct_id',
      [[nctIdOf(a), nctIdOf(b)]],
    );
    expect(rows.map((r) => r.brief_title).sort()).toEqual(['A newer', 'B newer']);
    expect((await tableCounts(t.db)).studies).toBe(206);
  });

  it('marks studies missing from a full snapshot as removed, and restores one that reappears', async () => {
    await loadStudies(t.db, stream(fixtureRecords()), { runId: 'r1' });
    const gone = studies.slice(0, 3).map(nctIdOf);
    const snapshot = fixtureRecords().slice(3);
    const result = await loadStudies(t.db, stream(snapshot), { runId: 'r2', snapshot: true });
    expect(result.counts).toMatchObject({ fetched: 203, unchanged: 203, removed: 3 });
    const removed = await t.db.query<{ nct_id: string; removed_reason: string }>(
      'select nct_id, removed_reason from studies where removed_at is not null order by nct_id',
    );
    expect(removed.rows).toEqual(
      gone.sort().map((nct_id) => ({ nct_id, removed_reason: 'missing_from_snapshot' })),
    );
    expect((await tableCounts(t.db)).studies).toBe(206);

    const back = await loadStudies(t.db, stream(fixtureRecords().slice(0, 1)), { runId: 'r3' });
    expect(back.counts).toMatchObject({ fetched: 1, updated: 1, restored: 1, removed: 0 });
    const { rows } = await t.db.query<{ removed_at: Date | null; version: number }>(
      'select removed_at, removed_reason, version from studies where nct_id = $1',
      [nctIdOf(studies[0]!)],
    );
    expect(rows[0]).toMatchObject({ removed_at: null, removed_reason: null, version: 1 });
    const run = await t.db.query<{ n: number }>(`select count(*)::int as n from run_seen`);
    expect(run.rows[0]?.n).toBe(0);
  });

  it('does not mark anything removed when a snapshot run does not complete', async () => {
    await loadStudies(t.db, stream(fixtureRecords()), { runId: 'r1' });
    const controller = new AbortController();
    const result = await loadStudies(t.db, stream(fixtureRecords()), {
      runId: 'r2',
      snapshot: true,
      batchSize: 20,
      concurrency: 1,
      signal: controller.signal,
      onProgress: (p) => p.batches === 2 && controller.abort(),
    });
    expect(result.status).toBe('aborted');
    expect(result.counts.removed).toBe(0);
    expect(result.counts.fetched).toBeLessThan(206);
    expect(sumOfBuckets(result.counts)).toBe(result.counts.fetched);
    const { rows } = await t.db.query<{ n: number }>(
      'select count(*)::int as n from studies where removed_at is not null',
    );
    expect(rows[0]?.n).toBe(0);
  });

  it('marks a study listed among another study’s nctIdAliases as merged into it, keeping its row', async () => {
    const canonical = studies.find((s) => nctIdOf(s) === 'NCT02300909')!;
    const alias = canonical.protocolSection.identificationModule.nctIdAliases![0]!;
    await loadStudies(t.db, stream([renamed(studies[0]!, alias)]), { runId: 'r1' });
    const result = await loadStudies(t.db, stream(fixtureRecords()), { runId: 'r2' });
    expect(result.counts).toMatchObject({ fetched: 206, inserted: 206, merged: 1 });
    const { rows } = await t.db.query<{ removed_reason: string; merged_into: string; removed: boolean }>(
      'select removed_reason, merged_into, removed_at is not null as removed from studies where nct_id = $1',
      [alias],
    );
    expect(rows[0]).toEqual({ removed_reason: 'merged', merged_into: 'NCT02300909', removed: true });
    const again = await loadStudies(t.db, stream(fixtureRecords()), { runId: 'r3', snapshot: true });
    expect(again.counts).toMatchObject({ unchanged: 206, merged: 0, removed: 0 });
  });

  it('drops the secondary indexes and foreign keys for an initial load and rebuilds them after, leaving none pending', async () => {
    const before = await listSecondaryIndexes(t.db);
    expect(before.length).toBeGreaterThan(3);
    const keysBefore = await foreignKeys(t.db);
    expect(keysBefore.length).toBe(12);
    expect(keysBefore.every((k) => k.validated)).toBe(true);
    let keysDuringLoad: Promise<unknown[]> | undefined;
    const result = await loadStudies(t.db, stream(fixtureRecords()), {
      runId: 'r1',
      batchSize: 100,
      project: (record) => {
        // While the load writes, its child tables check no key.
        if (record.source === 'fixtures#150') keysDuringLoad = listForeignKeys(t.db);
        return projectStudy(record);
      },
    });
    expect(await keysDuringLoad).toEqual([]);
    expect([...result.indexesRebuilt].sort()).toEqual(before.map((i) => i.name).sort());
    expect(result.durations.index).toBeGreaterThan(0);
    expect((await listSecondaryIndexes(t.db)).map((i) => i.definition).sort()).toEqual(
      before.map((i) => i.definition).sort(),
    );
    expect(await foreignKeys(t.db)).toEqual(keysBefore);
    await expect(
      t.db.query(`insert into study_keywords (nct_id, ord, keyword) values ('NCT99999999', 0, 'orphan')`),
    ).rejects.toThrow(/foreign key/);
    const pending = await t.db.query('select 1 from sync_state where key like $1', ['load.dropped_%']);
    expect(pending.rowCount).toBe(0);
    const daily = await loadStudies(t.db, stream(fixtureRecords().slice(0, 5)), { runId: 'r2' });
    expect(daily.indexesRebuilt).toEqual([]);
  });

  it('rebuilds indexes and foreign keys that a crashed load left dropped, on the next load', async () => {
    await loadStudies(t.db, stream(fixtureRecords().slice(0, 10)), { runId: 'r1' });
    const before = await listSecondaryIndexes(t.db);
    const keysBefore = await foreignKeys(t.db);
    await dropSecondaryIndexes(t.db);
    expect(await listSecondaryIndexes(t.db)).toEqual([]);
    expect(await foreignKeys(t.db)).toEqual([]);
    const result = await loadStudies(t.db, stream(fixtureRecords().slice(0, 20)), { runId: 'r2' });
    expect(result.counts).toMatchObject({ inserted: 10, unchanged: 10 });
    expect([...result.indexesRebuilt].sort()).toEqual(before.map((i) => i.name).sort());
    expect((await listSecondaryIndexes(t.db)).length).toBe(before.length);
    expect(await foreignKeys(t.db)).toEqual(keysBefore);
  });

  it('deletes nothing for new studies, and replaces the rows of stored ones in a batch that mixes both', async () => {
    const statements: string[] = [];
    const recorded: Db = {
      ...t.db,
      transaction: (fn) =>
        t.db.transaction((tx) =>
          fn({
            query: (text, params) => {
              statements.push(text);
              return tx.query(text, params);
            },
            exec: (script) => tx.exec(script),
            copyFrom: (table, columns, text) => tx.copyFrom(table, columns, text),
          }),
        ),
    };
    const [changed, ...rest] = fixtureRecords();
    await loadStudies(recorded, stream(rest.slice(0, 100)), { runId: 'r1', batchSize: 50 });
    expect(statements.filter((s) => /^\s*delete /i.test(s))).toEqual([]);

    // One batch: a stored study changed (its outcomes and sites cut to one) and 105 new ones.
    type Modules = Record<string, Record<string, unknown[]> | undefined>;
    const many = (record: { json: string }) => {
      const p = JSON.parse(record.json).protocolSection as Modules;
      return (
        (p.outcomesModule?.secondaryOutcomes?.length ?? 0) > 0 &&
        (p.contactsLocationsModule?.locations?.length ?? 0) > 1
      );
    };
    const stored = rest.slice(0, 100).find(many)!;
    const cut = variant(JSON.parse(stored.json), (study) => {
      const p = study.protocolSection as Modules;
      p.outcomesModule!.primaryOutcomes = p.outcomesModule!.primaryOutcomes!.slice(0, 1);
      delete p.outcomesModule!.secondaryOutcomes;
      p.contactsLocationsModule!.locations = p.contactsLocationsModule!.locations!.slice(0, 1);
    });
    const result = await loadStudies(t.db, stream([cut, changed!, ...rest.slice(100)]), {
      runId: 'r2',
      batchSize: 500,
      concurrency: 1,
    });
    expect(result.counts).toMatchObject({ inserted: 106, updated: 1, batches: 1 });
    const id = nctIdOf(JSON.parse(cut.json));
    const { rows } = await t.db.query<{ outcomes: number; sites: number }>(
      `select (select count(*)::int from study_outcomes where nct_id = $1) as outcomes,
              (select count(*)::int from study_locations where nct_id = $1) as sites`,
      [id],
    );
    expect(rows[0]).toEqual({ outcomes: 1, sites: 1 });
    const reference = await createTestDb();
    try {
      await insertRun(reference.db, 'r1');
      const all = [...rest.filter((r) => r !== stored), cut, changed!];
      await loadStudies(reference.db, stream(all), { runId: 'r1' });
      expect(await tableCounts(t.db)).toEqual(await tableCounts(reference.db));
    } finally {
      await reference.drop();
    }
  });

  it('fills every typed column of studies from the projection (column list matches the table)', async () => {
    const { rows } = await t.db.query<{ column_name: string }>(
      `select column_name from information_schema.columns
       where table_schema = current_schema() and table_name = 'studies' and is_generated = 'NEVER'`,
    );
    const bookkeeping = [
      'search_vector',
      'location_vector',
      'condition_vector',
      'mesh_vector',
      'intervention_vector',
      'title_vector',
      'sponsor_vector',
      'content_hash',
      'version',
      'first_run_id',
      'last_run_id',
      'loaded_at',
      'changed_at',
      'removed_at',
      'removed_reason',
      'merged_into',
    ];
    expect(rows.map((r) => r.column_name).sort()).toEqual([...STUDY_ROW_COLUMNS, ...bookkeeping].sort());
  });
});
