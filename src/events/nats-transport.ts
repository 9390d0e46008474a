/**
 * NATS JetStream as the event bus. One stream holds the study events, one subject per study
 * (`<prefix>.<NCT id>`, like a Kafka key), kept for `maxAgeMs` (retention by age: a consumer down for
 * longer than that cannot catch up from the bus and must replay from the outbox). Publishing sets
 * Nats-Msg-Id to the event id, so the stream drops an event the relay sends again within
 * `duplicateWindowMs` (a relay that crashed after publishing but before recording it).
 *
 * Reading uses an ordered consumer started at the reader's own position: JetStream guarantees order and
 * no gaps for it, and the position lives in the reader's database with its effects (consume-events.ts),
 * so nothing on the server has to be acknowledged or cleaned up. The client is pinned and tested against
 * nats-server 2.9.
 */

import { gunzipSync, gzipSync } from 'node:zlib';
import type { Consumer, JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { DeliverPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection, nanos } from '@nats-io/transport-node';
import { CdsError, describeError } from '../errors.ts';
import type { EventTransport } from './event-transport.ts';
import type { PositionedEvent } from './outbox-events.ts';
import { studyEventSchema } from './study-event.ts';

export interface NatsTransportOptions {
  /** e.g. nats://127.0.0.1:4222 */
  url: string;
  /** Stream name (default CDS_STUDIES). */
  stream?: string;
  /** Subject prefix; events go to `<prefix>.<NCT id>` (default cds.studies). */
  subjectPrefix?: string;
  /** How long the stream keeps events, in milliseconds (default 30 days): the longest a consumer may be down. */
  maxAgeMs?: number;
  /** De-duplication window by Nats-Msg-Id, in milliseconds (default 10 minutes). */
  duplicateWindowMs?: number;
  /** How long one read waits for messages the stream reported, in milliseconds (default 5 s, minimum 1 s). */
  fetchWaitMs?: number;
}

const DAY_MS = 86_400_000;

/**
 * Events larger than this (bytes of JSON) are sent gzip-compressed (header Content-Encoding: gzip). A study
 * with thousands of sites makes a document of over 1 MB, the server's default max_payload; compressed it is
 * about a tenth of that. Small events stay plain JSON, readable with `nats stream view`.
 */
const COMPRESS_ABOVE_BYTES = 64 * 1024;

/** Connects and creates the stream if it does not exist (an existing stream's settings are kept). */
export async function openNatsTransport(options: NatsTransportOptions): Promise<EventTransport> {
  const stream = options.stream ?? 'CDS_STUDIES';
  const prefix = options.subjectPrefix ?? 'cds.studies';
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: options.url, name: 'cds' });
  } catch (error) {
    throw new CdsError(
      'CONFIG',
      `Cannot connect to NATS at ${options.url}: ${describeError(error)}. ` +
        'Start nats-server with JetStream (-js), or unset CDS_NATS_URL to deliver events in-process.',
      {
        cause: error,
      },
    );
  }
  const jsm = await jetstreamManager(nc);
  await ensureStream(jsm, stream, prefix, options);
  const js = jetstream(nc);
  const reader = orderedReader(js, jsm, stream, Math.max(1000, options.fetchWaitMs ?? 5000));
  const encoder = new TextEncoder();
  return {
    source: `nats:${stream}`,
    async publish(events) {
      // One connection sends in call order and the stream stores in arrival order, so publishing a batch
      // concurrently keeps the events' order while paying one round trip, not one per event.
      await Promise.all(
        events.map((event) => {
          const json = encoder.encode(JSON.stringify(event));
          if (json.length <= COMPRESS_ABOVE_BYTES)
            return js.publish(`${prefix}.${event.nctId}`, json, { msgID: event.id });
          const h = headers();
          h.set('Content-Encoding', 'gzip');
          return js.publish(`${prefix}.${event.nctId}`, gzipSync(json), { msgID: event.id, headers: h });
        }),
      );
    },
    read: reader,
    async close() {
      await nc.drain();
    },
  };
}

async function ensureStream(
  jsm: JetStreamManager,
  stream: string,
  prefix: string,
  options: NatsTransportOptions,
): Promise<void> {
  try {
    await jsm.streams.info(stream);
    return;
  } catch (error) {
    if (!/not found/i.test(describeError(error))) throw error;
  }
  await jsm.streams.add({
    name: stream,
    subjects: [`${prefix}.>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: nanos(options.maxAgeMs ?? 30 * DAY_MS),
    duplicate_window: nanos(options.duplicateWindowMs ?? 10 * 60_000),
  });
}

/**
 * Reads after a position with an ordered consumer, reused while reads continue where the last one ended.
 * Refuses to skip: if the stream no longer holds the event after the position (retention removed it), the
 * reader says so instead of silently starting later.
 */
function orderedReader(js: JetStreamClient, jsm: JetStreamManager, stream: string, waitMs: number) {
  let current: { consumer: Consumer; next: number } | null = null;
  const decoder = new TextDecoder();
  return async (after: number, max: number): Promise<PositionedEvent[]> => {
    const { state } = await jsm.streams.info(stream);
    if (after >= state.last_seq) return [];
    if (state.first_seq > after + 1)
      throw new CdsError(
        'BAD_INPUT',
        `Stream ${stream} no longer holds the events after position ${after} (it starts at ${state.first_seq}): ` +
          'the consumer was down longer than the stream keeps events. Replay it from the outbox ' +
          '(unset CDS_NATS_URL and run `cds events consume`) or raise the stream max age.',
        { context: { stream, position: after } },
      );
    if (current === null || current.next !== after + 1) {
      const consumer = await js.consumers.get(stream, {
        deliver_policy: DeliverPolicy.StartSequence,
        opt_start_seq: after + 1,
      });
      current = { consumer, next: after + 1 };
    }
    const want = Math.min(max, state.last_seq - after);
    const messages = await current.consumer.fetch({ max_messages: want, expires: waitMs });
    const out: PositionedEvent[] = [];
    for await (const message of messages) {
      const body =
        message.headers?.get('Content-Encoding') === 'gzip' ? gunzipSync(message.data) : message.data;
      const parsed = studyEventSchema.safeParse(JSON.parse(decoder.decode(body)));
      if (!parsed.success)
        throw new CdsError(
          'BAD_INPUT',
          `Message ${message.seq} of stream ${stream} is not a study event: ` + parsed.error.message,
          { context: { stream, seq: message.seq } },
        );
      out.push({ position: message.seq, event: parsed.data });
      if (out.length >= want) break;
    }
    if (out.length > 0) current.next = out[out.length - 1]!.position + 1;
    return out;
  };
}
