/**
 * Adds the scheduler's and the console's routes to the API server: /sync/*, /runs*, the warehouse's
 * /studies/{nctId}/history and /asof, /dashboards*, /searches* (saved searches and alerts), /console/* and `/`.
 * `cds serve` calls it on the search API app; tests call it on a bare Fastify instance.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Scheduler } from '../schedule/scheduler.ts';
import type { Db } from '../store/db.ts';
import { consoleRoutes } from './console-routes.ts';
import { dashboardRoutes } from './dashboard-routes.ts';
import { runsRoutes } from './runs-routes.ts';
import { savedSearchRoutes } from './saved-search-routes.ts';
import { syncRoutes } from './sync-routes.ts';
import { warehouseRoutes } from './warehouse-routes.ts';

export interface RegisterConsoleOptions {
  db: Db;
  config: Pick<Config, 'host' | 'adminToken' | 'natsUrl'>;
  logger: Logger;
  scheduler: Scheduler | null;
}

export async function registerConsole(app: FastifyInstance, options: RegisterConsoleOptions): Promise<void> {
  const { db, config, logger, scheduler } = options;
  await app.register(syncRoutes, { db, config, logger, scheduler });
  await app.register(runsRoutes, { db, logger });
  await app.register(warehouseRoutes, { db, config, logger });
  await app.register(dashboardRoutes, { db, config, logger });
  await app.register(savedSearchRoutes, { db, config, logger });
  await app.register(consoleRoutes);
}
