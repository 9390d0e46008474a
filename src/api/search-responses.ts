/**
 * Response shapes of the search API, as zod schemas: fastify serializes through them (only the listed
 * fields leave the server) and the OpenAPI document is generated from them.
 */
import { z } from 'zod';
import { FACETS } from '../search/search-query.ts';
import { SUGGEST_KINDS } from '../search/suggest-terms.ts';

const nullableText = z.string().nullable();

/** The shape apiErrorHandler sends (api-error-handler.ts). */
export const errorResponse = z.object({
  error: z.object({
    code: z.string().describe('Stable code: BAD_QUERY, BAD_REQUEST, NOT_FOUND, TIMEOUT, INTERNAL'),
    message: z.string(),
  }),
});

export const sourceResponse = z
  .object({
    name: z.string(),
    publisher: z.string(),
    url: z.string(),
    dataTimestamp: nullableText.describe("ClinicalTrials.gov's dataTimestamp of the newest data loaded"),
    lastSyncAt: nullableText.describe('When the last successful sync finished (UTC)'),
  })
  .describe('Where the data comes from and how fresh it is');

const nearestSite = z.object({
  facility: nullableText,
  city: nullableText,
  state: nullableText,
  country: nullableText,
  status: nullableText,
  lat: z.number(),
  lon: z.number(),
  distance: z.number(),
  unit: z.enum(['km', 'mi']),
});

const studyHit = z.object({
  nctId: z.string(),
  briefTitle: nullableText,
  acronym: nullableText,
  overallStatus: nullableText,
  studyType: nullableText,
  phases: z.array(z.string()),
  conditions: z.array(z.string()),
  interventions: z.array(z.string()),
  leadSponsor: nullableText,
  sponsorClass: nullableText,
  enrollment: z.number().nullable(),
  startDate: nullableText,
  completionDate: nullableText,
  lastUpdatePostDate: nullableText,
  hasResults: z.boolean(),
  countries: z.array(z.string()),
  score: z.number().nullable(),
  snippet: nullableText.describe('Brief summary fragments, matched words between « and »'),
  nearestSite: nearestSite.nullable(),
});

const facetCounts = z.array(z.object({ value: z.string(), count: z.number() }));
const facets = z.object(
  Object.fromEntries(FACETS.map((f) => [f, facetCounts])) as Record<
    (typeof FACETS)[number],
    typeof facetCounts
  >,
);

export const searchResponse = z.object({
  studies: z.array(studyHit),
  total: z.number(),
  totalApproximate: z
    .boolean()
    .describe(
      'true above 10,000 matches: estimated from a 1-in-8 sample (1-in-64 when it holds 4,000+ matches)',
    ),
  nextCursor: nullableText,
  sort: z.string(),
  order: z.enum(['asc', 'desc']),
  ranking: z.enum(['full', 'capped']).nullable(),
  facets: facets.nullable(),
  facetsApproximate: z.boolean(),
  didYouMean: z.object({ field: z.string(), text: z.string() }).nullable(),
  notes: z.array(z.string()),
  source: sourceResponse,
});

export const facetsResponse = z.object({
  total: z.number(),
  totalApproximate: z.boolean(),
  facets,
  facetsApproximate: z.boolean(),
});

export const suggestResponse = z.object({
  suggestions: z.array(
    z.object({ kind: z.enum(SUGGEST_KINDS), term: z.string(), studyCount: z.number(), score: z.number() }),
  ),
});

const site = z.object({
  facility: nullableText,
  city: nullableText,
  state: nullableText,
  zip: nullableText,
  country: nullableText,
  status: nullableText,
  lat: z.number().nullable(),
  lon: z.number().nullable(),
});

export const studyResponse = z.object({
  nctId: z.string(),
  aliases: z.array(z.string()),
  orgStudyId: nullableText,
  briefTitle: nullableText,
  officialTitle: nullableText,
  acronym: nullableText,
  overallStatus: nullableText,
  studyType: nullableText,
  phases: z.array(z.string()),
  enrollment: z.number().nullable(),
  enrollmentType: nullableText,
  startDate: nullableText,
  primaryCompletionDate: nullableText,
  completionDate: nullableText,
  studyFirstPostDate: nullableText,
  lastUpdatePostDate: nullableText,
  conditions: z.array(z.string()),
  keywords: z.array(z.string()),
  conditionMeshTerms: z.array(z.string()),
  interventions: z.array(z.string()),
  interventionTypes: z.array(z.string()),
  leadSponsor: nullableText,
  sponsorClass: nullableText,
  collaborators: z.array(z.string()),
  countries: z.array(z.string()),
  sex: nullableText,
  minAge: nullableText,
  maxAge: nullableText,
  stdAges: z.array(z.string()),
  healthyVolunteers: z.boolean().nullable(),
  hasResults: z.boolean(),
  briefSummary: nullableText,
  eligibilityCriteria: nullableText,
  removedAt: nullableText.describe('Set when the study is no longer in the registry'),
  sites: z.array(site),
  document: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe('The study JSON as ClinicalTrials.gov returned it'),
  source: sourceResponse,
});
