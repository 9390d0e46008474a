/**
 * One page of results in keyset order, with the display columns, the highlighted snippet (ts_headline,
 * computed for the page's rows only: it re-parses the text and is ~10× the cost of matching) and, with
 * `near`, each study's nearest site and its distance.
 *
 * Relevance: ts_rank_cd has to read the tsvector of every row it scores (4 s for 267,000 "cancer" matches,
 * postgres-search.md), so it scores at most RANK_CANDIDATE_CAP matches: all of them for a selective query,
 * the first ones the index returns for a broad one (the response says `ranking: 'capped'`). The cap bounds
 * the cost of every query; bench/search.ts measures the alternatives.
 */
import { sql } from 'kysely';
import type { Db } from '../store/db.ts';
import { runSearchSql } from './run-search-sql.ts';
import type { CursorPosition } from './search-cursor.ts';
import {
  chordToMeters,
  nearestSiteOf,
  nearestSitesFirst,
  nearOrigin,
  nearSites,
  predicates,
  type SearchPlan,
  type Sql,
  siteSlab,
} from './search-plan.ts';
import type { SearchSort } from './search-query.ts';

/**
 * Default for the most matches scored for relevance per query. bench/search.ts at 499,500 studies (shared,
 * loaded 2-core machine, 128 MB shared_buffers): scoring every match of the broad queries took p95 10.7 s,
 * a cap of 2,000 ~1.3 s, 500 ~0.3 s for "cluster headache" (1.4 s at 2,000); the capped top 10 kept 88%
 * (2,000) and 76% (500) of the full ranking's top-10 score. Reading each candidate's TOASTed vector is
 * the cost, so the cap is what bounds it.
 */
export const RANK_CANDIDATE_CAP = 500;

const HEADLINE_OPTIONS =
  'MaxFragments=2, MinWords=8, MaxWords=24, FragmentDelimiter=" … ", StartSel=«, StopSel=»';

export interface PageRow {
  nct_id: string;
  sort_key: number | string | null;
  sort_key_text: string | null;
  brief_title: string | null;
  acronym: string | null;
  overall_status: string | null;
  study_type: string | null;
  phases: string[];
  conditions: string[];
  intervention_names: string[];
  lead_sponsor: string | null;
  lead_sponsor_class: string | null;
  enrollment: number | null;
  start_date: string | null;
  completion_date: string | null;
  last_update_post_date: string | null;
  has_results: boolean;
  countries: string[];
  snippet: string | null;
  site_facility: string | null;
  site_city: string | null;
  site_state: string | null;
  site_country: string | null;
  site_status: string | null;
  site_lat: number | null;
  site_lon: number | null;
  site_distance_m: number | null;
  /** A page read from the nearest sites only: the chord of the farthest of them, and how many were read. */
  nearest_reach?: number | string;
  nearest_sites?: number | string;
}

interface SortSpec {
  key: Sql;
  desc: boolean;
  /** SQL type of the cursor's key parameter. */
  cast: 'date' | 'float8' | 'int';
}

/** The sort key expressions; the date and enrollment ones match the indexes of migration 000004. */
function sortSpec(plan: SearchPlan, sort: SearchSort, order: 'asc' | 'desc'): SortSpec {
  const desc = order === 'desc';
  const missing = desc ? sql`'-infinity'::date` : sql`'infinity'::date`;
  switch (sort) {
    case 'relevance':
      return { key: plan.rank ?? sql`0::float8`, desc: true, cast: 'float8' };
    case 'distance':
      // The chord orders as the distance does (search-plan.ts nearSites); the cursor holds the chord.
      return { key: sql`n.chord_m`, desc, cast: 'float8' };
    case 'enrollment':
      return { key: sql`coalesce(s.enrollment, ${desc ? sql`-1` : sql`2147483647`})`, desc, cast: 'int' };
    case 'last_update':
      return { key: sql`coalesce(s.last_update_post_date, ${missing})`, desc, cast: 'date' };
    case 'start_date':
      return { key: sql`coalesce(s.start_date, ${missing})`, desc, cast: 'date' };
    case 'completion_date':
      return { key: sql`coalesce(s.completion_date, ${missing})`, desc, cast: 'date' };
  }
}

export interface PageRequest {
  sort: SearchSort;
  order: 'asc' | 'desc';
  after: CursorPosition | null;
  pageSize: number;
  timeoutMs: number;
  /** Most matches scored for relevance. */
  rankCap: number;
  /**
   * Read the matches through their indexes' bitmap and sort them, never walk a sort index: for a page sorted
   * by a column whose text is known selective (searchStudies).
   */
  bitmap?: boolean;
  /** The plan that reads a radius without text study by study, if cheaper (search-counts.ts readsEachStudy). */
  eachStudy?: () => Promise<SearchPlan | null>;
}

/**
 * Sites a nearest-first page reads first, nearest first: the page is kept when they hold it whole (see
 * fetchPage), else the page is read from every site in the radius.
 */
export const NEAREST_SITES_FIRST = 2_000;

/** Fetches pageSize + 1 rows (the extra one says whether there is a next page). */
export async function fetchPage(db: Db, plan: SearchPlan, request: PageRequest): Promise<PageRow[]> {
  // The first page nearest first: sorting every study in the radius by its nearest site to keep 21 took 138
  // ms for the 39,572 studies within 50 km of New York (605,500 studies). The GiST index of the site points
  // returns them nearest first (its distance ordering), each one's sites in turn: the nearest
  // NEAREST_SITES_FIRST sites hold, whole, every study whose nearest site is nearer than the last of them
  // (`reach`). The page read from them is the page when its last row (the extra one) is nearer than that,
  // or when they were all the radius's sites; otherwise it is read again from every site.
  if (plan.near && request.sort === 'distance' && request.order === 'asc' && !request.after) {
    const rows = await pageRows(db, plan, request, { nearestSites: NEAREST_SITES_FIRST });
    const last = rows[request.pageSize];
    const whole = last
      ? Number(last.sort_key) < Number(last.nearest_reach)
      : rows.length > 0 && Number(rows[0]!.nearest_sites) < NEAREST_SITES_FIRST;
    if (whole) return rows;
  }
  // Selective filters without text (recruiting phase 3 trials within 50 km of New York: 350 of the 39,572
  // studies there) leave too few matches among the nearest sites; every site in the radius then meant
  // sorting all 39,572 studies to check them in order (102 ms). Each filtered study's nearest site within
  // the radius is read instead (those in the radius's cells), when they are fewer than the radius's studies.
  const byStudy = plan.near && request.sort === 'distance' ? await request.eachStudy?.() : null;
  if (byStudy) return pageRows(db, byStudy, request, { eachStudy: true });
  return pageRows(db, plan, request);
}

/**
 * The page's rows. Sorted by distance: from every site in the radius, from its `nearestSites` nearest sites
 * only (nearest first), or (`eachStudy`) from each study of the other predicates' own sites.
 */
async function pageRows(
  db: Db,
  plan: SearchPlan,
  request: PageRequest,
  read: { nearestSites?: number; eachStudy?: boolean } = {},
): Promise<PageRow[]> {
  const { nearestSites } = read;
  const spec = sortSpec(plan, request.sort, request.order);
  const limit = sql.lit(request.pageSize + 1);
  const after = request.after;
  const cursorKey = after ? sql`${after.key}::${sql.raw(spec.cast)}` : null;
  let page: Sql;
  if (request.sort === 'relevance') {
    // Best first, ties by NCT id ascending; the cap applies before ranking (see the module comment).
    const keyset = cursorKey
      ? sql`where c.sort_key < ${cursorKey} or (c.sort_key = ${cursorKey} and c.nct_id > ${after?.nctId})`
      : sql``;
    page = sql`select c.nct_id, c.sort_key from (
        select s.nct_id, ${spec.key} as sort_key from ${plan.from} where ${predicates(plan)}
        limit ${sql.lit(request.rankCap)}
      ) c ${keyset}
      order by c.sort_key desc, c.nct_id
      limit ${limit}`;
  } else if (request.sort === 'distance' && plan.near && read.eachStudy) {
    const dir = spec.desc ? sql`desc` : sql`asc`;
    const keyset = cursorKey
      ? sql` and (n.chord_m, s.nct_id) ${spec.desc ? sql`<` : sql`>`} (${cursorKey}, ${after?.nctId}::text)`
      : sql``;
    page = sql`select s.nct_id, n.chord_m as sort_key from studies s
      join lateral (${nearestSiteOf(plan.near)}) n on n.chord_m is not null
      where ${predicates(plan)}${keyset}
      order by n.chord_m ${dir}, s.nct_id ${dir}
      limit ${limit}`;
  } else if (request.sort === 'distance' && plan.near) {
    // Nearest first: the studies within the radius are ordered by their nearest site before any study row
    // is read (OFFSET 0 keeps that order a separate step), then checked against the predicates one by one
    // until the page is full. Joining every study in the radius first and sorting after read 39,572
    // studies for a page of 20 (250 ms around New York at 605,500 studies).
    const dir = spec.desc ? sql`desc` : sql`asc`;
    const keyset = cursorKey
      ? sql`where (n.chord_m, n.nct_id) ${spec.desc ? sql`<` : sql`>`} (${cursorKey}, ${after?.nctId}::text)`
      : sql``;
    const sites = nearestSites ? nearestSitesFirst(plan.near, nearestSites) : nearSites(plan.near);
    // From the nearest sites only, the page carries how far and how many they were (fetchPage).
    const reach = nearestSites ? sql`, n.reach, n.sites` : sql``;
    page = sql`select p.* from (
        select n.nct_id, n.chord_m as sort_key${reach} from (${sites}) n ${keyset}
        order by n.chord_m ${dir}, n.nct_id ${dir} offset 0
      ) p
      where exists (select 1 from studies s where s.nct_id = p.nct_id and ${predicates(plan)})
      order by p.sort_key ${dir}, p.nct_id ${dir}
      limit ${limit}`;
  } else {
    const dir = spec.desc ? sql`desc` : sql`asc`;
    const keyset = cursorKey
      ? sql` and (${spec.key}, s.nct_id) ${spec.desc ? sql`<` : sql`>`} (${cursorKey}, ${after?.nctId}::text)`
      : sql``;
    page = sql`select s.nct_id, ${spec.key} as sort_key from ${plan.from}
      where ${predicates(plan)}${keyset}
      order by sort_key ${dir}, s.nct_id ${dir}
      limit ${limit}`;
  }
  const snippet = plan.highlight
    ? sql`ts_headline('english'::regconfig, coalesce(s.brief_summary, ''), ${plan.highlight}, ${HEADLINE_OPTIONS})`
    : sql`null::text`;
  // Every page row has a site within the radius, so its nearest site lies in the radius's slab (siteSlab).
  const near = plan.near;
  const site = near
    ? sql`left join lateral (
        select l.facility, l.city, l.state, l.country, l.status, l.lat, l.lon,
          ${chordToMeters(sql`cube_distance(${nearOrigin(near)}, l.geo)`)} as distance_m
        from study_locations l
        where l.nct_id = s.nct_id and l.geo is not null and ${siteSlab(near)}
        order by cube_distance(${nearOrigin(near)}, l.geo), l.ord
        limit 1
      ) site on true`
    : sql`left join lateral (select null::text as facility, null::text as city, null::text as state,
        null::text as country, null::text as status, null::float8 as lat, null::float8 as lon,
        null::float8 as distance_m) site on true`;
  const outerDir = spec.desc ? sql`desc` : sql`asc`;
  const tieDir = request.sort === 'relevance' ? sql`asc` : outerDir;
  return runSearchSql<PageRow>(
    db,
    sql`with page as (${page})
    select s.nct_id, page.sort_key, page.sort_key::text as sort_key_text, s.brief_title, s.acronym,
      s.overall_status, s.study_type, s.phases, s.conditions, s.intervention_names, s.lead_sponsor,
      s.lead_sponsor_class, s.enrollment, s.start_date::text as start_date,
      s.completion_date::text as completion_date, s.last_update_post_date::text as last_update_post_date,
      s.has_results, s.countries, ${snippet} as snippet,
      site.facility as site_facility, site.city as site_city, site.state as site_state,
      site.country as site_country, site.status as site_status, site.lat as site_lat, site.lon as site_lon,
      site.distance_m as site_distance_m${
        nearestSites ? sql`, page.reach as nearest_reach, page.sites as nearest_sites` : sql``
      }
    from page join studies s on s.nct_id = page.nct_id
    ${site}
    order by page.sort_key ${outerDir}, page.nct_id ${tieDir}`,
    request.timeoutMs,
    // Relevance: the capped candidates are the first matches in table order, read through the text's
    // bitmap, never by scanning a table or a btree and filtering row by row (run-search-sql.ts). With a
    // radius, the cells' GIN lookup narrows the candidates already, and each one's sites are checked by an
    // index-only scan (migration 000018), which bitmap-only plans would forbid: "diabetes" within 20 mi of
    // New York, 24 → 17 ms.
    {
      indexed: plan.indexed,
      bitmap: plan.indexed && ((request.sort === 'relevance' && !plan.near) || request.bitmap === true),
    },
  );
}
