/**
 * The benchmarks' fixed search mix (bench/search.ts, bench/api.ts): narrow, broad, fielded, filtered, geo
 * and date-sorted queries, written as the GET /studies query strings a client sends. The library benchmark
 * turns each into a query the way the API does (searchMixQuery), so both measure the same searches.
 * Generated text recombines real records, so these words occur in it.
 */
import { studiesQuerystring, toSearchQuery } from '../../src/api/search-params.ts';
import type { SearchQueryInput } from '../../src/search/search-query.ts';

export const SEARCH_MIX: Record<string, Record<string, string>> = {
  'q cluster headache': { q: 'cluster headache' },
  'q venetoclax': { q: 'venetoclax' },
  'q "type 1 diabetes"': { q: '"type 1 diabetes"' },
  'q asthma +status': { q: 'asthma', status: 'RECRUITING' },
  'q depression +country +results': { q: 'depression', country: 'United States', hasResults: 'true' },
  'q melanoma by date': { q: 'melanoma', sort: 'last_update' },
  'q smoking cessation +start': { q: 'smoking cessation', startFrom: '2015-01-01' },
  'q vaccine +age 65-': { q: 'vaccine', ageMin: '65' },
  'condition herniated disc': { condition: 'herniated disc' },
  'condition leukemia +phase': { condition: 'leukemia', phase: 'PHASE2' },
  'intervention placebo +type': { intervention: 'placebo', studyType: 'INTERVENTIONAL' },
  'sponsor novartis': { sponsor: 'novartis' },
  'title pediatric': { title: 'pediatric' },
  'location boston': { location: 'boston' },
  'near NYC 50km': { near: '40.71,-74.01,50km' },
  'near NYC 20mi + q diabetes': { q: 'diabetes', near: '40.71,-74.01,20mi' },
  'filters only: recruiting phase 3': { status: 'RECRUITING', phase: 'PHASE3' },
  'q typo pembrolizumb': { q: 'pembrolizumb' },
  'q cancer': { q: 'cancer' },
  'q patients': { q: 'patients' },
  'q healthy': { q: 'healthy' },
  'condition neoplasms': { condition: 'neoplasms' },
  'q cancer by date': { q: 'cancer', sort: 'last_update' },
  'browse all by date': {},
  'q cancer +recruiting +phase 2': { q: 'cancer', status: 'RECRUITING', phase: 'PHASE2' },
};

/** A mix entry as the search library takes it, parsed and converted as GET /studies does. */
export function searchMixQuery(params: Record<string, string>): SearchQueryInput {
  return toSearchQuery(studiesQuerystring.parse(params));
}
