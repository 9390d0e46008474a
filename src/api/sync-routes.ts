/**
 * The sync on the HTTP API: GET /sync/status (freshness, the running sync, the schedule) and
 * POST /sync/run-now (an admin action: queues a sync now, never a second one beside a queued or running
 * sync).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Scheduler } from '../schedule/scheduler.ts';
import { getSyncStatus } from '../schedule/sync-status.ts';
import type { Db } from '../store/db.ts';
import { adminGuard } from './admin-guard.ts';
import { apiErrorHandler } from './api-error-handler.ts';

export interface SyncRoutesOptions {
  db: Db;
  config: Pick<Config, 'host' | 'adminToken'>;
  logger: Logger;
  /** Null: this server cannot queue syncs (the route answers 503 and says why). */
  scheduler: Scheduler | null;
}

export const syncRoutes: FastifyPluginAsync<SyncRoutesOptions> = async (app, options) => {
  const { db, scheduler } = options;
  app.setErrorHandler(apiErrorHandler(options.logger));

  app.get('/sync/status', async () => getSyncStatus(db, scheduler));

  app.post('/sync/run-now', { preHandler: adminGuard(options.config) }, async (_request, reply) => {
    if (!scheduler)
      return reply.code(503).send({
        error: {
          code: 'NO_SCHEDULER',
          message: 'This server runs without a scheduler; start `cds worker` or `cds serve` with one',
        },
      });
    const result = await scheduler.runNow();
    return reply.code(result.queued ? 202 : 200).send(result);
  });
};
