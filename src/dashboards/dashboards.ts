/**
 * The console's dashboards over the warehouse (docs/warehouse.md), as data: each has an id, a title, a
 * description, its SQL in plain sight (shown under its chart) and a typed runner. The SQL is constant text
 * with `$n` parameters and runs unchanged on PostgreSQL and PGlite.
 *
 * "Now" figures read the current rows of warehouse.dim_study (`is_current`): a study removed from the
 * registry has none, so it no longer counts. Only the status mix over time reads the whole SCD2 history.
 *
 * Phases: a study counts under each of its phases (a PHASE1/PHASE2 study once in each); a study with no
 * phase (observational studies, expanded access) counts under 'NO_PHASE'. The registry's own 'NA' ("not
 * applicable": device or behavioural trials) stays 'NA'.
 */
import type { Queryable } from '../store/db.ts';

export interface Dashboard<Row = DashboardRow> {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** The query, as run: constant text with `$1…` bound to `params`. */
  readonly sql: string;
  readonly params: readonly (string | number)[];
  run(db: Queryable): Promise<Row[]>;
}

export type DashboardRow = Record<string, string | number | null>;

/** How many sponsors and conditions the "top" dashboards list. */
export const TOP_N = 10;

/** How many months the status history shows at most (the latest ones): ten years of monthly points. */
const HISTORY_MONTHS = 120;

function dashboard<Row extends DashboardRow>(
  definition: Omit<Dashboard<Row>, 'run' | 'params'> & { params?: readonly (string | number)[] },
): Dashboard<Row> {
  const params = definition.params ?? [];
  return Object.freeze({
    ...definition,
    params,
    run: async (db: Queryable) => (await db.query<Row>(definition.sql, params)).rows,
  });
}

export interface RegisteredPerYearRow extends DashboardRow {
  year: number;
  phase: string;
  studies: number;
}

export const registeredPerYear = dashboard<RegisteredPerYearRow>({
  id: 'registered-per-year',
  title: 'Studies registered per year, by phase',
  description:
    'Current studies by the year they were first posted on ClinicalTrials.gov and by phase. A study ' +
    'counts under each of its phases; studies without a phase (observational) are "No phase".',
  sql: `select extract(year from d.first_posted)::int as year,
       coalesce(p.phase, 'NO_PHASE') as phase,
       count(*)::int as studies
from warehouse.dim_study d
left join lateral unnest(d.phases) as p(phase) on true
where d.is_current and d.first_posted is not null
group by 1, 2
order by year, coalesce(p.phase, 'NO_PHASE') collate "C"`,
});

export interface StatusOverTimeRow extends DashboardRow {
  /** yyyy-MM (UTC). */
  month: string;
  status: string;
  studies: number;
}

export const statusOverTime = dashboard<StatusOverTimeRow>({
  id: 'status-over-time',
  title: 'Status mix over time',
  description:
    'Studies by overall status at the end of each month (UTC), from the warehouse history: each version ' +
    'counts from the month it became current until the month it was superseded or removed. History ' +
    `starts at the first sync; at most the last ${HISTORY_MONTHS} months.`,
  params: [HISTORY_MONTHS],
  // Each version adds 1 to its status in the month it opened and takes 1 away in the month it closed; a
  // running sum per status gives the rows in force at each month's end. One pass over dim_study, however
  // many months are shown.
  sql: `with changes as (
  select date_trunc('month', valid_from at time zone 'UTC') as month,
         coalesce(overall_status, 'NOT_GIVEN') as status, 1 as delta
  from warehouse.dim_study
  union all
  select date_trunc('month', valid_to at time zone 'UTC'), coalesce(overall_status, 'NOT_GIVEN'), -1
  from warehouse.dim_study where valid_to is not null
), per_month as (
  select month, status, sum(delta) as delta from changes group by month, status
), bounds as (
  select min(month) as first_month,
         greatest(max(month), date_trunc('month', now() at time zone 'UTC')) as last_month
  from changes
), grid as (
  select m.month, s.status
  from bounds
  cross join lateral generate_series(bounds.first_month, bounds.last_month, interval '1 month') as m(month)
  cross join (select distinct status from changes) as s
), running as (
  select g.month, g.status,
         sum(coalesce(p.delta, 0)) over (partition by g.status order by g.month) as studies
  from grid g left join per_month p on p.month = g.month and p.status = g.status
)
select to_char(month, 'YYYY-MM') as month, status, studies::int as studies
from running, bounds
where studies > 0 and month > bounds.last_month - make_interval(months => $1::int)
order by running.month, status collate "C"`,
});

export interface TopSponsorRow extends DashboardRow {
  sponsor: string;
  sponsor_class: string | null;
  studies: number;
}

export const topSponsors = dashboard<TopSponsorRow>({
  id: 'top-sponsors',
  title: `Top ${TOP_N} lead sponsors`,
  description:
    `The ${TOP_N} lead sponsors with the most current studies (ties by name), with their agency class ` +
    '(the most frequent one, should it vary).',
  params: [TOP_N],
  sql: `select lead_sponsor as sponsor,
       mode() within group (order by lead_sponsor_class) as sponsor_class,
       count(*)::int as studies
from warehouse.dim_study
where is_current and lead_sponsor is not null and lead_sponsor <> ''
group by lead_sponsor
order by studies desc, lead_sponsor collate "C"
limit $1`,
});

export interface TopConditionRow extends DashboardRow {
  condition: string;
  mesh_id: string | null;
  studies: number;
}

export const topConditions = dashboard<TopConditionRow>({
  id: 'top-conditions',
  title: `Top ${TOP_N} conditions (MeSH)`,
  description:
    `The ${TOP_N} MeSH condition descriptors with the most current studies (the descriptors NLM mapped ` +
    "from the registry's free-text conditions, relation 'mesh'; ancestors are not counted).",
  params: [TOP_N],
  sql: `select c.term as condition, min(c.mesh_id) as mesh_id, count(distinct d.study_key)::int as studies
from warehouse.dim_study d
join warehouse.bridge_study_condition b on b.study_key = d.study_key and b.relation = 'mesh'
join warehouse.dim_condition c on c.condition_key = b.condition_key
where d.is_current
group by c.term
order by studies desc, c.term collate "C"
limit $1`,
});

export interface EnrollmentDistributionRow extends DashboardRow {
  /** 0 for an enrollment of 0, else the number of digits (6 = 100,000 or more). */
  bucket: number;
  label: string;
  study_type: string;
  studies: number;
}

export const enrollmentDistribution = dashboard<EnrollmentDistributionRow>({
  id: 'enrollment-distribution',
  title: 'Enrollment distribution',
  description:
    'Current studies by enrollment (actual or estimated, as registered) in powers of ten, by study type. ' +
    'Studies without an enrollment count are left out.',
  // The bucket of a positive count is its number of digits: exact, unlike floor(log10(n)).
  sql: `with buckets(bucket, label) as (
  values (0, '0'), (1, '1–9'), (2, '10–99'), (3, '100–999'), (4, '1,000–9,999'),
         (5, '10,000–99,999'), (6, '100,000 or more')
), studies as (
  select coalesce(study_type, 'NOT_GIVEN') as study_type,
         case when enrollment = 0 then 0 else least(length(enrollment::text), 6) end as bucket
  from warehouse.dim_study
  where is_current and enrollment >= 0
)
select b.bucket, b.label, t.study_type, count(s.bucket)::int as studies
from buckets b
cross join (select distinct study_type from studies) as t
left join studies s on s.bucket = b.bucket and s.study_type = t.study_type
group by b.bucket, b.label, t.study_type
order by b.bucket, t.study_type collate "C"`,
});

export interface MonthsToPrimaryCompletionRow extends DashboardRow {
  phase: string;
  studies: number;
  median_months: number;
}

export const monthsToPrimaryCompletion = dashboard<MonthsToPrimaryCompletionRow>({
  id: 'months-to-primary-completion',
  title: 'Median months from start to primary completion, by phase',
  description:
    'Over current studies with both dates (actual or anticipated, as registered; a partial date is its ' +
    'first day), the median of primary completion minus start in average months (30.44 days). Studies ' +
    'whose primary completion is before their start are left out.',
  sql: `select coalesce(p.phase, 'NO_PHASE') as phase,
       count(*)::int as studies,
       -- days / 30.436875: the days in an average Gregorian month (365.2425 / 12)
       percentile_cont(0.5) within group (
         order by (d.primary_completion_date - d.start_date)::float8
       ) / 30.436875 as median_months
from warehouse.dim_study d
left join lateral unnest(d.phases) as p(phase) on true
where d.is_current and d.start_date is not null and d.primary_completion_date >= d.start_date
group by 1
order by coalesce(p.phase, 'NO_PHASE') collate "C"`,
});

export interface CompletedWithResultsRow extends DashboardRow {
  /** 'ALL' for every completed study (each once), else a phase. */
  phase: string;
  completed: number;
  with_results: number;
  /** with_results / completed, 0…1. */
  share: number;
}

export const completedWithResults = dashboard<CompletedWithResultsRow>({
  id: 'completed-with-results',
  title: 'Completed studies with results reported',
  description:
    'Of the current studies whose overall status is COMPLETED, how many have results posted on ' +
    'ClinicalTrials.gov: all of them first (each study once), then by phase.',
  sql: `select phase, completed, with_results, with_results::float8 / completed as share
from (
  select 'ALL' as phase, count(*)::int as completed, count(*) filter (where has_results)::int as with_results
  from warehouse.dim_study
  where is_current and overall_status = 'COMPLETED'
  union all
  select coalesce(p.phase, 'NO_PHASE'), count(*)::int, count(*) filter (where d.has_results)::int
  from warehouse.dim_study d
  left join lateral unnest(d.phases) as p(phase) on true
  where d.is_current and d.overall_status = 'COMPLETED'
  group by 1
) as counts
where completed > 0
order by phase <> 'ALL', phase collate "C"`,
});

export interface SitesByCountryRow extends DashboardRow {
  country: string;
  studies: number;
  sites: number;
}

export const sitesByCountry = dashboard<SitesByCountryRow>({
  id: 'sites-by-country',
  title: 'Study sites by country',
  description:
    'Sites (registered locations) of current studies per country, and how many studies have sites ' +
    'there. Country names are as the registry writes them.',
  sql: `select c.name as country, count(*)::int as studies, sum(b.site_count)::int as sites
from warehouse.dim_study d
join warehouse.bridge_study_country b on b.study_key = d.study_key
join warehouse.dim_country c on c.country_key = b.country_key
where d.is_current
group by c.name
order by sites desc, c.name collate "C"`,
});

/** Every dashboard, in the order the console shows them. */
export const DASHBOARDS: readonly Dashboard[] = Object.freeze([
  registeredPerYear,
  statusOverTime,
  topSponsors,
  topConditions,
  enrollmentDistribution,
  monthsToPrimaryCompletion,
  completedWithResults,
  sitesByCountry,
]);

export function findDashboard(id: string): Dashboard | undefined {
  return DASHBOARDS.find((d) => d.id === id);
}
