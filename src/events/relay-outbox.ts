/**
 * The relay: moves committed outbox events to the bus, in outbox order, batch by batch. Each batch runs in
 * one transaction holding the relay lock: read the oldest unpublished rows, publish them (the transport
 * resolves once the bus stored them), number them as published. A crash between publishing and commit
 * leaves them unpublished, so the next relay sends them again; the bus de-duplicates by event id, and
 * consumers ignore events they applied. One relay at a time, whatever the number of processes.
 */
import type { Db } from '../store/db.ts';
import type { EventTransport } from './event-transport.ts';
import { markPublished, selectUnpublished } from './outbox-events.ts';

export interface RelayOptions {
  /** Events per batch and transaction (default 500). */
  batchSize?: number;
  signal?: AbortSignal;
}

export interface RelayResult {
  published: number;
  batches: number;
}

/** Key of the transaction-level advisory lock that serializes relays. */
const RELAY_LOCK_SQL = `select pg_advisory_xact_lock(hashtext('cds:outbox-relay'))`;

/** Publishes every committed, unpublished event. Returns how many it published. */
export async function relayOutbox(
  db: Db,
  transport: EventTransport,
  options: RelayOptions = {},
): Promise<RelayResult> {
  const batchSize = Math.max(1, options.batchSize ?? 500);
  const result: RelayResult = { published: 0, batches: 0 };
  while (!options.signal?.aborted) {
    const published = await db.transaction(async (tx) => {
      await tx.query(RELAY_LOCK_SQL);
      const events = await selectUnpublished(tx, batchSize);
      if (events.length === 0) return 0;
      await transport.publish(events);
      await markPublished(
        tx,
        events.map((e) => e.seq),
      );
      return events.length;
    });
    if (published === 0) break;
    result.published += published;
    result.batches++;
  }
  return result;
}
