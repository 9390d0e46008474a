/**
 * Turns a validated query into SQL fragments over `studies s`: the predicates (split into the plain ones
 * and the facet filters, which facet counting drops one at a time), the relevance expression, the tsquery
 * to highlight, and the FROM clause (joined to the sites within the radius when the query has `near`).
 * Every value is a bound parameter; identifiers and constants come from this file only.
 *
 * The text predicates use the weighted `search_vector` (free text) and the stored field vectors of migration
 * 000015 (fielded text), so each is a GIN index lookup.
 */
import { type RawBuilder, sql } from 'kysely';
import { cellsWithin } from '../transform/geo-cells.ts';
import { type FacetName, type Near, radiusMeters, type SearchQuery, TEXT_FIELDS } from './search-query.ts';

export type Sql = RawBuilder<unknown>;

/**
 * Weight of a match reached only through MeSH (the study's MeSH terms, their ancestors, or a synonym the
 * data maps to a MeSH term), relative to a direct match on the condition, title or keywords. CT.gov weighs
 * Condition 0.95 against ConditionMeshTerm 0.5 and ConditionAncestorTerm 0.4; here a MeSH-only hit scores
 * at most 0.5 and a direct hit at least 1, so direct hits always come first.
 */
export const MESH_WEIGHT = 0.5;

export interface SearchPlan {
  from: Sql;
  /**
   * `from` for counting on a sample (studies with hashtext(nct_id) & mask = 0): with `near`, the sites
   * outside the sample are dropped before they are grouped by study. Without `near`, `from` itself.
   */
  sampledFrom: (mask: number) => Sql;
  /**
   * The bounded counts, which read every match up to EXACT_COUNT_LIMIT + 1, may run as two halves of the
   * studies at once (hashtext(nct_id) & 1, search-counts.ts): a text index answers the half with the text
   * (migration 000017). Not without a text vector, where the half would be a filter on every row read.
   */
  halves: boolean;
  /** Predicates that are not facet filters (text, ids, dates, ages, sex, …); never empty. */
  base: Sql[];
  /** Facet filters by facet: each facet's counts are computed without its own filter. */
  facetFilters: Partial<Record<FacetName, Sql>>;
  /** Relevance (float8, higher is better) or null without text. */
  rank: Sql | null;
  /** The tsquery whose words ts_headline marks, or null without text. */
  highlight: Sql | null;
  /** The query has free text (`q`): a match on the weighted study vector. */
  freeText: boolean;
  /**
   * The query matches a stored field vector (condition, intervention, title, sponsor, location), each of
   * which has a GIN index over each sample too (migration 000017).
   */
  fieldText: boolean;
  /** The base narrows the studies by the radius's cells (`studies.geo_cells`), which GIN indexes hold. */
  geoCells: boolean;
  /** A predicate is a text, id or location lookup that an index answers (see run-search-sql.ts). */
  indexed: boolean;
  /**
   * A radius without text, read another way (search-counts.ts readsEachStudy): `plan` reads the studies of
   * the other predicates in the radius's cells (when it has any, as a radius with text does) and checks each
   * one against its own sites, in place of every site in the radius grouped by study, which is cheaper when
   * they are fewer than the studies in the radius; `candidates` is the plan of those studies without the
   * radius, which tells how many they are. Null otherwise.
   */
  eachStudy: { plan: SearchPlan; candidates: SearchPlan } | null;
  near: Near | null;
}

/** The fielded text searches that match a stored vector of the study row (not outcome, not id). */
const VECTOR_FIELDS = ['condition', 'intervention', 'title', 'sponsor', 'location'] as const;

const english = (text: string) => sql`websearch_to_tsquery('english'::regconfig, ${text})`;

// The stored field vectors (migration 000015): matched through their GIN indexes, ranked without recomputing.
const CONDITION_VECTOR = sql`s.condition_vector`;
const MESH_VECTOR = sql`s.mesh_vector`;
const TITLE_VECTOR = sql`s.title_vector`;
const INTERVENTION_VECTOR = sql`s.intervention_vector`;
const SPONSOR_VECTOR = sql`s.sponsor_vector`;

/** The point of `near` on the earth cube (earthdistance works in meters). */
export function nearOrigin(near: Near): Sql {
  return sql`ll_to_earth(${near.lat}::float8, ${near.lon}::float8)`;
}

/**
 * @param synonyms MeSH terms that the condition text reaches through synonyms known from the data
 *   (see mesh-synonyms.ts), matched as phrases; empty without a condition or with expansion off.
 */
export function buildSearchPlan(query: SearchQuery, synonyms: readonly string[] = []): SearchPlan {
  const base: Sql[] = [sql`s.removed_at is null`];
  const rank: Sql[] = [];
  const highlight: Sql[] = [];

  if (query.q) {
    const tsq = english(query.q);
    base.push(sql`s.search_vector @@ ${tsq}`);
    rank.push(sql`ts_rank_cd(s.search_vector, ${tsq})`);
    highlight.push(tsq);
  }
  if (query.condition) {
    const tsq = english(query.condition);
    highlight.push(tsq);
    if (query.meshExpansion) {
      // MeSH terms and ancestors (MESH_VECTOR), and the MeSH terms a synonym known from the data leads to,
      // matched as phrases there and in the conditions; all below a direct hit (MESH_WEIGHT).
      const viaMesh =
        synonyms.length > 0
          ? sql`(${tsq} || ${sql.join(
              synonyms.map((term) => sql`phraseto_tsquery('english'::regconfig, ${term})`),
              sql` || `,
            )})`
          : tsq;
      const synonymOnly =
        synonyms.length > 0
          ? sql.join(
              synonyms.map((term) => sql`phraseto_tsquery('english'::regconfig, ${term})`),
              sql` || `,
            )
          : null;
      base.push(
        sql`(${CONDITION_VECTOR} @@ ${tsq} or ${MESH_VECTOR} @@ ${viaMesh}${
          synonymOnly ? sql` or ${CONDITION_VECTOR} @@ (${synonymOnly})` : sql``
        })`,
      );
      // Normalization 32 maps each rank into [0, 1): a direct hit scores 1 + rank, a MeSH-only hit
      // MESH_WEIGHT × rank, so every direct hit ranks above every MeSH-only one.
      const indirect = synonymOnly
        ? sql`greatest(ts_rank_cd(${MESH_VECTOR}, ${viaMesh}, 32), ts_rank_cd(${CONDITION_VECTOR}, (${synonymOnly}), 32))`
        : sql`ts_rank_cd(${MESH_VECTOR}, ${viaMesh}, 32)`;
      rank.push(sql`(select case when direct > 0 then 1 + direct else ${sql.lit(MESH_WEIGHT)} * ${indirect} end
        from (select ts_rank_cd(${CONDITION_VECTOR}, ${tsq}, 32) as direct) r)`);
    } else {
      base.push(sql`${CONDITION_VECTOR} @@ ${tsq}`);
      rank.push(sql`ts_rank_cd(${CONDITION_VECTOR}, ${tsq})`);
    }
  }
  for (const [text, vector] of [
    [query.intervention, INTERVENTION_VECTOR],
    [query.title, TITLE_VECTOR],
    [query.sponsor, SPONSOR_VECTOR],
  ] as const) {
    if (!text) continue;
    const tsq = english(text);
    base.push(sql`${vector} @@ ${tsq}`);
    rank.push(sql`ts_rank_cd(${vector}, ${tsq})`);
    highlight.push(tsq);
  }
  if (query.outcome) {
    const tsq = english(query.outcome);
    // The study's outcomes as a whole (migration 000024), as CT.gov's outcome search area.
    base.push(sql`s.nct_id in (select o.nct_id from study_outcome_vectors o where o.vector @@ ${tsq})`);
    // Outcomes are part of weight C of the study vector: rank them there rather than reading their vector.
    rank.push(sql`ts_rank_cd(s.search_vector, ${tsq})`);
    highlight.push(tsq);
  }
  // On the study as a whole, like CT.gov's query.locn: "boston massachusetts" may match two sites.
  if (query.location)
    base.push(sql`s.location_vector @@ websearch_to_tsquery('simple'::regconfig, ${query.location})`);
  if (query.id) {
    const tokens = query.id
      .split(/[\s,;]+/)
      .filter(Boolean)
      .slice(0, 100);
    const upper = tokens.map((t) => t.toUpperCase());
    const lower = tokens.map((t) => t.toLowerCase());
    base.push(sql`(s.nct_id = any(${upper}::text[]) or s.nct_id_aliases && ${upper}::text[]
      or lower(s.org_study_id) = any(${lower}::text[]))`);
  }
  if (query.ids)
    base.push(sql`(s.nct_id = any(${query.ids}::text[]) or s.nct_id_aliases && ${query.ids}::text[])`);

  if (query.sex === 'ALL') base.push(sql`s.sex = 'ALL'`);
  else if (query.sex) base.push(sql`s.sex = any(${[query.sex, 'ALL']}::text[])`);
  if (query.healthyVolunteers !== undefined)
    base.push(sql`s.healthy_volunteers = ${query.healthyVolunteers}::boolean`);
  // Age ranges overlap; a study without a limit is open on that side.
  if (query.ageMin !== undefined)
    base.push(sql`coalesce(s.max_age_years, 'Infinity'::float8) >= ${query.ageMin}::float8`);
  if (query.ageMax !== undefined) base.push(sql`coalesce(s.min_age_years, 0) <= ${query.ageMax}::float8`);
  // Partial dates are periods [date, date_end]; they match when the period overlaps the range.
  for (const [range, column] of [
    [query.startDate, 'start_date'],
    [query.completionDate, 'completion_date'],
  ] as const) {
    if (range?.from)
      base.push(
        sql`coalesce(${sql.ref(`s.${column}_end`)}, ${sql.ref(`s.${column}`)}) >= ${range.from}::date`,
      );
    if (range?.to) base.push(sql`${sql.ref(`s.${column}`)} <= ${range.to}::date`);
  }
  if (query.lastUpdate?.from) base.push(sql`s.last_update_post_date >= ${query.lastUpdate.from}::date`);
  if (query.lastUpdate?.to) base.push(sql`s.last_update_post_date <= ${query.lastUpdate.to}::date`);

  const facetFilters: Partial<Record<FacetName, Sql>> = {};
  if (query.status) facetFilters.status = sql`s.overall_status = any(${query.status}::text[])`;
  if (query.phase) facetFilters.phase = sql`s.phases && ${query.phase}::text[]`;
  if (query.studyType) facetFilters.studyType = sql`s.study_type = any(${query.studyType}::text[])`;
  if (query.sponsorClass)
    facetFilters.sponsorClass = sql`s.lead_sponsor_class = any(${query.sponsorClass}::text[])`;
  if (query.countries) facetFilters.country = sql`s.countries && ${query.countries}::text[]`;
  if (query.hasResults !== undefined)
    facetFilters.hasResults = sql`s.has_results = ${query.hasResults}::boolean`;
  if (query.ageGroup) facetFilters.ageGroup = sql`s.std_ages && ${query.ageGroup}::text[]`;

  const near = query.near;
  // A radius with text: the studies in the cells around the radius (a GIN lookup the planner ANDs with the
  // text's), each checked against its own sites, instead of every site in the radius grouped by study.
  const textual = query.q !== undefined || TEXT_FIELDS.some((f) => f !== 'id' && query[f] !== undefined);
  const cells = near && textual ? cellsWithin(near.lat, near.lon, radiusMeters(near)) : null;
  if (cells) base.push(sql`s.geo_cells && ${cells}::int[]`);
  const freeText = query.q !== undefined;
  const fieldText = VECTOR_FIELDS.some((field) => query[field] !== undefined);
  const from = (mask?: number) => (!near ? sql`studies s` : cells ? nearByStudy(near) : nearFrom(near, mask));
  const plan: SearchPlan = {
    from: from(),
    sampledFrom: from,
    halves: freeText || fieldText,
    base,
    facetFilters,
    rank: rank.length > 0 ? sql`(${sql.join(rank, sql` + `)})::float8` : null,
    highlight: highlight.length > 0 ? sql.join(highlight, sql` || `) : null,
    freeText,
    fieldText,
    geoCells: cells !== null,
    indexed: TEXT_FIELDS.some((field) => query[field] !== undefined) || query.q !== undefined || !!query.ids,
    near: query.near ?? null,
    eachStudy: null,
  };
  if (!near || cells) return plan;
  // A radius without text: the other predicates' studies in the radius's cells, each checked against its own
  // sites ("recruiting phase 3 within 50 km of New York": 487 candidates, a 10 ms count, where checking
  // the 5,000 recruiting phase 3 studies anywhere took 57 ms and joining the radius's 39,572 studies 376 ms).
  const around = cellsWithin(near.lat, near.lon, radiusMeters(near));
  const inCells = around ? [sql`s.geo_cells && ${around}::int[]`] : [];
  const geoCells = inCells.length > 0;
  const candidates = buildSearchPlan({ ...query, near: undefined }, synonyms);
  const byStudy = {
    from: nearByStudy(near),
    sampledFrom: () => nearByStudy(near),
    base: [...base, ...inCells],
    geoCells,
  };
  return {
    ...plan,
    eachStudy: {
      plan: { ...plan, ...byStudy },
      candidates: { ...candidates, base: [...candidates.base, ...inCells], geoCells },
    },
  };
}

/**
 * The studies with a site within the radius, and the nearest one's straight-line (chord) distance through
 * the earth in meters, `chord_m`: it orders sites as the great-circle distance does, and cube_distance is
 * a C function, where earthdistance's earth_distance is SQL (sec_to_gc) that PostgreSQL calls per row
 * (~4 µs: 160 ms of a 200 ms radius search over 59,000 sites measured at 605,500 studies). The page turns
 * the chord of its rows into meters (chordToMeters). The radius's distinct points come from the GiST index
 * of `site_points` (sitesAtPoints), the sites at each from the btree of the sites by point, with the study id
 * (migration 000025, index-only; a sample's own partial index when `sampleMask` is set). Sites without
 * coordinates cannot match.
 */
export function nearSites(near: Near, sampleMask?: number): Sql {
  const sample = sampleMask ? sql` and (hashtext(l.nct_id) & ${sql.lit(sampleMask)}) = 0` : sql``;
  return sql`select l.nct_id, min(p.chord) as chord_m from ${sitesAtPoints(near, sample)} group by l.nct_id`;
}

/**
 * nearSites for the `limit` sites within the radius nearest to its center: the points read nearest first
 * through the GiST index's distance ordering (`<->`, the same chord as cube_distance), each point's sites in
 * turn, with `reach`, the chord of the farthest of them, and `sites`, how many they are: every study with a
 * site nearer than `reach` is among them with its nearest site.
 */
export function nearestSitesFirst(near: Near, limit: number): Sql {
  return sql`select l.nct_id, min(l.chord) as chord_m, max(max(l.chord)) over () as reach,
      sum(count(*)) over () as sites
    from (
      select l.nct_id, p.chord from ${sitesAtPoints(near)}
      order by p.geo <-> ${nearOrigin(near)}
      limit ${sql.lit(limit)}
    ) l
    group by l.nct_id`;
}

/**
 * The sites `l` at the distinct points `p` within the radius (with their `chord` from its center): the
 * points from the GiST index's box, then the exact chord; each point's sites from the btree by point (and
 * `extra`, a sample's predicate). The join's equality implies the btrees' `geo is not null`.
 */
function sitesAtPoints(near: Near, extra: Sql = sql``): Sql {
  const origin = nearOrigin(near);
  return sql`(select p.geo, cube_distance(${origin}, p.geo) as chord from site_points p
      where earth_box(${origin}, ${radiusMeters(near)}::float8) @> p.geo and ${withinChord(near, sql`p.geo`)}) p
    join study_locations l on l.geo = p.geo${extra}`;
}

/**
 * The sites `l` whose earth-centered x lies within the radius of the origin's: a superset of those within the
 * radius (a chord is at most the arc, and at least its x part), and a range of the index of each study's
 * points (migration 000021), whose cube order compares x first. A study's check then reads ~1 point instead of
 * every point until one is near (~27 for a multinational trial around New York).
 */
export function siteSlab(near: Near): Sql {
  const x = sql`cube_ll_coord(${nearOrigin(near)}, 1)`;
  const meters = sql`${radiusMeters(near)}::float8`;
  return sql`l.geo >= cube(array[${x} - ${meters}, -1e8, -1e8])
    and l.geo <= cube(array[${x} + ${meters}, 1e8, 1e8])`;
}

/** The earth point `geo` lies within the radius (its chord from the origin). */
function withinChord(near: Near, geo: Sql): Sql {
  return sql`cube_distance(${nearOrigin(near)}, ${geo}) <= ${chordOf(radiusMeters(near))}`;
}

/** The chord of a great-circle distance (at most half the circumference, where the chord is the diameter). */
function chordOf(meters: number): Sql {
  return sql`2 * earth() * sin(least(${meters}::float8, pi() * earth()) / (2 * earth()))`;
}

/** A chord of the earth (nearSites' chord_m) as the great-circle distance in meters. */
export function chordToMeters(chord: Sql): Sql {
  return sql`sec_to_gc(${chord})`;
}

/**
 * The studies with a site within the radius, for studies already narrowed by their cells and text: each
 * one's sites read until the first one within the radius (LIMIT 1), only for the studies the other
 * predicates leave, index-only from the sites' points by study, within the radius's slab of x (siteSlab,
 * migration 000021: 0.005 ms a candidate around New York). Nothing here needs the nearest site (the page
 * finds it for its own rows).
 */
function nearByStudy(near: Near): Sql {
  return sql`studies s join lateral (
    select 1 from study_locations l where ${studySiteWithin(near)} limit 1
  ) n on true`;
}

/** A site `l` of the study `s` lies within the radius: its slab of x (the index range), then its chord. */
function studySiteWithin(near: Near): Sql {
  return sql`l.nct_id = s.nct_id and ${siteSlab(near)} and l.geo is not null and ${withinChord(near, sql`l.geo`)}`;
}

/**
 * The nearest site within the radius of the study `s` (its chord, `chord_m`; null when it has none there),
 * from the study's points in the radius's slab (siteSlab): for a page sorted by distance that reads the
 * studies of selective filters one by one (search-page.ts).
 */
export function nearestSiteOf(near: Near): Sql {
  return sql`select min(cube_distance(${nearOrigin(near)}, l.geo)) as chord_m from study_locations l
    where ${studySiteWithin(near)}`;
}

function nearFrom(near: Near, sampleMask?: number): Sql {
  return sql`studies s join (${nearSites(near, sampleMask)}) n on n.nct_id = s.nct_id`;
}

/** All predicates of the plan (plain and facet filters), or all but one facet's filter. */
export function predicates(plan: SearchPlan, without?: FacetName): Sql {
  const filters = Object.entries(plan.facetFilters)
    .filter(([facet]) => facet !== without)
    .map(([, filter]) => filter as Sql);
  return sql.join([...plan.base, ...filters], sql` and `);
}

/** True when any facet filter is set. */
export function hasFacetFilters(plan: SearchPlan): boolean {
  return Object.keys(plan.facetFilters).length > 0;
}
