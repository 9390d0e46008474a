/**
 * Totals and facet counts. Counting every match of a broad query visits every matching heap row (2.9 s
 * for 267,000 "cancer" matches, postgres-search.md), so counts are exact up to EXACT_COUNT_LIMIT matches
 * and estimated above it on the fixed 1-in-SAMPLE_FACTOR sample of migration 000004 (marked approximate).
 *
 * Facets are disjunctive: each facet is counted over the matches of every filter except its own. One pass
 * reads the facet base (text and plain filters, without any facet filter) into a materialized CTE with one
 * boolean per facet filter; each facet then groups the rows that pass the other facets' booleans.
 *
 * countMatches reads the base once, bounded to EXACT_COUNT_LIMIT + 1 rows: a typical query (at most
 * EXACT_COUNT_LIMIT matches without its facet filters) gets its exact total and facets from that one
 * statement; only a broad one goes on to the sample.
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

/** Counts the matches of every predicate up to the limit: the LIMIT stops the scan (~10,000 row visits). */
async function boundedMatches(db: Db, plan: SearchPlan, timeoutMs: number): Promise<number> {
  const [row] = await runSearchSql<{ matches: number }>(
    db,
    sql`select count(*)::int as matches from (select 1 from ${plan.from} where ${predicates(plan)}
      limit ${sql.lit(EXACT_COUNT_LIMIT + 1)}) t`,
    timeoutMs,
    { indexed: plan.indexed },
  );
  return row?.matches ?? 0;
}

export interface MatchCounts {
  /** Matches of the whole query; an estimate above EXACT_COUNT_LIMIT. */
  total: number;
  totalApproximate: boolean;
  facets: Facets | null;
  facetsApproximate: boolean;
}

/**
 * The total and (withFacets) the facet counts of a query: exact from one bounded read of the facet base
 * when it has at most EXACT_COUNT_LIMIT rows; otherwise estimated on the sample, with the total still exact
 * when the facet filters bring the matches down to the limit.
 */
export async function countMatches(
  db: Db,
  plan: SearchPlan,
  options: { withFacets: boolean; timeoutMs: number },
): Promise<MatchCounts> {
  const { withFacets, timeoutMs } = options;
  const bounded = await countFacets(db, plan, { sample: false, bounded: true, withFacets, timeoutMs });
  if (bounded.baseRows <= EXACT_COUNT_LIMIT)
    return {
      total: bounded.total,
      totalApproximate: false,
      facets: bounded.facets,
      facetsApproximate: false,
    };
  const [sampled, matches] = await Promise.all([
    countFacets(db, plan, { sample: true, withFacets, timeoutMs }),
    hasFacetFilters(plan) ? boundedMatches(db, plan, timeoutMs) : EXACT_COUNT_LIMIT + 1,
  ]);
  const exact = matches <= EXACT_COUNT_LIMIT;
  return {
    total: exact ? matches : Math.max(sampled.total, EXACT_COUNT_LIMIT + 1),
    totalApproximate: !exact,
    facets: sampled.facets,
    facetsApproximate: withFacets,
  };
}

/** Each facet's value column in the base; array columns count each element. */
const FACET_COLUMNS: Record<FacetName, { value: Sql; array: boolean }> = {
  status: { value: sql`b.overall_status`, array: false },
  phase: { value: sql`b.phases`, array: true },
  studyType: { value: sql`b.study_type`, array: false },
  sponsorClass: { value: sql`b.lead_sponsor_class`, array: false },
  country: { value: sql`b.countries`, array: true },
  hasResults: { value: sql`b.has_results::text`, array: false },
  ageGroup: { value: sql`b.std_ages`, array: true },
};

const flag = (facet: FacetName) => sql.ref(`b.f_${facet}`);

export interface FacetCounts {
  /** Matches of the whole query (scaled when sampled; among the base rows read when bounded). */
  total: number;
  /** Rows of the facet base read (at most EXACT_COUNT_LIMIT + 1 when bounded; unscaled). */
  baseRows: number;
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
  options: { sample: boolean; withFacets: boolean; timeoutMs: number; bounded?: boolean },
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
    sql`select '#base'::text as facet, ''::text as value, count(*)::int as count from base b`,
  ];
  // Bounded, the facets only count when the base was read whole; a broad query counts them on the sample.
  const whole = options.bounded
    ? sql` and (select count(*) from base) <= ${sql.lit(EXACT_COUNT_LIMIT)}`
    : sql``;
  if (options.withFacets) {
    for (const facet of FACETS) {
      const { value, array } = FACET_COLUMNS[facet];
      // Arrays: unnest in the select list (one ProjectSet), ~2× faster than a lateral unnest per row.
      selects.push(
        array
          ? sql`select ${facet}::text as facet, u.v::text as value, count(*)::int as count
              from (select unnest(${value}) as v from base b where ${allFlags(facet)}${whole}) u
              where u.v is not null group by u.v`
          : sql`select ${facet}::text as facet, ${value}::text as value, count(*)::int as count
              from base b where ${allFlags(facet)} and ${value} is not null${whole} group by ${value}`,
      );
    }
  }
  const rows = await runSearchSql<{ facet: string; value: string; count: number }>(
    db,
    sql`with base as materialized (
      select s.overall_status, s.phases, s.study_type, s.lead_sponsor_class, s.countries, s.has_results,
        s.std_ages, ${sql.join(flags)}
      from ${plan.from} where ${where}${options.bounded ? sql` limit ${sql.lit(EXACT_COUNT_LIMIT + 1)}` : sql``}
    )
    ${sql.join(selects, sql` union all `)}`,
    options.timeoutMs,
    { indexed: plan.indexed && options.bounded === true },
  );
  const scale = options.sample ? SAMPLE_FACTOR : 1;
  let total = 0;
  let baseRows = 0;
  const facets = Object.fromEntries(FACETS.map((f) => [f, [] as FacetCount[]])) as Facets;
  for (const row of rows) {
    if (row.facet === '') total = row.count * scale;
    else if (row.facet === '#base') baseRows = row.count;
    else facets[row.facet as FacetName]?.push({ value: row.value, count: row.count * scale });
  }
  for (const facet of FACETS) {
    facets[facet].sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  }
  facets.country = facets.country.slice(0, MAX_COUNTRY_VALUES);
  return { total, baseRows, facets: options.withFacets ? facets : null, approximate: options.sample };
}
