/**
 * In-process delivery, for the embedded default with no message bus: the outbox is the log. The relay's
 * numbering of published rows (published_seq) is the position, so readers see exactly what a bus would
 * have delivered, in the same order, and the same consumers run unchanged.
 */
import type { Queryable } from '../store/db.ts';
import type { EventTransport } from './event-transport.ts';
import { selectPublishedAfter } from './outbox-events.ts';

export function outboxTransport(db: Queryable): EventTransport {
  return {
    source: 'outbox',
    // Nothing to send: the relay marks the rows published (numbers them) in its own transaction.
    publish: async () => {},
    read: (after, max) => selectPublishedAfter(db, after, max),
    close: async () => {},
  };
}
