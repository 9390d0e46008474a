/**
 * `cds events relay` (publish committed outbox events to the bus), `cds events consume` (feed the
 * warehouse from the bus, or from the outbox when no bus is configured), once or following, and
 * `cds events backfill` (first versions for studies stored before versions existed).
 */
import type { Command } from 'commander';
import { alertsConsumer } from '../alerts/alerts-consumer.ts';
import { deliverAlertWebhooks } from '../alerts/deliver-alert-webhooks.ts';
import { backfillStudyVersions } from '../events/backfill-study-versions.ts';
import { consumeEvents } from '../events/consume-events.ts';
import { openEventTransport } from '../events/open-event-transport.ts';
import { relayOutbox } from '../events/relay-outbox.ts';
import { startRun } from '../runs/run-log.ts';
import type { Db } from '../store/db.ts';
import { openMigratedDb } from '../store/open-migrated-db.ts';
import { warehouseConsumer } from '../warehouse/apply-study-events.ts';
import type { CliContext } from './cli-context.ts';
import { untilStopSignal } from './stop-signal.ts';

interface FollowOptions {
  follow?: boolean;
  /** Seconds between polls when following. */
  interval: string;
}

export function registerEventsCommands(program: Command, context: CliContext): void {
  const events = program.command('events').description('change events: the outbox relay and consumers');

  events
    .command('relay')
    .description('publish committed outbox events to the bus (CDS_NATS_URL), in order')
    .option('--follow', 'keep publishing new events until stopped')
    .option('--interval <seconds>', 'poll interval when following', '2')
    .action(async (options: FollowOptions) => {
      await following(context, options, async (db, transport, signal) => {
        const result = await relayOutbox(db, transport, { signal });
        if (result.published > 0)
          context.logger.info('relayed events', { ...result, source: transport.source });
      });
    });

  events
    .command('consume')
    .description('apply new events to the warehouse and saved-search alerts (bus, or the outbox without one)')
    .option('--follow', 'keep consuming until stopped')
    .option('--interval <seconds>', 'poll interval when following', '2')
    .action(async (options: FollowOptions) => {
      await following(context, options, async (db, transport, signal) => {
        // Without a bus the outbox is the log: number what committed, then read it.
        if (transport.source === 'outbox') await relayOutbox(db, transport, { signal });
        for (const consumer of [warehouseConsumer, alertsConsumer]) {
          const result = await consumeEvents(db, transport, consumer, { signal });
          if (result.batches > 0 || !options.follow)
            context.logger.info(`${consumer.name} consumer`, { ...result, source: transport.source });
        }
        // Webhooks of saved searches: due alerts, and retries of earlier failures.
        const webhooks = await deliverAlertWebhooks(db);
        if (webhooks.delivered + webhooks.retrying + webhooks.failed > 0)
          context.logger.info('alert webhooks', { ...webhooks });
      });
    });

  events
    .command('backfill')
    .description('record a first version and study.created event for stored studies that have none')
    .action(async () => {
      const db = await openMigratedDb(context.loadConfig());
      try {
        const run = await startRun(db, { kind: 'rebuild', params: { what: 'study versions backfill' } });
        try {
          const result = await backfillStudyVersions(db, run.id);
          await run.addCounts({ ...result });
          await run.succeed();
          context.io.out(
            `run ${run.id}: ${result.created} studies got a first version` +
              (result.skipped ? `, ${result.skipped} skipped (stored hash differs: re-load them)` : '') +
              '\n',
          );
        } catch (error) {
          await run.fail(error);
          throw error;
        }
      } finally {
        await db.close();
      }
    });
}

/** Runs `step` once, or every `interval` seconds until SIGINT/SIGTERM with --follow. */
async function following(
  context: CliContext,
  options: FollowOptions,
  step: (
    db: Db,
    transport: Awaited<ReturnType<typeof openEventTransport>>,
    signal: AbortSignal,
  ) => Promise<void>,
): Promise<void> {
  const config = context.loadConfig();
  const db = await openMigratedDb(config);
  const controller = new AbortController();
  try {
    const transport = await openEventTransport(config, db);
    try {
      if (!options.follow) return await step(db, transport, controller.signal);
      const stopped = untilStopSignal().then(() => controller.abort());
      const intervalMs = Math.max(0.1, Number(options.interval) || 2) * 1000;
      while (!controller.signal.aborted) {
        await step(db, transport, controller.signal);
        await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, intervalMs))]);
      }
    } finally {
      await transport.close();
    }
  } finally {
    await db.close();
  }
}
