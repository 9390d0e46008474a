import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { studyFromProjection } from '../../src/domain/study-from-projection.ts';
import { isCdsError } from '../../src/errors.ts';
import { consumeEvents } from '../../src/events/consume-events.ts';
import type { EventTransport } from '../../src/events/event-transport.ts';
import { openNatsTransport } from '../../src/events/nats-transport.ts';
import { relayOutbox } from '../../src/events/relay-outbox.ts';
import type { StudyEvent } from '../../src/events/study-event.ts';
import { projectStudy } from '../../src/transform/project-study.ts';
import { warehouseConsumer } from '../../src/warehouse/apply-study-events.ts';
import { fixtureStudies } from '../store/support/fixture-records.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { deliverFixtureSyncs } from '../warehouse/deliver-fixture-syncs.ts';
import { warehouseSnapshot } from '../warehouse/warehouse-snapshot.ts';
import { FIRST_SYNC, firstVersion, loadRun, SECOND_SYNC, secondVersion } from './fixture-versions.ts';

const NATS_URL = process.env.CDS_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const suffix = `${process.pid}_${randomBytes(4).toString('hex')}`;
/** Streams of this file only, deleted afterwards (the server is shared). */
const streams = { unit: `CDS_TEST_UNIT_${suffix}`, warehouse: `CDS_TEST_WAREHOUSE_${suffix}` };
const open = (stream: keyof typeof streams) =>
  openNatsTransport({
    url: NATS_URL,
    stream: streams[stream],
    subjectPrefix: `cdstest.${stream}.${suffix}`,
    fetchWaitMs: 1000,
  });

function removal(n: number): StudyEvent {
  return {
    id: `test-event-${n}`,
    type: 'study.removed',
    seq: n,
    nctId: `NCT0000000${n}`,
    version: 1,
    occurredAt: '2025-03-01T10:00:00.000000Z',
    runId: 'run',
    changes: [],
    restored: false,
    removal: { reason: 'missing_from_snapshot', mergedInto: null },
    study: null,
  };
}

describe('NATS JetStream transport', () => {
  let transport: EventTransport;
  beforeAll(async () => {
    transport = await open('unit');
  });
  afterAll(async () => {
    await transport?.close();
    const nc = await connect({ servers: NATS_URL });
    const jsm = await jetstreamManager(nc);
    for (const name of Object.values(streams)) await jsm.streams.delete(name).catch(() => false);
    await nc.drain();
  });

  it('stores an event published twice once (de-duplication by Nats-Msg-Id)', async () => {
    await transport.publish([removal(1), removal(2)]);
    await transport.publish([removal(2), removal(3)]);
    const read = await transport.read(0, 10);
    expect(read.map((r) => [r.position, r.event.id])).toEqual([
      [1, 'test-event-1'],
      [2, 'test-event-2'],
      [3, 'test-event-3'],
    ]);
    expect(read[0]!.event).toEqual(removal(1));
  });

  it('reads in order from any position and returns nothing once caught up', async () => {
    expect((await transport.read(1, 10)).map((r) => r.position)).toEqual([2, 3]);
    expect((await transport.read(0, 2)).map((r) => r.position)).toEqual([1, 2]);
    expect((await transport.read(2, 2)).map((r) => r.position)).toEqual([3]);
    expect(await transport.read(3, 10)).toEqual([]);
  });

  it('carries an event too large for one plain message compressed, and reads it back whole', async () => {
    const outcome = projectStudy({ json: JSON.stringify(fixtureStudies()[0]), source: 'test' });
    if (!outcome.ok) throw new Error('projects');
    const study = studyFromProjection(outcome.study);
    const site = {
      facility: 'Site',
      city: 'City',
      state: null,
      postalCode: null,
      country: 'France',
      status: null,
      geo: null,
    };
    study.sites = Array.from({ length: 9000 }, (_, i) => ({ ...site, facility: `Hospital number ${i}` }));
    const big: StudyEvent = { ...removal(4), type: 'study.updated', removal: null, study };
    expect(JSON.stringify(big).length).toBeGreaterThan(1024 * 1024);
    await transport.publish([big]);
    const [read] = await transport.read(3, 1);
    expect(read?.event).toEqual(big);
  });

  it('refuses to skip events the stream no longer holds, saying what to do', async () => {
    const nc = await connect({ servers: NATS_URL });
    await (await jetstreamManager(nc)).streams.purge(streams.unit, { seq: 3 });
    await nc.drain();
    const error = await transport.read(0, 10).catch((e: unknown) => e);
    expect(isCdsError(error, 'BAD_INPUT')).toBe(true);
    expect((error as Error).message).toMatch(/no longer holds the events after position 0.*outbox/);
    expect((await transport.read(2, 10)).map((r) => r.position)).toEqual([3, 4]);
  });

  describe('feeding the warehouse', () => {
    let viaNats: TestDb;
    let inProcess: TestDb;
    beforeAll(async () => {
      [viaNats, inProcess] = await Promise.all([createTestDb(), createTestDb()]);
    });
    afterAll(async () => Promise.all([viaNats?.drop(), inProcess?.drop()]));

    it('catches up after being down during a sync, ending identical to in-process delivery', async () => {
      const bus = await open('warehouse');
      await loadRun(viaNats.db, FIRST_SYNC, firstVersion());
      expect(await relayOutbox(viaNats.db, bus, { batchSize: 50 })).toEqual({ published: 206, batches: 5 });
      expect(await consumeEvents(viaNats.db, bus, warehouseConsumer)).toMatchObject({
        applied: 206,
        position: 206,
      });
      await bus.close();

      // Consumer down: the second sync is loaded and relayed by another process.
      await loadRun(viaNats.db, SECOND_SYNC, secondVersion(), { snapshot: true });
      const relay = await open('warehouse');
      expect((await relayOutbox(viaNats.db, relay)).published).toBe(5);
      await relay.close();

      const restarted = await open('warehouse');
      const caughtUp = await consumeEvents(viaNats.db, restarted, warehouseConsumer);
      expect(caughtUp).toMatchObject({ applied: 5, skipped: 0, position: 211 });
      // Delivered again from the start (a new consumer position): nothing changes.
      await viaNats.db.query(`delete from event_consumers`);
      expect(await consumeEvents(viaNats.db, restarted, warehouseConsumer)).toMatchObject({
        applied: 0,
        skipped: 211,
      });
      await restarted.close();

      await deliverFixtureSyncs(inProcess.db);
      expect(await warehouseSnapshot(viaNats.db)).toEqual(await warehouseSnapshot(inProcess.db));
    }, 300_000);
  });
});
