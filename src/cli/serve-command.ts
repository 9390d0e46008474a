/**
 * `cds serve`: the search API and the web console on http://127.0.0.1:8080 (CDS_HOST, CDS_PORT), and the
 * scheduler in the same process: always on the embedded database (the only process that may open it),
 * and on PostgreSQL unless --no-worker leaves the jobs to `cds worker`. It still queues "run now" then.
 */
import type { Command } from 'commander';
import { assertAdminTokenFor } from '../api/admin-guard.ts';
import { buildApp } from '../api/build-app.ts';
import { registerConsole } from '../api/register-console.ts';
import { createScheduler } from '../schedule/create-scheduler.ts';
import { openMigratedDb } from '../store/open-migrated-db.ts';
import type { CliContext } from './cli-context.ts';
import { untilStopSignal } from './stop-signal.ts';

export function registerServeCommand(program: Command, context: CliContext): void {
  program
    .command('serve')
    .description('serve the search API and the web console, and run the sync scheduler in-process')
    .option(
      '--host <address>',
      'address to listen on (default 127.0.0.1; beyond loopback needs CDS_ADMIN_TOKEN)',
    )
    .option('--port <port>', 'port to listen on (default 8080)')
    .option('--no-worker', 'PostgreSQL only: queue syncs but leave running them to `cds worker`')
    .action(async (options: { host?: string; port?: string; worker: boolean }) => {
      const config = context.loadConfig({ host: options.host, port: options.port });
      assertAdminTokenFor(config);
      const logger = context.logger.child({ command: 'serve' });
      const db = await openMigratedDb(config);
      const scheduler = createScheduler({ db, config, logger, executes: options.worker });
      const app = await buildApp({ db, config, logger });
      try {
        await registerConsole(app, { db, config, logger, scheduler });
        await scheduler.start();
        const address = await app.listen({ host: config.host, port: config.port });
        context.io.err(
          `cds serve: console at ${address}/console/ (data: ClinicalTrials.gov, U.S. National Library of Medicine)\n`,
        );
        await untilStopSignal();
      } finally {
        await app.close();
        await scheduler.stop();
        await db.close();
      }
    });
}
