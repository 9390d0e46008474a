/**
 * Delivery after a sync: relay the outbox to the transport, then, when delivery is in-process (no bus),
 * run the consumers (warehouse, saved-search alerts) to the end of the log. With a bus the consumers are
 * their own processes (`cds events consume --follow`) and only the relay runs here.
 */
import { alertsConsumer } from '../alerts/alerts-consumer.ts';
import { deliverAlertWebhooks } from '../alerts/deliver-alert-webhooks.ts';
import type { Config } from '../config.ts';
import type { Db } from '../store/db.ts';
import { warehouseConsumer } from '../warehouse/apply-study-events.ts';
import { type ConsumeResult, consumeEvents } from './consume-events.ts';
import type { EventTransport } from './event-transport.ts';
import { openEventTransport } from './open-event-transport.ts';
import { type RelayResult, relayOutbox } from './relay-outbox.ts';

export interface DeliveryResult {
  relay: RelayResult;
  /** The consumers' runs, when delivery is in-process; null with a bus. */
  warehouse: ConsumeResult | null;
  alerts: ConsumeResult | null;
}

export async function deliverEvents(
  db: Db,
  transport: EventTransport,
  options: { signal?: AbortSignal } = {},
): Promise<DeliveryResult> {
  const relay = await relayOutbox(db, transport, { signal: options.signal });
  const inProcess = transport.source === 'outbox';
  const warehouse = inProcess ? await consumeEvents(db, transport, warehouseConsumer, options) : null;
  const alerts = inProcess ? await consumeEvents(db, transport, alertsConsumer, options) : null;
  return { relay, warehouse, alerts };
}

/**
 * The sync's 'publish' step: delivery through the configured transport, opened and closed here, then the
 * saved searches' webhooks when delivery is in-process. Returns the counts for the run record.
 */
export async function deliverConfiguredEvents(
  db: Db,
  config: Pick<Config, 'natsUrl'>,
  options: { signal?: AbortSignal } = {},
): Promise<{ counts: { published: number; warehouse: number; alerts: number; webhooks: number } }> {
  const transport = await openEventTransport(config, db);
  try {
    const result = await deliverEvents(db, transport, options);
    const webhooks = result.alerts === null ? null : await deliverAlertWebhooks(db);
    return {
      counts: {
        published: result.relay.published,
        warehouse: result.warehouse?.applied ?? 0,
        alerts: result.alerts?.applied ?? 0,
        webhooks: webhooks?.delivered ?? 0,
      },
    };
  } finally {
    await transport.close();
  }
}
