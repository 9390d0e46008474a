import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ENROLLMENT_CHANGED,
  FIRST_SYNC,
  NOW_RECRUITING,
  REMOVED,
  SECOND_SYNC,
} from '../events/fixture-versions.ts';
import { startTwoSyncsApi, type TwoSyncsApi } from './support/two-syncs-api.ts';

describe('warehouse API: study history and as-of', () => {
  let api: TwoSyncsApi;
  beforeAll(async () => {
    api = await startTwoSyncsApi();
  });
  afterAll(async () => {
    await api?.close();
  });
  const get = (url: string) => api.get(url);

  it('GET /studies/{nctId}/history brings the warehouse up to date, then lists both versions and the exact change', async () => {
    const { rows: before } = await api.t.db.query('select 1 from warehouse.dim_study limit 1');
    expect(before).toEqual([]);
    const { status, body } = await get(`/studies/${ENROLLMENT_CHANGED.toLowerCase()}/history`);
    expect(status).toBe(200);
    expect(body.nctId).toBe(ENROLLMENT_CHANGED);
    expect(body.historyStartsAt).toBe(FIRST_SYNC.startedAt);
    expect(
      body.rows.map((r: Record<string, unknown>) => [
        r.version,
        r.valid_from,
        r.valid_to,
        r.is_current,
        r.closed_reason,
        r.enrollment,
        r.changes,
      ]),
    ).toEqual([
      [1, FIRST_SYNC.startedAt, SECOND_SYNC.startedAt, false, 'superseded', 20, []],
      [2, SECOND_SYNC.startedAt, null, true, null, 25, [{ path: 'enrollment.count', before: 20, after: 25 }]],
    ]);
  });

  it('shows a removed study with its last version closed, and the status change of another', async () => {
    const removed = await get(`/studies/${REMOVED}/history`);
    expect(removed.body.rows.map((r: Record<string, unknown>) => [r.version, r.closed_reason])).toEqual([
      [1, 'missing_from_snapshot'],
    ]);
    const recruiting = await get(`/studies/${NOW_RECRUITING}/history`);
    expect(recruiting.body.rows.map((r: Record<string, unknown>) => r.overall_status)).toEqual([
      'NOT_YET_RECRUITING',
      'RECRUITING',
    ]);
    expect(recruiting.body.rows[1].changes).toContainEqual({
      path: 'status.overall',
      before: 'NOT_YET_RECRUITING',
      after: 'RECRUITING',
    });
  });

  it('answers 400 for what is not an NCT id and 404 for a study the warehouse never saw', async () => {
    for (const bad of ['NCT123', "NCT0' or 1=1", 'x'.repeat(21)]) {
      const { status, body } = await get(`/studies/${encodeURIComponent(bad)}/history`);
      expect(status).toBe(400);
      expect(body.error.code).toMatch(/^BAD_/);
    }
    const unknown = await get('/studies/NCT99999999/history');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain('history starts at the first sync');
  });

  it('GET /asof answers with the versions current before and after the change', async () => {
    const before = await get('/asof?date=2025-01-01&status=RECRUITING&condition=asthma');
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({
      at: '2025-01-01T23:59:59.999Z',
      total: 0,
      studies: [],
      historyStartsAt: FIRST_SYNC.startedAt,
    });
    const after = await get('/asof?date=2025-06-01&status=recruiting&condition=Asthma');
    expect(after.body.total).toBe(1);
    expect(
      after.body.studies.map((s: Record<string, unknown>) => [s.nct_id, s.version, s.enrollment, s.valid_to]),
    ).toEqual([[NOW_RECRUITING, 2, 150, null]]);

    const completed = async (date: string) =>
      (await get(`/asof?date=${date}&status=COMPLETED&condition=asthma&limit=1000`)).body.studies.map(
        (s: { nct_id: string }) => s.nct_id,
      );
    const completedBefore = await completed('2025-01-01');
    expect(completedBefore).toContain(REMOVED);
    expect(await completed('2025-06-01')).toEqual(completedBefore.filter((id: string) => id !== REMOVED));
  });

  it('GET /asof lists at most `limit` studies and counts them all; statuses repeat or take commas', async () => {
    const all = await get('/asof?date=2025-06-01&status=RECRUITING,COMPLETED');
    const repeated = await get('/asof?date=2025-06-01&status=RECRUITING&status=COMPLETED&limit=3');
    expect(repeated.body.studies).toHaveLength(3);
    expect(repeated.body.total).toBe(all.body.total);
    expect(all.body.total).toBeGreaterThan(50);
    expect(repeated.body.studies).toEqual(all.body.studies.slice(0, 3));
  });

  it('GET /asof refuses a bad date, status or limit with a 400 saying why', async () => {
    for (const [query, message] of [
      ['date=2025-02-30', 'is not a date'],
      ['date=yesterday', 'is not a date'],
      ['', 'date'],
      ['date=2025-01-01&status=RUNNING', 'Invalid status "RUNNING"'],
      ['date=2025-01-01&limit=0', 'limit'],
      ['date=2025-01-01&limit=5000', 'limit'],
      ['date=2025-01-01&colour=red', 'colour'],
    ] as const) {
      const { status, body } = await get(`/asof?${query}`);
      expect(status, query).toBe(400);
      expect(body.error.message, query).toContain(message);
    }
  });

  it('describes the routes in the OpenAPI document under the warehouse tag', async () => {
    const { body } = await get('/openapi.json');
    expect(body.paths['/studies/{nctId}/history'].get.tags).toEqual(['warehouse']);
    expect(body.paths['/asof'].get.parameters.map((p: { name: string }) => p.name)).toEqual([
      'date',
      'status',
      'condition',
      'limit',
    ]);
  });
});
