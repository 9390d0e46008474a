import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { studyHistory } from '../../src/warehouse/study-history.ts';
import { NOW_RECRUITING, REMOVED } from '../events/fixture-versions.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { deliverFixtureSyncs } from './deliver-fixture-syncs.ts';

describe('a study history from the warehouse', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
    await deliverFixtureSyncs(t.db);
  });
  afterAll(async () => t?.drop());

  it('lists every version with its period and the fields that changed', async () => {
    const history = await studyHistory(t.db, NOW_RECRUITING);
    expect(history.historyStartsAt).toBe('2024-06-01T10:00:00.000000Z');
    expect(
      history.rows.map((r) => [
        r.version,
        r.valid_from,
        r.valid_to,
        r.closed_reason,
        r.overall_status,
        r.enrollment,
      ]),
    ).toEqual([
      [
        1,
        '2024-06-01T10:00:00.000000Z',
        '2025-03-01T10:00:00.000000Z',
        'superseded',
        'NOT_YET_RECRUITING',
        140,
      ],
      [2, '2025-03-01T10:00:00.000000Z', null, null, 'RECRUITING', 150],
    ]);
    expect(history.rows[0]!.changes).toEqual([]);
    expect(history.rows[1]!.changes).toContainEqual({
      path: 'status.overall',
      before: 'NOT_YET_RECRUITING',
      after: 'RECRUITING',
    });
    expect(history.rows[1]!.start_date).toBe('2025-02-15');
  });

  it('shows a removed study with its last version closed and the reason', async () => {
    const history = await studyHistory(t.db, REMOVED);
    expect(history.rows.map((r) => [r.version, r.is_current, r.closed_reason, r.valid_to])).toEqual([
      [1, false, 'missing_from_snapshot', '2025-03-01T10:00:00.000000Z'],
    ]);
  });

  it('returns no rows for a study the warehouse never saw', async () => {
    expect((await studyHistory(t.db, 'NCT99999999')).rows).toEqual([]);
  });
});
