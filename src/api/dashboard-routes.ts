/**
 * The console's dashboards on the HTTP API: GET /dashboards (what there is) and GET /dashboards/{id} (one
 * dashboard's rows with the SQL that produced them, so every chart can show its query). With no message
 * bus configured, a dashboard request first delivers pending events in-process (catchUpWarehouse), so the
 * figures include the last sync.
 */
import type { FastifyPluginAsync } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../config.ts';
import { DASHBOARDS, findDashboard } from '../dashboards/dashboards.ts';
import { CdsError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Db } from '../store/db.ts';
import { catchUpWarehouse } from '../warehouse/catch-up-warehouse.ts';
import { apiErrorHandler } from './api-error-handler.ts';
import { errorResponse } from './search-responses.ts';

export interface DashboardRoutesOptions {
  db: Db;
  config: Pick<Config, 'natsUrl'>;
  logger: Logger;
  /** The clock behind `generatedAt` (default: the system clock). */
  now?: () => Date;
}

const errors = { 400: errorResponse, 404: errorResponse, 500: errorResponse };

const summary = {
  id: z.string().describe('e.g. sites-by-country'),
  title: z.string(),
  description: z.string().describe('What the figures count, and from which rows'),
};

const listResponse = z.object({ dashboards: z.array(z.object(summary)) });

const dashboardResponse = z.object({
  ...summary,
  sql: z.string().describe('The query that produced `rows`, as run on the warehouse schema'),
  params: z.array(z.union([z.string(), z.number()])).describe('The values of $1, $2… in `sql`'),
  rows: z
    .array(z.record(z.string(), z.union([z.string(), z.number(), z.null()])))
    .describe('The query result, one object per row, columns by name'),
  generatedAt: z.string().describe('When the query ran (ISO timestamp, UTC)'),
});

export const dashboardRoutes: FastifyPluginAsync<DashboardRoutesOptions> = async (fastify, options) => {
  const { db, config } = options;
  const now = options.now ?? (() => new Date());
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  // Set here too, so the plugin also works on an instance that buildApp did not configure.
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(apiErrorHandler(options.logger));

  app.get(
    '/dashboards',
    {
      schema: {
        summary: 'List the dashboards',
        description: 'The dashboards over the warehouse that the console shows, in its order.',
        tags: ['dashboards'],
        response: { 200: listResponse, ...errors },
      },
    },
    async () => ({
      dashboards: DASHBOARDS.map(({ id, title, description }) => ({ id, title, description })),
    }),
  );

  app.get(
    '/dashboards/:id',
    {
      schema: {
        summary: 'One dashboard: its rows and its SQL',
        description:
          'Runs the dashboard query on the warehouse (brought up to date first when events are delivered ' +
          'in-process) and returns the rows with the SQL text and parameters behind them.',
        tags: ['dashboards'],
        params: z.object({ id: z.string().max(60).describe('A dashboard id from GET /dashboards') }),
        response: { 200: dashboardResponse, ...errors },
      },
    },
    async (request) => {
      const dashboard = findDashboard(request.params.id);
      if (!dashboard)
        throw new CdsError(
          'NOT_FOUND',
          `No dashboard "${request.params.id.slice(0, 60)}"; GET /dashboards lists them`,
        );
      await catchUpWarehouse(db, config);
      const rows = await dashboard.run(db);
      const { id, title, description, sql, params } = dashboard;
      return { id, title, description, sql, params: [...params], rows, generatedAt: now().toISOString() };
    },
  );
};
