/**
 * Runs a consumer over a transport until it has caught up: read events after the consumer's position,
 * apply them and move the position in one database transaction per batch. A consumer that was stopped
 * resumes where it committed last; events it sees again (redelivery, replay, another instance) are at or
 * below its position and skipped, and consumers are also idempotent per event (they count what they applied).
 */
import type { Db, Queryable } from '../store/db.ts';
import { getConsumerPosition, lockConsumerPosition, setConsumerPosition } from './consumer-position.ts';
import type { EventTransport } from './event-transport.ts';
import type { StudyEvent } from './study-event.ts';

export interface EventConsumer {
  /** The consumer's name: its position is kept under it, per transport source. */
  readonly name: string;
  /**
   * Applies events, in order, in the caller's transaction; returns how many changed something (the others
   * had been applied already). Batches let a consumer work set-based.
   */
  apply(tx: Queryable, events: readonly StudyEvent[]): Promise<number>;
}

export interface ConsumeOptions {
  /** Events per read and transaction (default 200). */
  batchSize?: number;
  signal?: AbortSignal;
}

export interface ConsumeResult {
  applied: number;
  /** Events delivered again and ignored (already applied). */
  skipped: number;
  /** The position after the last committed batch. */
  position: number;
  batches: number;
}

export async function consumeEvents(
  db: Db,
  transport: EventTransport,
  consumer: EventConsumer,
  options: ConsumeOptions = {},
): Promise<ConsumeResult> {
  const batchSize = Math.max(1, options.batchSize ?? 200);
  const result: ConsumeResult = {
    applied: 0,
    skipped: 0,
    position: await getConsumerPosition(db, consumer.name, transport.source),
    batches: 0,
  };
  while (!options.signal?.aborted) {
    const events = await transport.read(result.position, batchSize);
    if (events.length === 0) break;
    result.position = await db.transaction(async (tx) => {
      // Another instance may have moved on since the read: apply only what is beyond its position.
      const position = await lockConsumerPosition(tx, consumer.name, transport.source);
      const fresh = events.filter((e) => e.position > position);
      result.skipped += events.length - fresh.length;
      if (fresh.length === 0) return position;
      const applied = await consumer.apply(
        tx,
        fresh.map((e) => e.event),
      );
      result.applied += applied;
      result.skipped += fresh.length - applied;
      const last = fresh[fresh.length - 1]!.position;
      await setConsumerPosition(tx, consumer.name, transport.source, last);
      return last;
    });
    result.batches++;
  }
  return result;
}
