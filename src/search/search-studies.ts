/**
 * The search: validates the query, expands MeSH synonyms, then counts the matches and their facets
 * (exactly up to EXACT_COUNT_LIMIT, else on the sample) while fetching the ranked page, and offers a
 * spelling correction when text found nothing. Every statement runs under the search statement_timeout.
 */
import type { Db } from '../store/db.ts';
import { correctWords } from './did-you-mean.ts';
import { meshSynonyms } from './mesh-synonyms.ts';
import {
  countMatches,
  EXACT_COUNT_LIMIT,
  type Facets,
  readSparseSample,
  readsEachStudy,
} from './search-counts.ts';
import { decodeCursor, encodeCursor } from './search-cursor.ts';
import { fetchPage, type PageRow, RANK_CANDIDATE_CAP } from './search-page.ts';
import { buildSearchPlan } from './search-plan.ts';
import {
  effectiveSort,
  hasText,
  inUnit,
  type Near,
  parseSearchQuery,
  type SearchQuery,
  type SearchQueryInput,
  type SearchSort,
  TEXT_FIELDS,
  type TextField,
} from './search-query.ts';

export interface NearestSite {
  facility: string | null;
  city: string | null;
  state: string | null;
  country: string | null;
  /** The site's recruitment status. */
  status: string | null;
  lat: number;
  lon: number;
  /** Distance from the query's point, in the query's unit. */
  distance: number;
  unit: Near['unit'];
}

export interface StudyHit {
  nctId: string;
  briefTitle: string | null;
  acronym: string | null;
  overallStatus: string | null;
  studyType: string | null;
  phases: string[];
  conditions: string[];
  interventions: string[];
  leadSponsor: string | null;
  sponsorClass: string | null;
  enrollment: number | null;
  startDate: string | null;
  completionDate: string | null;
  lastUpdatePostDate: string | null;
  hasResults: boolean;
  countries: string[];
  /** Relevance score (higher is better) when sorted by relevance, else null. */
  score: number | null;
  /** Brief summary fragments with the matched words between « and »; null without text. */
  snippet: string | null;
  /** With `near`: the study's nearest site with coordinates, within the radius. */
  nearestSite: NearestSite | null;
}

export interface SearchResult {
  studies: StudyHit[];
  /** Matches of the whole query; estimated above 10,000 (then totalApproximate). */
  total: number;
  totalApproximate: boolean;
  /** Pass as `cursor` (with the same query) for the next page; null on the last page. */
  nextCursor: string | null;
  sort: SearchSort;
  order: 'asc' | 'desc';
  /**
   * 'full': every match was scored; 'capped': only the first RANK_CANDIDATE_CAP matches the index returned
   * were scored and can be paged (sort by a date to page through all); null when not sorted by relevance.
   */
  ranking: 'full' | 'capped' | null;
  facets: Facets | null;
  facetsApproximate: boolean;
  /** When text found nothing: the same query with its unknown words corrected, if that finds studies. */
  didYouMean: { field: 'q' | TextField; text: string } | null;
  /** Plain-language remarks on how the result was computed (approximate counts, geo coverage). */
  notes: string[];
}

export interface SearchOptions {
  /** statement_timeout of each search statement, in milliseconds. */
  timeoutMs?: number;
  /** Most matches scored for relevance (default RANK_CANDIDATE_CAP; the benchmark compares others). */
  rankCandidateCap?: number;
  /** Matches the 1-in-64 sample must hold to be used (default SPARSE_SAMPLE_MIN_ROWS; tests lower it). */
  sparseSampleMinRows?: number;
}

const DEFAULT_TIMEOUT_MS = 5_000;

export async function searchStudies(
  db: Db,
  input: SearchQueryInput,
  options: SearchOptions = {},
): Promise<SearchResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const rankCap = options.rankCandidateCap ?? RANK_CANDIDATE_CAP;
  const query = parseSearchQuery(input);
  const { sort, order } = effectiveSort(query);
  const after = query.cursor ? decodeCursor(query, sort, query.cursor) : null;
  const synonyms =
    query.condition && query.meshExpansion ? await meshSynonyms(db, query.condition, timeoutMs) : [];
  const plan = buildSearchPlan(query, synonyms);

  // On a server pool the counts and the page run at once on two connections. The counts read the facet
  // base once, bounded (search-counts.ts): a typical query's exact total and facets cost one statement.
  const sparse = readSparseSample(db, plan, { withFacets: query.facets, timeoutMs });
  // A radius without text: whether its matches are read study by study (its plan for that, or null), asked
  // by the count and the page.
  const eachStudy = readsEachStudy(db, plan, sparse, timeoutMs);
  const request = { sort, order, after, pageSize: query.pageSize, timeoutMs, rankCap, eachStudy };
  // A page of text sorted by a date or the enrollment walks that column's index and checks each row's text:
  // cheap when the text is broad ("cancer": 21 matches in ~115 rows), a vector read per row when it is not
  // ("melanoma", 3,700 matches: 2,464 rows for 21 at 605,500 studies). The sparse sample, read first
  // anyway, tells which: up to EXACT_COUNT_LIMIT estimated matches, the page sorts the text's matches read
  // through its index instead ("melanoma" by date: page 40 → 15 ms, search p50 51 → 42 ms).
  const sortedByColumn = sort !== 'relevance' && sort !== 'distance';
  const page =
    sortedByColumn && plan.indexed && !plan.near
      ? sparse.then((s) => fetchPage(db, plan, { ...request, bitmap: s.total <= EXACT_COUNT_LIMIT }))
      : fetchPage(db, plan, request);
  const [counts, rows] = await Promise.all([
    countMatches(db, plan, {
      withFacets: query.facets,
      timeoutMs,
      sparse,
      eachStudy,
      // A relevance page scores at most rankCap candidates; a date sort reads every match to order them.
      halves: sort === 'relevance',
      ...(options.sparseSampleMinRows !== undefined ? { sparseMinRows: options.sparseSampleMinRows } : {}),
    }),
    page,
  ]);
  const total = counts.total;
  const hasMore = rows.length > query.pageSize;
  const pageRows = rows.slice(0, query.pageSize);
  const last = pageRows.at(-1);
  const isDateSort = sort === 'last_update' || sort === 'start_date' || sort === 'completion_date';
  const nextCursor =
    hasMore && last
      ? encodeCursor(query, {
          key: isDateSort ? (last.sort_key_text ?? '') : Number(last.sort_key),
          nctId: last.nct_id,
        })
      : null;

  const notes: string[] = [];
  const ranking = sort === 'relevance' ? (total > rankCap ? 'capped' : 'full') : null;
  if (ranking === 'capped')
    notes.push(
      `Relevance was scored for the first ${rankCap} of the matches the index returned; ` +
        'sort by a date or add filters to see all matches.',
    );
  const sample = (factor: number | null) => `a 1-in-${factor} sample of studies`;
  if (counts.totalApproximate)
    notes.push(`The total is estimated from ${sample(counts.totalSample)} (more than 10,000 matches).`);
  if (counts.facetsApproximate) notes.push(`Facet counts are estimated from ${sample(counts.facetsSample)}.`);
  if (query.near)
    notes.push('Distance search covers only sites with coordinates; sites without a geo point cannot match.');

  const didYouMean = total === 0 && hasText(query) ? await suggestCorrection(db, query, timeoutMs) : null;

  return {
    studies: pageRows.map((row) => toHit(row, sort, query.near)),
    total,
    totalApproximate: counts.totalApproximate,
    nextCursor,
    sort,
    order,
    ranking,
    facets: counts.facets,
    facetsApproximate: counts.facetsApproximate,
    didYouMean,
    notes,
  };
}

/** The first text field whose corrected words make the query find studies. */
async function suggestCorrection(
  db: Db,
  query: SearchQuery,
  timeoutMs: number,
): Promise<SearchResult['didYouMean']> {
  for (const field of ['q', ...TEXT_FIELDS.filter((f) => f !== 'id')] as const) {
    const text = query[field];
    if (!text) continue;
    const corrected = await correctWords(db, text, timeoutMs);
    if (!corrected) continue;
    const plan = buildSearchPlan({ ...query, [field]: corrected }, []);
    const { total } = await countMatches(db, plan, { withFacets: false, timeoutMs });
    if (total > 0) return { field, text: corrected };
  }
  return null;
}

function toHit(row: PageRow, sort: SearchSort, near: Near | undefined): StudyHit {
  const site =
    near && row.site_lat !== null && row.site_lon !== null && row.site_distance_m !== null
      ? {
          facility: row.site_facility,
          city: row.site_city,
          state: row.site_state,
          country: row.site_country,
          status: row.site_status,
          lat: row.site_lat,
          lon: row.site_lon,
          distance: inUnit(row.site_distance_m, near.unit),
          unit: near.unit,
        }
      : null;
  return {
    nctId: row.nct_id,
    briefTitle: row.brief_title,
    acronym: row.acronym,
    overallStatus: row.overall_status,
    studyType: row.study_type,
    phases: row.phases ?? [],
    conditions: row.conditions ?? [],
    interventions: row.intervention_names ?? [],
    leadSponsor: row.lead_sponsor,
    sponsorClass: row.lead_sponsor_class,
    enrollment: row.enrollment,
    startDate: row.start_date,
    completionDate: row.completion_date,
    lastUpdatePostDate: row.last_update_post_date,
    hasResults: row.has_results,
    countries: row.countries ?? [],
    score: sort === 'relevance' ? Math.round(Number(row.sort_key) * 1e6) / 1e6 : null,
    snippet: row.snippet,
    nearestSite: site,
  };
}
