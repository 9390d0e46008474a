/**
 * The HTTP form of the search query: flat query-string parameters (lists comma-separated or repeated,
 * `near=lat,lon,radius[km|mi]`, dates as from/to pairs), documented in the OpenAPI description, and their
 * translation into the search query model, which does the real validation (search-query.ts).
 */
import { z } from 'zod';
import { CdsError } from '../errors.ts';
import {
  MAX_PAGE_SIZE,
  MAX_TEXT_LENGTH,
  parseNear,
  type SearchQueryInput,
  SORTS,
} from '../search/search-query.ts';
import { SUGGEST_KINDS, type SuggestQueryInput } from '../search/suggest-terms.ts';
import { STUDY_ENUMS } from '../validate/study-enums.ts';

/** A list parameter: comma-separated, or the parameter repeated. */
const listParam = (what: string) =>
  z
    .union([z.string().max(2000), z.array(z.string().max(2000)).max(100)])
    .optional()
    .describe(`${what}; comma-separated or repeated`);

const textParam = (what: string) =>
  z.string().max(MAX_TEXT_LENGTH, `must be at most ${MAX_TEXT_LENGTH} characters`).optional().describe(what);

const boolParam = (what: string) => z.enum(['true', 'false']).optional().describe(what);
const dateParam = (what: string) => z.string().max(10).optional().describe(`${what} (YYYY-MM-DD)`);

const TEXT_SYNTAX = 'web-search syntax: words, "exact phrase", OR, -exclude';

export const studiesQuerystring = z
  .object({
    q: textParam(`Free text over the whole study (${TEXT_SYNTAX})`),
    condition: textParam('Conditions, with MeSH terms, ancestors and synonyms unless meshExpansion=false'),
    intervention: textParam('Intervention names and their MeSH terms'),
    title: textParam('Acronym, brief and official title'),
    outcome: textParam('Outcome measures'),
    sponsor: textParam('Lead sponsor, collaborators, organization'),
    location: textParam('Site facility, city, state or country'),
    id: textParam('NCT ids, aliases or org study ids, space-separated'),
    ids: listParam('NCT ids (also matches merged aliases)'),
    status: listParam(`Overall status: ${STUDY_ENUMS.Status.join(', ')}`),
    phase: listParam(`Phase: ${STUDY_ENUMS.Phase.join(', ')}`),
    studyType: listParam(`Study type: ${STUDY_ENUMS.StudyType.join(', ')}`),
    sponsorClass: listParam(`Lead sponsor class: ${STUDY_ENUMS.AgencyClass.join(', ')}`),
    ageGroup: listParam(`Standard age group: ${STUDY_ENUMS.StandardAge.join(', ')}`),
    country: z
      .union([z.string().max(2000), z.array(z.string().max(200)).max(50)])
      .optional()
      .describe('Site countries as ClinicalTrials.gov names them; "|"-separated or repeated'),
    sex: z.string().max(10).optional().describe('FEMALE or MALE (studies open to that sex), ALL'),
    healthyVolunteers: boolParam('Accepts healthy volunteers'),
    hasResults: boolParam('Has posted results'),
    ageMin: z
      .string()
      .max(10)
      .optional()
      .describe('Youngest age of the range, years (eligible ages overlap)'),
    ageMax: z.string().max(10).optional().describe('Oldest age of the range, years'),
    startFrom: dateParam('Start date from'),
    startTo: dateParam('Start date to'),
    completionFrom: dateParam('Completion date from'),
    completionTo: dateParam('Completion date to'),
    updatedFrom: dateParam('Last update posted from'),
    updatedTo: dateParam('Last update posted to'),
    near: z
      .string()
      .max(100)
      .optional()
      .describe(
        'lat,lon,radius with km (default) or mi, e.g. 40.71,-74.01,50km; only sites with coordinates match',
      ),
    sort: z
      .string()
      .max(20)
      .optional()
      .describe(`${SORTS.join(', ')} (default relevance with text)`),
    order: z.string().max(4).optional().describe('asc or desc (not for relevance)'),
    pageSize: z.string().max(6).optional().describe(`Results per page, 1–${MAX_PAGE_SIZE} (default 20)`),
    cursor: z
      .string()
      .max(1000)
      .optional()
      .describe('nextCursor of the previous page, with the same parameters'),
    meshExpansion: boolParam('Expand condition search through MeSH (default true)'),
    facets: boolParam('Compute facet counts (default true)'),
  })
  .strict();
export type StudiesQuerystring = z.infer<typeof studiesQuerystring>;

const splitList = (value: string | string[] | undefined, separator: RegExp): string[] | undefined => {
  if (value === undefined) return undefined;
  const items = (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(separator));
  const cleaned = items.map((v) => v.trim()).filter((v) => v !== '');
  return cleaned.length > 0 ? cleaned : undefined;
};

const number = (name: string, value: string | undefined): number | undefined => {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new CdsError('BAD_QUERY', `Invalid search: ${name}: must be a number`);
  return n;
};

const bool = (value: 'true' | 'false' | undefined) => (value === undefined ? undefined : value === 'true');
const range = (from: string | undefined, to: string | undefined) =>
  from || to ? { ...(from ? { from } : {}), ...(to ? { to } : {}) } : undefined;

/** Query-string parameters → the search query model input (validated by parseSearchQuery next). */
export function toSearchQuery(qs: StudiesQuerystring): SearchQueryInput {
  const comma = /,/;
  return {
    q: qs.q,
    condition: qs.condition,
    intervention: qs.intervention,
    title: qs.title,
    outcome: qs.outcome,
    sponsor: qs.sponsor,
    location: qs.location,
    id: qs.id,
    ids: splitList(qs.ids, comma),
    status: splitList(qs.status, comma)?.map((v) => v.toUpperCase()) as SearchQueryInput['status'],
    phase: splitList(qs.phase, comma)?.map((v) => v.toUpperCase()) as SearchQueryInput['phase'],
    studyType: splitList(qs.studyType, comma)?.map((v) => v.toUpperCase()) as SearchQueryInput['studyType'],
    sponsorClass: splitList(qs.sponsorClass, comma)?.map((v) =>
      v.toUpperCase(),
    ) as SearchQueryInput['sponsorClass'],
    ageGroup: splitList(qs.ageGroup, comma)?.map((v) => v.toUpperCase()) as SearchQueryInput['ageGroup'],
    countries: splitList(qs.country, /\|/),
    sex: qs.sex?.toUpperCase() as SearchQueryInput['sex'],
    healthyVolunteers: bool(qs.healthyVolunteers),
    hasResults: bool(qs.hasResults),
    ageMin: number('ageMin', qs.ageMin),
    ageMax: number('ageMax', qs.ageMax),
    startDate: range(qs.startFrom, qs.startTo),
    completionDate: range(qs.completionFrom, qs.completionTo),
    lastUpdate: range(qs.updatedFrom, qs.updatedTo),
    near: qs.near ? parseNear(qs.near) : undefined,
    sort: qs.sort as SearchQueryInput['sort'],
    order: qs.order as SearchQueryInput['order'],
    pageSize: number('pageSize', qs.pageSize),
    cursor: qs.cursor,
    meshExpansion: bool(qs.meshExpansion),
    facets: bool(qs.facets),
  };
}

export const suggestQuerystring = z
  .object({
    q: z.string().max(100).describe('What the user typed so far (2–100 characters)'),
    kind: listParam(`Term kinds: ${SUGGEST_KINDS.join(', ')} (default all)`),
    limit: z.string().max(3).optional().describe('Suggestions, 1–50 (default 10)'),
  })
  .strict();

export function toSuggestQuery(qs: z.infer<typeof suggestQuerystring>): SuggestQueryInput {
  return {
    q: qs.q,
    kinds: splitList(qs.kind, /,/) as SuggestQueryInput['kinds'],
    limit: number('limit', qs.limit),
  };
}
