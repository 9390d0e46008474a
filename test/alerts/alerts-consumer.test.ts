import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertsConsumer } from '../../src/alerts/alerts-consumer.ts';
import { listAlerts } from '../../src/alerts/list-alerts.ts';
import { listSavedSearches, saveSearch } from '../../src/alerts/saved-searches.ts';
import { isCdsError } from '../../src/errors.ts';
import { consumeEvents } from '../../src/events/consume-events.ts';
import { deliverEvents } from '../../src/events/deliver-events.ts';
import { outboxTransport } from '../../src/events/outbox-transport.ts';
import {
  ENROLLMENT_CHANGED,
  FIRST_SYNC,
  firstVersion,
  loadRun,
  NOW_RECRUITING,
  REMOVED,
  SECOND_SYNC,
  STOPPED_RECRUITING,
  secondVersion,
} from '../events/fixture-versions.ts';
import { fixtureStudies, nctIdOf } from '../store/support/fixture-records.ts';
import { createTestDb, type TestDb } from '../support/db.ts';

const recruitingIds = () =>
  fixtureStudies()
    .filter(
      (s) => (s.protocolSection.statusModule as { overallStatus?: string }).overallStatus === 'RECRUITING',
    )
    .map(nctIdOf);

describe('saved searches with change alerts', () => {
  let t: TestDb;
  const ids: Record<string, number> = {};
  beforeAll(async () => {
    t = await createTestDb();
    await loadRun(t.db, FIRST_SYNC, firstVersion());
    await deliverEvents(t.db, outboxTransport(t.db));
  });
  afterAll(async () => t?.drop());

  it('saves a search with the studies it matches now, so they are not reported as added later', async () => {
    for (const [name, query] of [
      ['recruiting asthma', { condition: 'asthma', status: ['RECRUITING'] }],
      ['recruiting', { status: ['RECRUITING'] }],
      ['asthma', { condition: 'asthma' }],
    ] as const) {
      ids[name] = (await saveSearch(t.db, { name, query, webhookUrl: 'http://127.0.0.1:9/alerts' })).id;
    }
    const saved = await listSavedSearches(t.db);
    expect(saved.map((s) => [s.name, s.matches])).toEqual([
      ['recruiting asthma', 0],
      ['recruiting', recruitingIds().length],
      ['asthma', expect.any(Number)],
    ]);
    expect(saved[2]!.matches).toBeGreaterThan(5);
  });

  it('refuses an invalid query or webhook and a duplicate name, saying why', async () => {
    for (const input of [
      { name: 'bad', query: { status: ['RUNNING'] } },
      { name: 'bad', query: {}, webhookUrl: 'ftp://example.org' },
      { name: 'asthma', query: {} },
    ]) {
      const error = await saveSearch(t.db, input).catch((e: unknown) => e);
      expect(isCdsError(error, 'BAD_QUERY')).toBe(true);
    }
  });

  it('reports the studies added, changed with their field diffs, and removed by the next sync', async () => {
    await loadRun(t.db, SECOND_SYNC, secondVersion(), { snapshot: true });
    const delivered = await deliverEvents(t.db, outboxTransport(t.db));
    expect(delivered.alerts).toMatchObject({ applied: 5 });
    const alertsOf = async (name: string) =>
      (await listAlerts(t.db, ids[name]!)).map((a) => [a.kind, a.nctId, a.reason]).sort();

    expect(await alertsOf('recruiting asthma')).toEqual([['added', NOW_RECRUITING, null]]);
    expect(await alertsOf('recruiting')).toEqual(
      [
        ['added', NOW_RECRUITING, null],
        ['changed', ENROLLMENT_CHANGED, null],
        ['removed', STOPPED_RECRUITING, 'no_longer_matches'],
      ].sort(),
    );
    expect(await alertsOf('asthma')).toEqual(
      [
        ['changed', NOW_RECRUITING, null],
        ['removed', REMOVED, 'missing_from_snapshot'],
      ].sort(),
    );
    const [changed] = (await listAlerts(t.db, ids.recruiting!)).filter((a) => a.kind === 'changed');
    expect(changed!.changes).toEqual([{ path: 'enrollment.count', before: 20, after: 25 }]);
    const saved = await listSavedSearches(t.db);
    expect(saved.find((s) => s.name === 'recruiting')!.matches).toBe(recruitingIds().length);
  });

  it('records nothing more when the events are delivered again', async () => {
    const { rows: before } = await t.db.query<{ n: number }>('select count(*)::int as n from search_alerts');
    await t.db.query(`delete from event_consumers where name = 'alerts'`);
    const replay = await consumeEvents(t.db, outboxTransport(t.db), alertsConsumer);
    expect(replay.applied).toBe(211);
    const { rows: after } = await t.db.query<{ n: number }>('select count(*)::int as n from search_alerts');
    expect(after[0]!.n).toBe(before[0]!.n);
    expect(before[0]!.n).toBe(6);
  });
});
