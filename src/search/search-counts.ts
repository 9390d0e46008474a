/**
 * Totals and facet counts. Counting every match of a broad query visits every matching heap row (2.9 s
 * for 267,000 "cancer" matches, postgres-search.md), so counts are exact up to EXACT_COUNT_LIMIT matches
 * and estimated above it on the fixed 1-in-SAMPLE_FACTOR sample of migration 000004 (marked approximate).
 *
 * Facets are disjunctive: each facet is counted over the matches of every filter except its own. One pass
 * reads the facet base (text and plain filters, without any facet filter) into a materialized CTE with one
 * boolean per facet filter; each facet then groups the rows that pass the other facets' booleans.
 */
import { sql } from 'kysely';
import type { Db } from '../store/db.ts';
import { runSearchSql } from './run-search-sql.ts';
import { hasFacetFilters, predicates, type SearchPlan, type Sql } from './search-plan.ts';
import { FACETS, type FacetName } from './search-query.ts';

/** Up to this many matches, totals and facets are exact; above, estimated on the sample. */
export const EXACT_COUNT_LIMIT = 10_000;
/** The sample holds studies whose hashtext(nct_id) & 7 = 0: one in 8. */
export const SAMPLE_FACTOR = 8;
/** Countries listed in the country facet (the most frequent first). */
const MAX_COUNTRY_VALUES = 50;

export interface FacetCount {
  value: string;
  count: number;
}
export type Facets = Record<FacetName, FacetCount[]>;

export interface MatchProbe {
  /** Matches of the whole query, counted up to EXACT_COUNT_LIMIT + 1. */
  matches: number;
  /** Matches without the facet filters (the largest set a facet is counted over), same bound. */
  baseMatches: number;
}

/** Counts matches up to the limit: the LIMIT stops the scan, so a broad query costs ~10,000 row visits. */
export async function probeMatches(db: Db, plan: SearchPlan, timeoutMs: number): Promise<MatchProbe> {
  const bounded = (where: Sql) =>
    sql`(select count(*)::int from (select 1 from ${plan.from} where ${where}
      limit ${sql.lit(EXACT_COUNT_LIMIT + 1)}) t)`;
  const all = bounded(predicates(plan));
  const base = hasFacetFilters(plan) ? bounded(sql.join(plan.base, sql` and `)) : sql`null::int`;
  const [row] = await runSearchSql<{ matches: number; base_matches: number | null }>(
    db,
    sql`select ${all} as matches, ${base} as base_matches`,
    timeoutMs,
  );
  const matches = row?.matches ?? 0;
  return { matches, baseMatches: row?.base_matches ?? matches };
}

const FACET_COLUMNS: Record<FacetName, { value: Sql; from: Sql }> = {
  status: { value: sql`b.overall_status`, from: sql`base b` },
  phase: { value: sql`v`, from: sql`base b, unnest(b.phases) v` },
  studyType: { value: sql`b.study_type`, from: sql`base b` },
  sponsorClass: { value: sql`b.lead_sponsor_class`, from: sql`base b` },
  country: { value: sql`v`, from: sql`base b, unnest(b.countries) v` },
  hasResults: { value: sql`b.has_results::text`, from: sql`base b` },
  ageGroup: { value: sql`v`, from: sql`base b, unnest(b.std_ages) v` },
};

const flag = (facet: FacetName) => sql.ref(`b.f_${facet}`);

export interface FacetCounts {
  /** Matches of the whole query (scaled when sampled). */
  total: number;
  facets: Facets | null;
  approximate: boolean;
}

/**
 * Facet counts (and the total) over the matches; on the sample, scaled by SAMPLE_FACTOR, when the facet
 * base has more than EXACT_COUNT_LIMIT matches. `withFacets: false` counts only the total.
 */
export async function countFacets(
  db: Db,
  plan: SearchPlan,
  options: { sample: boolean; withFacets: boolean; timeoutMs: number },
): Promise<FacetCounts> {
  const flags = FACETS.map((facet) => {
    const filter = plan.facetFilters[facet];
    return sql`${filter ? sql`coalesce(${filter}, false)` : sql`true`} as ${sql.ref(`f_${facet}`)}`;
  });
  // The sample: with free text through the partial GIN index on the sample's vectors; otherwise through
  // the partial btree index, whose marker predicate (migration 000004) only these queries repeat.
  const sample = plan.freeText ? [sql`s.search_sample`] : [sql`s.search_sample`, sql`s.nct_id >= 'NCT'`];
  const where = sql.join(options.sample ? [...plan.base, ...sample] : plan.base, sql` and `);
  const allFlags = (without?: FacetName) => {
    const parts = FACETS.filter((f) => f !== without).map(flag);
    return sql.join(parts, sql` and `);
  };
  const selects: Sql[] = [
    sql`select ''::text as facet, ''::text as value, count(*)::int as count from base b where ${allFlags()}`,
  ];
  if (options.withFacets) {
    for (const facet of FACETS) {
      const { value, from } = FACET_COLUMNS[facet];
      selects.push(sql`select ${facet}::text as facet, ${value}::text as value, count(*)::int as count
        from ${from} where ${allFlags(facet)} and ${value} is not null group by ${value}`);
    }
  }
  const rows = await runSearchSql<{ facet: string; value: string; count: number }>(
    db,
    sql`with base as materialized (
      select s.overall_status, s.phases, s.study_type, s.lead_sponsor_class, s.countries, s.has_results,
        s.std_ages, ${sql.join(flags)}
      from ${plan.from} where ${where}
    )
    ${sql.join(selects, sql` union all `)}`,
    options.timeoutMs,
  );
  const scale = options.sample ? SAMPLE_FACTOR : 1;
  let total = 0;
  const facets = Object.fromEntries(FACETS.map((f) => [f, [] as FacetCount[]])) as Facets;
  for (const row of rows) {
    if (row.facet === '') total = row.count * scale;
    else facets[row.facet as FacetName]?.push({ value: row.value, count: row.count * scale });
  }
  for (const facet of FACETS) {
    facets[facet].sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  }
  facets.country = facets.country.slice(0, MAX_COUNTRY_VALUES);
  return { total, facets: options.withFacets ? facets : null, approximate: options.sample };
}
