-- The warehouse (issue 8): a star schema with study history as SCD Type 2, fed only by the change-event
-- consumer (src/warehouse/apply-study-event.ts), never by the loader. History starts at the first sync
-- that saw a study: valid_from is the start of the run that observed a version.
create schema warehouse;

-- Calendar: one row per day referenced by any fact (added on demand). date_key = yyyymmdd.
create table warehouse.dim_date (
  date_key integer primary key,
  date date not null unique,
  year integer not null,
  quarter integer not null,
  month integer not null,
  day integer not null,
  iso_week integer not null,
  -- 1 = Monday … 7 = Sunday
  iso_day_of_week integer not null
);

create table warehouse.dim_sponsor (
  sponsor_key bigint generated always as identity primary key,
  name text not null,
  class text,
  unique nulls not distinct (name, class)
);

-- Conditions: MeSH descriptors (mesh_id set) and the registry's free-text condition names (mesh_id null).
create table warehouse.dim_condition (
  condition_key bigint generated always as identity primary key,
  mesh_id text,
  term text not null,
  unique nulls not distinct (term, mesh_id)
);
create index dim_condition_term_idx on warehouse.dim_condition (lower(term));

create table warehouse.dim_country (
  country_key bigint generated always as identity primary key,
  name text not null unique
);

-- One row per study version (SCD Type 2): a new version closes the current row (valid_to = the new row's
-- valid_from, is_current = false) and opens a new current one; a removal closes the current row without
-- opening one. Periods are [valid_from, valid_to).
create table warehouse.dim_study (
  study_key bigint generated always as identity primary key,
  nct_id text not null,
  version integer not null,
  registry text not null,
  valid_from timestamptz not null,
  valid_to timestamptz,
  is_current boolean not null,
  -- 'superseded' by a later version, or the study left the registry ('missing_from_snapshot', 'merged').
  closed_reason text check (closed_reason in ('superseded', 'missing_from_snapshot', 'merged')),
  -- Tracked attributes.
  brief_title text,
  overall_status text,
  phases text[] not null,
  study_type text,
  enrollment integer,
  enrollment_type text,
  start_date date,
  primary_completion_date date,
  completion_date date,
  first_posted date,
  results_first_posted date,
  last_update_posted date,
  lead_sponsor text,
  lead_sponsor_class text,
  site_count integer not null,
  country_count integer not null,
  has_results boolean not null,
  -- The field-level diff that opened this row (the event's), and the events that opened and closed it.
  changes jsonb not null,
  restored boolean not null default false,
  opened_by_event text not null unique,
  closed_by_event text,
  check (is_current = (valid_to is null))
);
create unique index dim_study_current_idx on warehouse.dim_study (nct_id) where is_current;
create index dim_study_nct_id_idx on warehouse.dim_study (nct_id, valid_from);
-- As-of queries: which row of each study was valid at an instant.
create index dim_study_period_idx on warehouse.dim_study using gist (tstzrange(valid_from, valid_to));

-- Facts per study version: the measures, keyed by the version's row and its dimensions.
create table warehouse.fact_study_version (
  study_key bigint primary key references warehouse.dim_study (study_key),
  sponsor_key bigint references warehouse.dim_sponsor (sponsor_key),
  valid_from_date_key integer not null references warehouse.dim_date (date_key),
  start_date_key integer references warehouse.dim_date (date_key),
  completion_date_key integer references warehouse.dim_date (date_key),
  enrollment integer,
  site_count integer not null,
  country_count integer not null,
  condition_count integer not null
);

-- Many-to-many between a study version and its conditions: 'listed' (the registry's names), 'mesh' (the
-- mapped descriptors) and 'ancestor' (their MeSH tree ancestors).
create table warehouse.bridge_study_condition (
  study_key bigint not null references warehouse.dim_study (study_key),
  condition_key bigint not null references warehouse.dim_condition (condition_key),
  relation text not null check (relation in ('listed', 'mesh', 'ancestor')),
  primary key (study_key, condition_key, relation)
);
create index bridge_study_condition_condition_idx on warehouse.bridge_study_condition (condition_key);

create table warehouse.bridge_study_country (
  study_key bigint not null references warehouse.dim_study (study_key),
  country_key bigint not null references warehouse.dim_country (country_key),
  site_count integer not null,
  primary key (study_key, country_key)
);
create index bridge_study_country_country_idx on warehouse.bridge_study_country (country_key);

-- Per study, the outbox seq of the last event applied: an event at or below it was applied already
-- (a replay, a redelivery) and changes nothing.
create table warehouse.study_event_positions (
  nct_id text primary key,
  last_seq bigint not null
);
