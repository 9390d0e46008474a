/**
 * The message bus, behind the two operations the system needs. Two implementations:
 * - outbox-transport.ts: no bus configured (the embedded default). The outbox table itself is the log;
 *   "publishing" is the relay numbering the rows, and consumers read them in-process.
 * - nats-transport.ts: NATS JetStream (CDS_NATS_URL). A stream with retention and de-duplication by
 *   message id; consumers read from their own position.
 * A Kafka transport maps onto the same interface (docs/events.md): topic = the stream, key = NCT id,
 * position = the partition offset.
 *
 * Positions belong to the transport's numbering and are kept by the consumer in the database, in the same
 * transaction as its effects (consume-events.ts): that is what makes a consumer that was down catch up
 * without loss or double application.
 */
import type { PositionedEvent } from './outbox-events.ts';
import type { StudyEvent } from './study-event.ts';

export interface EventTransport {
  /** Names the position numbering, e.g. 'outbox' or 'nats:CDS_STUDIES'; positions are kept per source. */
  readonly source: string;
  /**
   * Makes `events` durable on the bus, in order, before it resolves. Publishing an event id again (a
   * relay that crashed before recording its progress) must not deliver it twice to a reader that starts
   * before it (the bus de-duplicates), and is harmless after it (consumers ignore applied events).
   */
  publish(events: readonly StudyEvent[]): Promise<void>;
  /** Up to `max` events after position `after`, in order; [] when the reader is caught up. */
  read(after: number, max: number): Promise<PositionedEvent[]>;
  close(): Promise<void>;
}
