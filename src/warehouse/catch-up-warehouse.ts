/**
 * Brings the warehouse (and the saved-search alerts) up to date before a read, when delivery is in-process:
 * with no message bus configured nothing else applies the events a sync recorded if its 'publish' step did
 * not run (stopped, crashed, or a sync from an older version), so readers deliver them here first. With a
 * bus the consumers are their own processes (`cds events consume --follow`) and this does nothing.
 *
 * Safe to call concurrently: the relay holds an advisory lock and each consumer batch locks its position,
 * so two callers never apply an event twice. Webhooks are not posted here; the next sync's 'publish' step
 * posts the alerts this records.
 */
import type { Config } from '../config.ts';
import { type DeliveryResult, deliverEvents } from '../events/deliver-events.ts';
import { openEventTransport } from '../events/open-event-transport.ts';
import type { Db } from '../store/db.ts';

/** Delivers pending events in-process; null (nothing done) when a message bus is configured. */
export async function catchUpWarehouse(
  db: Db,
  config: Pick<Config, 'natsUrl'>,
): Promise<DeliveryResult | null> {
  if (config.natsUrl) return null;
  const transport = await openEventTransport(config, db);
  try {
    return await deliverEvents(db, transport);
  } finally {
    await transport.close();
  }
}
