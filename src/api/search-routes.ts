/**
 * The search API: GET /studies (search), GET /studies/{nctId} (one study, typed fields and the raw
 * document), GET /facets (counts only) and GET /suggest (typeahead). Parameters are validated twice over:
 * their HTTP shape by the route schema (unknown parameters and over-long values are a 400), their meaning
 * by the search query model. Every response names the source and how fresh the data is.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CdsError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { getSyncStatus, SOURCE_CREDIT } from '../schedule/sync-status.ts';
import { getStudy } from '../search/get-study.ts';
import { searchFacets } from '../search/search-facets.ts';
import { NCT_ID_PATTERN } from '../search/search-query.ts';
import { searchStudies } from '../search/search-studies.ts';
import { suggestTerms } from '../search/suggest-terms.ts';
import type { Db } from '../store/db.ts';
import { apiErrorHandler } from './api-error-handler.ts';
import { studiesQuerystring, suggestQuerystring, toSearchQuery, toSuggestQuery } from './search-params.ts';
import {
  errorResponse,
  facetsResponse,
  searchResponse,
  studyResponse,
  suggestResponse,
} from './search-responses.ts';

export interface SearchRoutesOptions {
  db: Db;
  logger: Logger;
  /** statement_timeout of each search statement, in milliseconds (config.searchTimeoutMs). */
  searchTimeoutMs: number;
}

const errors = { 400: errorResponse, 404: errorResponse, 503: errorResponse, 500: errorResponse };

export const searchRoutes: FastifyPluginAsync<SearchRoutesOptions> = async (fastify, options) => {
  const { db, searchTimeoutMs: timeoutMs } = options;
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.setErrorHandler(apiErrorHandler(options.logger));

  const source = async () => {
    const status = await getSyncStatus(db, null);
    return {
      ...SOURCE_CREDIT,
      dataTimestamp: status.dataTimestamp,
      lastSyncAt: status.lastSuccessfulSync?.finishedAt ?? null,
    };
  };

  app.get(
    '/studies',
    {
      schema: {
        summary: 'Search studies',
        description:
          'Ranked, filtered, faceted search with keyset pagination. Totals and facet counts above 10,000 ' +
          'matches are estimated and marked approximate. Distance search covers only sites with coordinates.',
        tags: ['search'],
        querystring: studiesQuerystring,
        response: { 200: searchResponse, ...errors },
      },
    },
    async (request) => {
      const [result, from] = await Promise.all([
        searchStudies(db, toSearchQuery(request.query), { timeoutMs }),
        source(),
      ]);
      return { ...result, source: from };
    },
  );

  app.get(
    '/studies/:nctId',
    {
      schema: {
        summary: 'One study',
        description: 'Typed fields, sites and the raw document as ClinicalTrials.gov returned it.',
        tags: ['search'],
        params: z.object({
          nctId: z.string().max(20).describe('NCT id (or a merged alias), e.g. NCT01234567'),
        }),
        response: { 200: studyResponse, ...errors },
      },
    },
    async (request) => {
      const nctId = request.params.nctId.trim().toUpperCase();
      if (!NCT_ID_PATTERN.test(nctId))
        throw new CdsError('BAD_QUERY', `Invalid NCT id "${nctId.slice(0, 20)}": expected NCT and 8 digits`);
      const [study, from] = await Promise.all([getStudy(db, nctId), source()]);
      if (!study) throw new CdsError('NOT_FOUND', `No study ${nctId} in this mirror`);
      return { ...study, source: from };
    },
  );

  app.get(
    '/facets',
    {
      schema: {
        summary: 'Facet counts of a search',
        description: 'The same parameters as /studies; each facet ignores its own filter.',
        tags: ['search'],
        querystring: studiesQuerystring,
        response: { 200: facetsResponse, ...errors },
      },
    },
    async (request) => searchFacets(db, toSearchQuery(request.query), { timeoutMs }),
  );

  app.get(
    '/suggest',
    {
      schema: {
        summary: 'Typeahead suggestions',
        description:
          'Conditions, interventions, sponsors and MeSH terms similar to the text, typos tolerated.',
        tags: ['search'],
        querystring: suggestQuerystring,
        response: { 200: suggestResponse, ...errors },
      },
    },
    async (request) => ({ suggestions: await suggestTerms(db, toSuggestQuery(request.query), timeoutMs) }),
  );
};
