import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventTransport } from '../../src/events/event-transport.ts';
import { outboxTransport } from '../../src/events/outbox-transport.ts';
import { relayOutbox } from '../../src/events/relay-outbox.ts';
import type { StudyEvent } from '../../src/events/study-event.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { FIRST_SYNC, firstVersion, loadRun, SECOND_SYNC, secondVersion } from './fixture-versions.ts';

/** A bus that records what it was given; `failAfter` makes publish throw after storing (a lost ack). */
function recordingBus(options: { failAfter?: boolean; delayMs?: number } = {}) {
  const published: StudyEvent[] = [];
  const bus: EventTransport = {
    source: 'test',
    async publish(events) {
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      published.push(...events);
      if (options.failAfter) throw new Error('connection lost before the commit');
    },
    read: async () => [],
    close: async () => {},
  };
  return { bus, published };
}

async function publishedOrder(t: TestDb) {
  const { rows } = await t.db.query<{ seq: string; published_seq: string | null }>(
    'select seq, published_seq from outbox order by seq',
  );
  return rows.map((r) => [Number(r.seq), r.published_seq === null ? null : Number(r.published_seq)]);
}

describe('the outbox relay', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
    await loadRun(t.db, FIRST_SYNC, firstVersion());
  });
  afterAll(async () => t?.drop());

  it('publishes every committed event once, in outbox order, numbered from 1 without gaps', async () => {
    const { bus, published } = recordingBus();
    expect(await relayOutbox(t.db, bus, { batchSize: 50 })).toEqual({ published: 206, batches: 5 });
    expect(published.map((e) => e.seq)).toEqual(Array.from({ length: 206 }, (_, i) => i + 1));
    expect(published.every((e) => e.type === 'study.created' && e.study?.id === e.nctId)).toBe(true);
    expect(await publishedOrder(t)).toEqual(Array.from({ length: 206 }, (_, i) => [i + 1, i + 1]));
    expect(await relayOutbox(t.db, bus)).toEqual({ published: 0, batches: 0 });
  });

  it('sends the events again when a relay failed after the bus stored them', async () => {
    await loadRun(t.db, SECOND_SYNC, secondVersion(), { snapshot: true });
    const failing = recordingBus({ failAfter: true });
    await expect(relayOutbox(t.db, failing.bus)).rejects.toThrow('connection lost');
    expect(failing.published).toHaveLength(5);
    expect((await publishedOrder(t)).filter(([, p]) => p === null)).toHaveLength(5);

    const retry = recordingBus();
    expect((await relayOutbox(t.db, retry.bus)).published).toBe(5);
    expect(retry.published.map((e) => e.id)).toEqual(failing.published.map((e) => e.id));
    expect((await publishedOrder(t)).slice(206).map(([, p]) => p)).toEqual([207, 208, 209, 210, 211]);
  });

  it('never publishes an event twice when two relays run at once', async () => {
    await t.db.query('update outbox set published_seq = null, published_at = null');
    const a = recordingBus({ delayMs: 20 });
    const b = recordingBus({ delayMs: 20 });
    await Promise.all([
      relayOutbox(t.db, a.bus, { batchSize: 30 }),
      relayOutbox(t.db, b.bus, { batchSize: 30 }),
    ]);
    const ids = [...a.published, ...b.published].map((e) => e.id);
    expect(ids).toHaveLength(211);
    expect(new Set(ids).size).toBe(211);
    const order = await publishedOrder(t);
    expect(order.map(([, p]) => p).sort((x, y) => x! - y!)).toEqual(
      Array.from({ length: 211 }, (_, i) => i + 1),
    );
  });

  it('lets in-process readers read the published events in publication order', async () => {
    const read = await outboxTransport(t.db).read(200, 100);
    expect(read.map((r) => r.position)).toEqual(Array.from({ length: 11 }, (_, i) => 201 + i));
    expect(
      read
        .filter((r) => r.event.type !== 'study.created')
        .map((r) => r.event.type)
        .sort(),
    ).toEqual(['study.removed', 'study.updated', 'study.updated', 'study.updated', 'study.updated']);
  });
});
