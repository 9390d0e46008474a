/**
 * The configured event transport: NATS JetStream when CDS_NATS_URL is set, else in-process delivery from the
 * outbox (the embedded default, nothing to run).
 */
import type { Config } from '../config.ts';
import type { Queryable } from '../store/db.ts';
import type { EventTransport } from './event-transport.ts';
import { openNatsTransport } from './nats-transport.ts';
import { outboxTransport } from './outbox-transport.ts';

export function openEventTransport(config: Pick<Config, 'natsUrl'>, db: Queryable): Promise<EventTransport> {
  return config.natsUrl ? openNatsTransport({ url: config.natsUrl }) : Promise.resolve(outboxTransport(db));
}
