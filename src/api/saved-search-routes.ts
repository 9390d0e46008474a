/**
 * Saved searches and their alerts on the HTTP API, for the console's alerts page and scripts:
 * POST /searches (save one), GET /searches, GET /searches/{id}, DELETE /searches/{id} and
 * GET /searches/{id}/alerts (what each sync added to, changed in or removed from its results, newest first).
 * Saving and deleting are admin actions (admin-guard.ts), checked before the body is read. With no message
 * bus configured, each request first delivers pending events in-process (catchUpWarehouse), so matches and
 * alerts include the last sync.
 *
 * A webhook URL often carries a secret in its path (a chat hook's token): answers show only its origin.
 */
import type { FastifyPluginAsync } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listAlerts } from '../alerts/list-alerts.ts';
import {
  deleteSavedSearch,
  getSavedSearch,
  listSavedSearches,
  type SavedSearch,
  saveSearch,
} from '../alerts/saved-searches.ts';
import type { Config } from '../config.ts';
import { CdsError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { describeIssues, type SearchQueryInput } from '../search/search-query.ts';
import type { Db } from '../store/db.ts';
import { catchUpWarehouse } from '../warehouse/catch-up-warehouse.ts';
import { adminGuard } from './admin-guard.ts';
import { apiErrorHandler } from './api-error-handler.ts';
import { studiesQuerystring, toSearchQuery } from './search-params.ts';
import { errorResponse } from './search-responses.ts';
import { fieldChangeResponse } from './warehouse-responses.ts';

export interface SavedSearchRoutesOptions {
  db: Db;
  config: Pick<Config, 'host' | 'adminToken' | 'natsUrl'>;
  logger: Logger;
}

const MAX_ALERTS_PAGE = 500;

const errors = {
  400: errorResponse,
  401: errorResponse,
  403: errorResponse,
  404: errorResponse,
  500: errorResponse,
  503: errorResponse,
};

const idParams = z.object({
  id: z
    .string()
    .regex(/^\d{1,15}$/, 'must be a saved search id (a positive integer)')
    .transform(Number)
    .describe('Saved search id'),
});

const saveBody = z
  .object({
    name: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters')
      .describe('A unique name, 1–200 characters'),
    query: z
      .union([
        z.string().max(8000).describe('The GET /studies parameters, e.g. condition=asthma&status=RECRUITING'),
        z
          .record(z.string(), z.unknown())
          .describe('The search query model, as `cds searches save` takes it: {"condition":"asthma"}'),
      ])
      .describe('The search; its page (cursor) is ignored'),
    webhookUrl: z
      .string()
      .max(2000)
      .nullable()
      .optional()
      .describe('http(s) URL that receives the alerts (POST, JSON), with retries'),
  })
  .strict();

const savedSearchResponse = z.object({
  id: z.number(),
  name: z.string(),
  query: z.record(z.string(), z.unknown()).describe('The validated search query model'),
  meshSynonyms: z.array(z.string()).describe('MeSH terms the condition reached through synonyms when saved'),
  webhookOrigin: z
    .string()
    .nullable()
    .describe("The webhook's origin; its path is not shown, as it may hold a secret"),
  createdAt: z.string().describe('ISO timestamp, UTC'),
  matches: z.number().describe('Studies in its results now'),
});

const alertsResponse = z.object({
  searchId: z.number(),
  alerts: z.array(
    z.object({
      id: z.number(),
      kind: z.enum(['added', 'changed', 'removed']),
      nctId: z.string(),
      version: z.number().describe('The study version the alert reports'),
      occurredAt: z.string().describe('When the sync recorded the change (ISO timestamp, UTC)'),
      changes: z.array(fieldChangeResponse).describe('Field-level changes (every one since the last alert)'),
      reason: z
        .string()
        .nullable()
        .describe('removed: no_longer_matches, missing_from_snapshot or merged; otherwise null'),
      webhook: z
        .enum(['pending', 'delivered', 'failed', 'none'])
        .describe('Webhook delivery; none when the search has no webhook'),
    }),
  ),
  nextBefore: z.number().nullable().describe('Pass as `before` for older alerts; null when there are none'),
});

/** GET /studies parameters (as the console's URL holds them) → the search query model input. */
function queryFromParams(text: string): SearchQueryInput {
  const params = new URLSearchParams(text.replace(/^\?/, ''));
  params.delete('cursor');
  params.delete('page');
  const raw: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    raw[key] = values.length === 1 ? values[0]! : values;
  }
  const parsed = studiesQuerystring.safeParse(raw);
  if (!parsed.success) throw new CdsError('BAD_QUERY', `Invalid search: ${describeIssues(parsed.error)}`);
  return toSearchQuery(parsed.data);
}

function present(search: SavedSearch) {
  const { webhookUrl, ...rest } = search;
  return { ...rest, webhookOrigin: webhookUrl === null ? null : new URL(webhookUrl).origin };
}

export const savedSearchRoutes: FastifyPluginAsync<SavedSearchRoutesOptions> = async (fastify, options) => {
  const { db, config } = options;
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  // Set here too, so the plugin also works on an instance that buildApp did not configure.
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(apiErrorHandler(options.logger));
  const guard = adminGuard(config);

  const existing = async (id: number): Promise<SavedSearch> => {
    const search = await getSavedSearch(db, id);
    if (!search) throw new CdsError('NOT_FOUND', `No saved search ${id}; GET /searches lists them`);
    return search;
  };

  app.post(
    '/searches',
    {
      onRequest: guard,
      schema: {
        summary: 'Save a search',
        description:
          'Admin action. Records the studies it matches now; from the next sync on, its alerts report the ' +
          'studies added to, changed in and removed from its results, and are posted to its webhook.',
        tags: ['saved searches'],
        body: saveBody,
        response: { 201: savedSearchResponse, ...errors },
      },
    },
    async (request, reply) => {
      const { name, query, webhookUrl } = request.body;
      await catchUpWarehouse(db, config);
      const saved = await saveSearch(db, {
        name,
        query: typeof query === 'string' ? queryFromParams(query) : query,
        webhookUrl: webhookUrl ?? null,
      });
      return reply.code(201).header('location', `/searches/${saved.id}`).send(present(saved));
    },
  );

  app.get(
    '/searches',
    {
      schema: {
        summary: 'Saved searches',
        tags: ['saved searches'],
        response: { 200: z.object({ searches: z.array(savedSearchResponse) }), ...errors },
      },
    },
    async () => {
      await catchUpWarehouse(db, config);
      return { searches: (await listSavedSearches(db)).map(present) };
    },
  );

  app.get(
    '/searches/:id',
    {
      schema: {
        summary: 'One saved search',
        tags: ['saved searches'],
        params: idParams,
        response: { 200: savedSearchResponse, ...errors },
      },
    },
    async (request) => {
      await catchUpWarehouse(db, config);
      return present(await existing(request.params.id));
    },
  );

  app.delete(
    '/searches/:id',
    {
      onRequest: guard,
      schema: {
        summary: 'Delete a saved search',
        description: 'Admin action. Deletes the saved search and its alerts.',
        tags: ['saved searches'],
        params: idParams,
        response: { 204: z.null().describe('Deleted'), ...errors },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      if (!(await deleteSavedSearch(db, id)))
        throw new CdsError('NOT_FOUND', `No saved search ${id}; GET /searches lists them`);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/searches/:id/alerts',
    {
      schema: {
        summary: "A saved search's alerts",
        description:
          'Newest first: the studies each sync added to (added), changed in (changed, with the field ' +
          'diff) or removed from (removed, with the reason) its results. Page with `before`.',
        tags: ['saved searches'],
        params: idParams,
        querystring: z
          .object({
            limit: z.coerce
              .number()
              .int()
              .min(1)
              .max(MAX_ALERTS_PAGE)
              .default(50)
              .describe(`Alerts, 1–${MAX_ALERTS_PAGE} (default 50)`),
            before: z.coerce
              .number()
              .int()
              .min(1)
              .max(Number.MAX_SAFE_INTEGER)
              .optional()
              .describe('Only alerts with an id below this (nextBefore of the previous page)'),
          })
          .strict(),
        response: { 200: alertsResponse, ...errors },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { limit, before } = request.query;
      await catchUpWarehouse(db, config);
      await existing(id);
      const alerts = await listAlerts(db, id, { limit, ...(before === undefined ? {} : { before }) });
      return {
        searchId: id,
        alerts,
        nextBefore: alerts.length === limit ? (alerts.at(-1)?.id ?? null) : null,
      };
    },
  );
};
