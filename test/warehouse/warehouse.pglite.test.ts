import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverConfiguredEvents, deliverEvents } from '../../src/events/deliver-events.ts';
import { outboxTransport } from '../../src/events/outbox-transport.ts';
import type { Db } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';
import { openPgliteDb } from '../../src/store/pglite-db.ts';
import { asOfInstant, studiesAsOf } from '../../src/warehouse/studies-as-of.ts';
import { studyHistory } from '../../src/warehouse/study-history.ts';
import {
  FIRST_SYNC,
  firstVersion,
  loadRun,
  NOW_RECRUITING,
  REMOVED,
  SECOND_SYNC,
  secondVersion,
} from '../events/fixture-versions.ts';

describe('events and warehouse on the embedded engine (PGlite smoke)', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openPgliteDb('memory://');
    await migrate(db);
  });
  afterAll(async () => db?.close());

  it('delivers both syncs in-process and answers history and as-of queries like the server', async () => {
    await loadRun(db, FIRST_SYNC, firstVersion());
    const first = await deliverEvents(db, outboxTransport(db));
    expect(first.relay.published).toBe(206);
    expect(first.warehouse).toMatchObject({ applied: 206, position: 206 });

    await loadRun(db, SECOND_SYNC, secondVersion(), { snapshot: true });
    // As the sync's publish step does it: the configured transport (none: in-process).
    expect(await deliverConfiguredEvents(db, {})).toEqual({
      counts: { published: 5, warehouse: 5, alerts: 5, webhooks: 0 },
    });

    const history = await studyHistory(db, NOW_RECRUITING);
    expect(history.rows.map((r) => [r.version, r.overall_status, r.valid_to === null])).toEqual([
      [1, 'NOT_YET_RECRUITING', false],
      [2, 'RECRUITING', true],
    ]);
    expect(history.historyStartsAt).toBe('2024-06-01T10:00:00.000000Z');
    const before = await studiesAsOf(db, { at: asOfInstant('2025-01-01'), condition: 'asthma' });
    const after = await studiesAsOf(db, { at: asOfInstant('2025-06-01'), condition: 'asthma' });
    expect(before.studies.map((s) => s.nct_id)).toContain(REMOVED);
    expect(after.studies.map((s) => s.nct_id)).not.toContain(REMOVED);
    expect(after.total).toBe(before.total - 1);
  });
});
