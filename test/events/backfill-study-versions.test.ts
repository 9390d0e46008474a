import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillStudyVersions } from '../../src/events/backfill-study-versions.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { FIRST_SYNC, firstVersion, loadRun } from './fixture-versions.ts';

describe('backfilling versions of studies stored before versions existed', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
    await loadRun(t.db, FIRST_SYNC, firstVersion());
    // A mirror from before migration 000005: studies without versions or events.
    await t.db.query('delete from outbox');
    await t.db.query('delete from study_versions');
    await t.db.query(
      `insert into runs (id, kind, state, started_at) values ('backfill', 'rebuild', 'succeeded', '2024-07-01T00:00:00Z')`,
    );
  });
  afterAll(async () => t?.drop());

  it('records a first version and a study.created event for every stored study, from its stored document', async () => {
    expect(await backfillStudyVersions(t.db, 'backfill', { batchSize: 70 })).toEqual({
      created: 206,
      skipped: 0,
    });
    const { rows } = await t.db.query<{ events: number; versions: number; from_backfill: boolean }>(
      `select (select count(*)::int from outbox where type = 'study.created' and run_id = 'backfill') as events,
              (select count(*)::int from study_versions where run_id = 'backfill') as versions,
              (select bool_and(valid_from = '2024-07-01T00:00:00Z') from study_versions) as from_backfill`,
    );
    expect(rows[0]).toEqual({ events: 206, versions: 206, from_backfill: true });
  });

  it('does nothing the second time', async () => {
    expect(await backfillStudyVersions(t.db, 'backfill')).toEqual({ created: 0, skipped: 0 });
  });
});
