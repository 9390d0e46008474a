/**
 * `cds worker`: runs the scheduler on PostgreSQL until SIGINT/SIGTERM — the sync on its cron, "run now"
 * jobs queued by `cds serve`, retries. Any number of workers may run; each tick still makes one sync.
 */
import type { Command } from 'commander';
import { CdsError } from '../errors.ts';
import { createScheduler } from '../schedule/create-scheduler.ts';
import { openMigratedDb } from '../store/open-migrated-db.ts';
import type { CliContext } from './cli-context.ts';
import { untilStopSignal } from './stop-signal.ts';

export function registerWorkerCommand(program: Command, context: CliContext): void {
  program
    .command('worker')
    .description(
      'run the scheduler (sync on CDS_SYNC_CRON, "run now", retries) on the PostgreSQL of DATABASE_URL',
    )
    .option('--run-now', 'queue a sync when the worker starts')
    .action(async (options: { runNow?: boolean }) => {
      const config = context.loadConfig();
      if (!config.databaseUrl)
        throw new CdsError(
          'CONFIG',
          'The embedded database (no DATABASE_URL) allows only one process, so it has no separate worker: ' +
            '`cds serve` runs the scheduler in-process. To run a worker, set DATABASE_URL to a PostgreSQL server.',
        );
      const logger = context.logger.child({ command: 'worker' });
      const db = await openMigratedDb(config);
      const scheduler = createScheduler({ db, config, logger });
      try {
        await scheduler.start();
        if (options.runNow) await scheduler.runNow();
        const status = await scheduler.status();
        context.io.err(
          `cds worker: sync on "${status.cron}" (UTC), next at ${status.nextTickAt ?? 'never'}; Ctrl-C stops\n`,
        );
        await untilStopSignal();
      } finally {
        await scheduler.stop();
        await db.close();
      }
    });
}
