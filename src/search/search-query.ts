/**
 * The search query model: one zod schema, validated at every entry (library, CLI, HTTP), from which the
 * TypeScript types are derived.
 *
 * Glossary
 * - free text (`q`): web-search syntax over the whole weighted study document: words are ANDed,
 *   "quoted phrases", `OR`, `-excluded` (PostgreSQL's websearch_to_tsquery; it never raises a syntax error).
 * - fielded text: the same syntax restricted to one search area (condition, intervention, title, outcome,
 *   sponsor, location, id), like ClinicalTrials.gov's query.cond / query.intr / ….
 * - filter: an exact condition (status, phase, dates, …). Facet filters (status, phase, studyType,
 *   sponsorClass, countries, hasResults, ageGroup) are counted disjunctively: a facet's counts ignore its
 *   own filter, so a user can see what ticking another status would add.
 * - near: a radius around a point; only sites with coordinates (CT.gov geoPoints) can match.
 * - cursor: an opaque keyset position returned with a page; valid only for the same query.
 */
import { z } from 'zod';
import { CdsError } from '../errors.ts';
import { STUDY_ENUMS } from '../validate/study-enums.ts';

/** Longest accepted text in any text parameter, in characters (CT.gov queries are short; this bounds parsing). */
export const MAX_TEXT_LENGTH = 500;
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;
/** Most values in one list filter (ids, countries, …). */
export const MAX_LIST_ITEMS = 100;
/** The longest radius accepted: half the Earth's circumference, in km. */
const MAX_RADIUS_KM = 20_040;
const KM_PER_MILE = 1.609344;

export const SORTS = [
  'relevance',
  'last_update',
  'start_date',
  'completion_date',
  'enrollment',
  'distance',
] as const;
export type SearchSort = (typeof SORTS)[number];

export const FACETS = [
  'status',
  'phase',
  'studyType',
  'sponsorClass',
  'country',
  'hasResults',
  'ageGroup',
] as const;
export type FacetName = (typeof FACETS)[number];

export const TEXT_FIELDS = [
  'condition',
  'intervention',
  'title',
  'outcome',
  'sponsor',
  'location',
  'id',
] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

/** Control characters become spaces (PostgreSQL rejects NUL in text); blank text means "not given". */
const searchText = z
  .string()
  .max(MAX_TEXT_LENGTH, `must be at most ${MAX_TEXT_LENGTH} characters`)
  .transform((s) => s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim())
  .transform((s) => (s === '' ? undefined : s))
  .optional();

export const NCT_ID_PATTERN = /^NCT\d{8}$/;
const nctId = z
  .string()
  .transform((s) => s.trim().toUpperCase())
  .pipe(z.string().regex(NCT_ID_PATTERN, 'must be an NCT id like NCT01234567'));

const isoDate = z.iso.date('must be a date YYYY-MM-DD');
const dateRange = z
  .object({ from: isoDate.optional(), to: isoDate.optional() })
  .strict()
  .refine((r) => !r.from || !r.to || r.from <= r.to, 'from must not be after to');

const list = <T extends z.ZodType>(item: T) => z.array(item).min(1).max(MAX_LIST_ITEMS).optional();

export const nearSchema = z
  .object({
    lat: z.number().min(-90).max(90),
    lon: z.number().min(-180).max(180),
    radius: z.number().positive().finite(),
    unit: z.enum(['km', 'mi']).default('km'),
  })
  .strict()
  .refine((n) => n.radius * (n.unit === 'mi' ? KM_PER_MILE : 1) <= MAX_RADIUS_KM, {
    message: `radius must be at most ${MAX_RADIUS_KM} km`,
  });
export type Near = z.output<typeof nearSchema>;

export const searchQuerySchema = z
  .object({
    q: searchText,
    condition: searchText,
    intervention: searchText,
    title: searchText,
    outcome: searchText,
    sponsor: searchText,
    location: searchText,
    /** NCT id, alias or the sponsor's org study id, space-separated. */
    id: searchText,
    ids: list(nctId),
    status: list(z.enum(STUDY_ENUMS.Status)),
    phase: list(z.enum(STUDY_ENUMS.Phase)),
    studyType: list(z.enum(STUDY_ENUMS.StudyType)),
    sponsorClass: list(z.enum(STUDY_ENUMS.AgencyClass)),
    ageGroup: list(z.enum(STUDY_ENUMS.StandardAge)),
    /** Country names as ClinicalTrials.gov writes them ("United States"). */
    // PostgreSQL text cannot hold NUL: a control character in a country is a 400, not a failed query.
    countries: list(
      z
        .string()
        .trim()
        .min(1)
        .max(100)
        .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters'),
    ),
    /** FEMALE or MALE: studies open to that sex (including ALL); ALL: studies open to every sex. */
    sex: z.enum(STUDY_ENUMS.Sex).optional(),
    healthyVolunteers: z.boolean().optional(),
    hasResults: z.boolean().optional(),
    /** Age range in years; a study matches when its eligible ages overlap it (no limit = open-ended). */
    ageMin: z.number().min(0).max(150).optional(),
    ageMax: z.number().min(0).max(150).optional(),
    /** Partial dates ("2024-03") are periods; a study matches when its period overlaps the range. */
    startDate: dateRange.optional(),
    completionDate: dateRange.optional(),
    lastUpdate: dateRange.optional(),
    near: nearSchema.optional(),
    /** Default: relevance with any text, else distance with `near`, else last_update. */
    sort: z.enum(SORTS).optional(),
    /** Relevance is always best first; the other sorts default to desc (distance: asc). */
    order: z.enum(['asc', 'desc']).optional(),
    pageSize: z.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
    cursor: z.string().max(1000).optional(),
    /** Condition search also matches MeSH terms, their ancestors and known synonyms (lower weight). */
    meshExpansion: z.boolean().default(true),
    /** Compute facet counts with the page. */
    facets: z.boolean().default(true),
  })
  .strict()
  .refine((s) => s.ageMin === undefined || s.ageMax === undefined || s.ageMin <= s.ageMax, {
    message: 'ageMin must not be greater than ageMax',
    path: ['ageMin'],
  })
  .refine((s) => s.sort !== 'distance' || s.near !== undefined, {
    message: 'sort=distance needs near (lat,lon,radius)',
    path: ['sort'],
  })
  .refine((s) => s.sort !== 'relevance' || s.order !== 'asc', {
    message: 'relevance is sorted best first only',
    path: ['order'],
  });

/** What callers pass (defaults optional). */
export type SearchQueryInput = z.input<typeof searchQuerySchema>;
/** A validated query with defaults applied. */
export type SearchQuery = z.output<typeof searchQuerySchema>;

/** Validates a query; throws CdsError('BAD_QUERY') naming each bad parameter and why. */
export function parseSearchQuery(input: unknown): SearchQuery {
  const parsed = searchQuerySchema.safeParse(input);
  if (!parsed.success) throw new CdsError('BAD_QUERY', `Invalid search: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 10)
    .map((i) => `${i.path.join('.') || 'query'}: ${i.message}`)
    .join('; ');
}

/** True when the query has any text (free or fielded), i.e. relevance can be computed. */
export function hasText(query: SearchQuery): boolean {
  return query.q !== undefined || TEXT_FIELDS.some((f) => query[f] !== undefined);
}

/** The effective sort and direction of a query. */
export function effectiveSort(query: SearchQuery): { sort: SearchSort; order: 'asc' | 'desc' } {
  const text = hasText(query);
  // Without text every study scores the same: "relevance" then means the default order.
  const asked = query.sort === 'relevance' && !text ? undefined : query.sort;
  const sort = asked ?? (text ? 'relevance' : query.near ? 'distance' : 'last_update');
  const order = sort === 'relevance' ? 'desc' : (query.order ?? (sort === 'distance' ? 'asc' : 'desc'));
  return { sort, order };
}

/** Radius in meters (earthdistance works in meters). */
export function radiusMeters(near: Near): number {
  return near.radius * (near.unit === 'mi' ? KM_PER_MILE : 1) * 1000;
}

/** Meters → the query's unit, rounded to 0.1. */
export function inUnit(meters: number, unit: Near['unit']): number {
  return Math.round((meters / 1000 / (unit === 'mi' ? KM_PER_MILE : 1)) * 10) / 10;
}

/**
 * Parses "lat,lon,radius[km|mi]" (e.g. "40.71,-74.01,50km", as in the CLI's --near and the API's near=).
 * Returns input for nearSchema, which checks the ranges.
 */
export function parseNear(text: string): { lat: number; lon: number; radius: number; unit: 'km' | 'mi' } {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*,\s*(\d+(?:\.\d+)?)\s*(km|mi)?\s*$/i.exec(text);
  if (!m)
    throw new CdsError(
      'BAD_QUERY',
      `Invalid near "${text.slice(0, 60)}": expected lat,lon,radius[km|mi], e.g. 40.71,-74.01,50km`,
    );
  return {
    lat: Number(m[1]),
    lon: Number(m[2]),
    radius: Number(m[3]),
    unit: (m[4]?.toLowerCase() ?? 'km') as 'km' | 'mi',
  };
}
