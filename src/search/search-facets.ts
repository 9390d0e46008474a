/**
 * Facet counts and the total of a query without its page (GET /facets): the same plan, probe and
 * counting as searchStudies, so the numbers agree with a search's.
 */
import type { Db } from '../store/db.ts';
import { meshSynonyms } from './mesh-synonyms.ts';
import { countFacets, EXACT_COUNT_LIMIT, type Facets, probeMatches } from './search-counts.ts';
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
  const probe = await probeMatches(db, plan, timeoutMs);
  const sampled = probe.baseMatches > EXACT_COUNT_LIMIT;
  const counts = await countFacets(db, plan, { sample: sampled, withFacets: true, timeoutMs });
  const exactTotal = probe.matches <= EXACT_COUNT_LIMIT;
  return {
    total: exactTotal ? probe.matches : Math.max(counts.total, EXACT_COUNT_LIMIT + 1),
    totalApproximate: !exactTotal,
    facets: counts.facets as Facets,
    facetsApproximate: sampled,
  };
}
