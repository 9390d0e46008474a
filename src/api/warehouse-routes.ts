/**
 * The warehouse on the HTTP API: GET /studies/{nctId}/history (every version of a study since the first
 * sync, with what changed) and GET /asof (the studies that matched a filter at an instant). The same
 * answers as `cds history --json` and `cds asof --json`. With no message bus configured, each request first
 * delivers pending events in-process (catchUpWarehouse), so the answer includes the last sync.
 */
import type { FastifyPluginAsync } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../config.ts';
import { CdsError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { MAX_TEXT_LENGTH, NCT_ID_PATTERN } from '../search/search-query.ts';
import type { Db } from '../store/db.ts';
import { STUDY_ENUMS } from '../validate/study-enums.ts';
import { catchUpWarehouse } from '../warehouse/catch-up-warehouse.ts';
import { asOfInstant, studiesAsOf } from '../warehouse/studies-as-of.ts';
import { studyHistory } from '../warehouse/study-history.ts';
import { apiErrorHandler } from './api-error-handler.ts';
import { errorResponse } from './search-responses.ts';
import { asOfResponse, studyHistoryResponse } from './warehouse-responses.ts';

export interface WarehouseRoutesOptions {
  db: Db;
  config: Pick<Config, 'natsUrl'>;
  logger: Logger;
}

/** Most rows one as-of answer lists; `total` still counts them all. */
const MAX_AS_OF_LIMIT = 1000;

const errors = { 400: errorResponse, 404: errorResponse, 500: errorResponse };

const asOfQuerystring = z
  .object({
    date: z
      .string()
      .max(40)
      .describe('yyyy-MM-dd (the end of that day, UTC) or an ISO timestamp, e.g. 2025-01-01'),
    status: z
      .union([z.string().max(2000), z.array(z.string().max(100)).max(50)])
      .optional()
      .describe(`Overall status, any of: ${STUDY_ENUMS.Status.join(', ')}; comma-separated or repeated`),
    condition: z
      .string()
      .max(MAX_TEXT_LENGTH)
      .optional()
      .describe('Text in a condition, its MeSH term or a MeSH ancestor (case-insensitive, literal)'),
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(MAX_AS_OF_LIMIT)
      .default(100)
      .describe(`Studies listed, 1–${MAX_AS_OF_LIMIT} (default 100)`),
  })
  .strict();

/** Status values, upper-cased; a value that is not a ClinicalTrials.gov overall status is a 400. */
function statusList(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const statuses = (Array.isArray(value) ? value : [value])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim().toUpperCase())
    .filter((v) => v !== '');
  const known: readonly string[] = STUDY_ENUMS.Status;
  const unknown = statuses.find((s) => !known.includes(s));
  if (unknown !== undefined)
    throw new CdsError(
      'BAD_QUERY',
      `Invalid status "${unknown.slice(0, 40)}": expected one of ${known.join(', ')}`,
    );
  return statuses;
}

export const warehouseRoutes: FastifyPluginAsync<WarehouseRoutesOptions> = async (fastify, options) => {
  const { db, config } = options;
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  // Set here too, so the plugin also works on an instance that buildApp did not configure.
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(apiErrorHandler(options.logger));

  app.get(
    '/studies/:nctId/history',
    {
      schema: {
        summary: 'History of one study',
        description:
          'Every version of the study since the first sync, with the period it was current, its tracked ' +
          'attributes and the field-level changes that made it. History starts at the first sync.',
        tags: ['warehouse'],
        params: z.object({ nctId: z.string().max(20).describe('NCT id, e.g. NCT01234567') }),
        response: { 200: studyHistoryResponse, ...errors },
      },
    },
    async (request) => {
      const nctId = request.params.nctId.trim().toUpperCase();
      if (!NCT_ID_PATTERN.test(nctId))
        throw new CdsError('BAD_QUERY', `Invalid NCT id "${nctId.slice(0, 20)}": expected NCT and 8 digits`);
      await catchUpWarehouse(db, config);
      const history = await studyHistory(db, nctId);
      if (history.rows.length === 0)
        throw new CdsError(
          'NOT_FOUND',
          `No version of ${nctId} in the warehouse: history starts at the first sync that saw a study`,
        );
      return history;
    },
  );

  app.get(
    '/asof',
    {
      schema: {
        summary: 'Studies as of an instant',
        description:
          'The study versions that were current at the instant and match the filter, by NCT id. Before ' +
          'the first sync nothing is known (see historyStartsAt).',
        tags: ['warehouse'],
        querystring: asOfQuerystring,
        response: { 200: asOfResponse, ...errors },
      },
    },
    async (request) => {
      const { date, status, condition, limit } = request.query;
      const at = asOfInstant(date.trim());
      const statuses = statusList(status);
      await catchUpWarehouse(db, config);
      // PostgreSQL text cannot hold NUL: control characters are spaces, as in the search query model.
      const text = condition?.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
      return studiesAsOf(db, { at, statuses, condition: text || undefined, limit });
    },
  );
};
