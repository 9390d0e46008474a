/**
 * Adds the scheduler's and the console's routes to the API server: /sync/*, /runs*, /console/* and `/`.
 * `cds serve` calls it on the search API app; tests call it on a bare Fastify instance.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Scheduler } from '../schedule/scheduler.ts';
import type { Db } from '../store/db.ts';
import { consoleRoutes } from './console-routes.ts';
import { runsRoutes } from './runs-routes.ts';
import { syncRoutes } from './sync-routes.ts';

export interface RegisterConsoleOptions {
  db: Db;
  config: Pick<Config, 'host' | 'adminToken'>;
  logger: Logger;
  scheduler: Scheduler | null;
}

export async function registerConsole(app: FastifyInstance, options: RegisterConsoleOptions): Promise<void> {
  const { db, config, logger, scheduler } = options;
  await app.register(syncRoutes, { db, config, logger, scheduler });
  await app.register(runsRoutes, { db, logger });
  await app.register(consoleRoutes);
}
