/**
 * Facet counts and the total of a query without its page (GET /facets): the same plan and counting as
 * searchStudies, so the numbers agree with a search's.
 */
import type { Db } from '../store/db.ts';
import { meshSynonyms } from './mesh-synonyms.ts';
import { countMatches, type Facets } from './search-counts.ts';
import { buildSearchPlan } from './search-plan.ts';
import { parseSearchQuery, type SearchQueryInput } from './search-query.ts';
import type { SearchOptions } from './search-studies.ts';

export interface FacetResult {
  total: number;
  totalApproximate: boolean;
  facets: Facets;
  facetsApproximate: boolean;
}

export async function searchFacets(
  db: Db,
  input: SearchQueryInput,
  options: SearchOptions = {},
): Promise<FacetResult> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const query = parseSearchQuery({ ...input, cursor: undefined, facets: true });
  const synonyms =
    query.condition && query.meshExpansion ? await meshSynonyms(db, query.condition, timeoutMs) : [];
  const plan = buildSearchPlan(query, synonyms);
  const counts = await countMatches(db, plan, { withFacets: true, timeoutMs });
  return { ...counts, facets: counts.facets as Facets };
}
