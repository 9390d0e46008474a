import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumeEvents } from '../../src/events/consume-events.ts';
import { outboxTransport } from '../../src/events/outbox-transport.ts';
import { relayOutbox } from '../../src/events/relay-outbox.ts';
import type { Db } from '../../src/store/db.ts';
import { warehouseConsumer } from '../../src/warehouse/apply-study-events.ts';
import {
  CHANGED_IDS,
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
import { createTestDb, type TestDb } from '../support/db.ts';
import { warehouseSnapshot } from './warehouse-snapshot.ts';

/** What a sync does after loading on the embedded default: relay the outbox, then feed the warehouse. */
async function deliver(db: Db) {
  const transport = outboxTransport(db);
  await relayOutbox(db, transport, { batchSize: 50 });
  return consumeEvents(db, transport, warehouseConsumer, { batchSize: 40 });
}

async function rows(db: Db, sql: string, params: unknown[] = []) {
  return (await db.query<Record<string, unknown>>(sql, params)).rows;
}

describe('the warehouse fed by study events (SCD Type 2)', () => {
  let live: TestDb;
  let late: TestDb;
  beforeAll(async () => {
    [live, late] = await Promise.all([createTestDb(), createTestDb()]);
    // live: the consumer runs after each sync. late: it is down during the second sync.
    await loadRun(live.db, FIRST_SYNC, firstVersion());
    await deliver(live.db);
    await loadRun(live.db, SECOND_SYNC, secondVersion(), { snapshot: true });
    await deliver(live.db);
  });
  afterAll(async () => Promise.all([live?.drop(), late?.drop()]));

  it('opens one current row per study at the first sync, valid from the run start', async () => {
    const [first] = await rows(
      live.db,
      `select count(*)::int as n, min(valid_from) = $1::timestamptz as from_run
       from warehouse.dim_study where version = 1`,
      [FIRST_SYNC.startedAt],
    );
    expect(first).toEqual({ n: 206, from_run: true });
  });

  it('closes the old row and opens a current one for exactly the changed studies, and closes the removed one', async () => {
    const history = await rows(
      live.db,
      `select nct_id, version, is_current, closed_reason,
              to_char(valid_from at time zone 'UTC', 'YYYY-MM-DD') as valid_from,
              to_char(valid_to at time zone 'UTC', 'YYYY-MM-DD') as valid_to
       from warehouse.dim_study
       where nct_id in (select nct_id from warehouse.dim_study group by nct_id
                        having count(*) > 1 or bool_and(not is_current))
       order by nct_id, valid_from`,
    );
    const expected = [...CHANGED_IDS, REMOVED].sort().flatMap((nct_id) =>
      nct_id === REMOVED
        ? [
            {
              nct_id,
              version: 1,
              is_current: false,
              closed_reason: 'missing_from_snapshot',
              valid_from: '2024-06-01',
              valid_to: '2025-03-01',
            },
          ]
        : [
            {
              nct_id,
              version: 1,
              is_current: false,
              closed_reason: 'superseded',
              valid_from: '2024-06-01',
              valid_to: '2025-03-01',
            },
            {
              nct_id,
              version: 2,
              is_current: true,
              closed_reason: null,
              valid_from: '2025-03-01',
              valid_to: null,
            },
          ],
    );
    expect(history).toEqual(expected);
    const [totals] = await rows(
      live.db,
      `select count(*)::int as rows, count(*) filter (where is_current)::int as current from warehouse.dim_study`,
    );
    expect(totals).toEqual({ rows: 206 + 4, current: 205 });
  });

  it('carries the tracked attributes and the facts of each version', async () => {
    const versions = await rows(
      live.db,
      `select d.nct_id, d.version, d.overall_status, d.enrollment, f.enrollment as fact_enrollment,
              f.site_count = d.site_count as same_sites, f.valid_from_date_key
       from warehouse.dim_study d join warehouse.fact_study_version f using (study_key)
       where d.nct_id = any($1::text[]) order by d.nct_id, d.version`,
      [[NOW_RECRUITING, ENROLLMENT_CHANGED, STOPPED_RECRUITING]],
    );
    expect(versions).toEqual([
      {
        nct_id: STOPPED_RECRUITING,
        version: 1,
        overall_status: 'RECRUITING',
        enrollment: 126,
        fact_enrollment: 126,
        same_sites: true,
        valid_from_date_key: 20240601,
      },
      {
        nct_id: STOPPED_RECRUITING,
        version: 2,
        overall_status: 'ACTIVE_NOT_RECRUITING',
        enrollment: 126,
        fact_enrollment: 126,
        same_sites: true,
        valid_from_date_key: 20250301,
      },
      {
        nct_id: ENROLLMENT_CHANGED,
        version: 1,
        overall_status: 'RECRUITING',
        enrollment: 20,
        fact_enrollment: 20,
        same_sites: true,
        valid_from_date_key: 20240601,
      },
      {
        nct_id: ENROLLMENT_CHANGED,
        version: 2,
        overall_status: 'RECRUITING',
        enrollment: 25,
        fact_enrollment: 25,
        same_sites: true,
        valid_from_date_key: 20250301,
      },
      {
        nct_id: NOW_RECRUITING,
        version: 1,
        overall_status: 'NOT_YET_RECRUITING',
        enrollment: 140,
        fact_enrollment: 140,
        same_sites: true,
        valid_from_date_key: 20240601,
      },
      {
        nct_id: NOW_RECRUITING,
        version: 2,
        overall_status: 'RECRUITING',
        enrollment: 150,
        fact_enrollment: 150,
        same_sites: true,
        valid_from_date_key: 20250301,
      },
    ]);
    const [dims] = await rows(
      live.db,
      `select (select count(*)::int from warehouse.dim_date where date_key in (20240601, 20250301)) as run_days,
              (select count(*)::int from warehouse.dim_condition where term = 'Asthma' and mesh_id = 'D001249') as asthma,
              (select count(*)::int from warehouse.bridge_study_country) > 0 as countries`,
    );
    expect(dims).toEqual({ run_days: 2, asthma: 1, countries: true });
  });

  it('changes nothing when every event is delivered again from the start', async () => {
    const before = await warehouseSnapshot(live.db);
    await live.db.query(`delete from event_consumers where name = 'warehouse'`);
    const replay = await consumeEvents(live.db, outboxTransport(live.db), warehouseConsumer);
    expect(replay.applied).toBe(0);
    expect(replay.skipped).toBe(206 + 5);
    expect(await warehouseSnapshot(live.db)).toEqual(before);
  });

  it('ends identical to an uninterrupted run when the consumer was down during the second sync', async () => {
    await loadRun(late.db, FIRST_SYNC, firstVersion());
    const first = await deliver(late.db);
    expect(first.applied).toBe(206);
    // The consumer is down: the sync loads and the relay publishes, nobody applies.
    await loadRun(late.db, SECOND_SYNC, secondVersion(), { snapshot: true });
    await relayOutbox(late.db, outboxTransport(late.db));
    expect(await rows(late.db, `select count(*)::int as n from warehouse.dim_study`)).toEqual([{ n: 206 }]);
    // Restarted, it catches up from its position.
    const caughtUp = await consumeEvents(late.db, outboxTransport(late.db), warehouseConsumer);
    expect(caughtUp).toMatchObject({ applied: 5, skipped: 0, position: 211 });
    expect(await warehouseSnapshot(late.db)).toEqual(await warehouseSnapshot(live.db));
  }, 300_000);
});
