import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumeEvents, type EventConsumer } from '../../src/events/consume-events.ts';
import { getConsumerPosition } from '../../src/events/consumer-position.ts';
import { outboxTransport } from '../../src/events/outbox-transport.ts';
import { relayOutbox } from '../../src/events/relay-outbox.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { FIRST_SYNC, firstVersion, loadRun } from './fixture-versions.ts';

/** Records each event id in a table with a primary key: applying one twice would fail the transaction. */
function recordingConsumer(failOn?: number): EventConsumer {
  return {
    name: 'recorder',
    async apply(tx, events) {
      for (const event of events) {
        if (event.seq === failOn) throw new Error(`cannot apply event ${event.seq}`);
        await tx.query('insert into test_applied (event_id, seq) values ($1, $2)', [event.id, event.seq]);
      }
      return events.length;
    },
  };
}

describe('consuming events from a position', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
    await t.db.query('create table test_applied (event_id text primary key, seq bigint not null)');
    await loadRun(t.db, FIRST_SYNC, firstVersion());
    await relayOutbox(t.db, outboxTransport(t.db));
  });
  afterAll(async () => t?.drop());

  it('keeps the position of the last committed batch when applying fails, and resumes there', async () => {
    const transport = outboxTransport(t.db);
    await expect(consumeEvents(t.db, transport, recordingConsumer(150), { batchSize: 40 })).rejects.toThrow(
      'cannot apply event 150',
    );
    // Batches 1–40, 41–80, 81–120 committed; 121–160 rolled back with its position.
    expect(await getConsumerPosition(t.db, 'recorder', 'outbox')).toBe(120);
    const { rows } = await t.db.query<{ n: number }>('select count(*)::int as n from test_applied');
    expect(rows[0]!.n).toBe(120);

    const resumed = await consumeEvents(t.db, transport, recordingConsumer(), { batchSize: 40 });
    expect(resumed).toEqual({ applied: 86, skipped: 0, position: 206, batches: 3 });
    const all = await t.db.query<{ n: number; max: number }>(
      'select count(*)::int as n, max(seq) as max from test_applied',
    );
    expect(all.rows[0]).toEqual({ n: 206, max: 206 });
  });

  it('does nothing when caught up', async () => {
    expect(await consumeEvents(t.db, outboxTransport(t.db), recordingConsumer())).toEqual({
      applied: 0,
      skipped: 0,
      position: 206,
      batches: 0,
    });
  });
});
