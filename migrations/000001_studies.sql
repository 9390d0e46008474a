-- The study mirror: one wide row per study for search, filters, facets and sorting; child tables for
-- the repeated parts; the whole raw document so no field is ever lost. docs/schema.md says which query
-- each denormalization serves. PostgreSQL 15 features only (the embedded PGlite is newer).

create extension if not exists pg_trgm;
create extension if not exists cube;
create extension if not exists earthdistance;
create extension if not exists unaccent;

create table studies (
  nct_id text primary key check (nct_id ~ '^NCT[0-9]{8}$'),
  nct_id_aliases text[] not null default '{}',
  org_study_id text,
  brief_title text,
  official_title text,
  acronym text,
  organization text,
  organization_class text,

  overall_status text,
  last_known_status text,
  why_stopped text,
  status_verified_date date,

  study_type text,
  phases text[] not null default '{}',
  phase text,
  allocation text,
  intervention_model text,
  primary_purpose text,
  masking text,
  observational_model text,
  time_perspective text,
  enrollment integer,
  enrollment_type text,

  -- Partial dates ("2024", "2024-03", "2024-03-15") are the interval [x_date, x_date_end]; a date range
  -- filter matches when the intervals overlap. precision: year | month | day.
  start_date date,
  start_date_end date,
  start_date_precision text,
  start_date_type text,
  start_date_raw text,
  primary_completion_date date,
  primary_completion_date_end date,
  primary_completion_date_precision text,
  primary_completion_date_type text,
  primary_completion_date_raw text,
  completion_date date,
  completion_date_end date,
  completion_date_precision text,
  completion_date_type text,
  completion_date_raw text,
  study_first_submit_date date,
  study_first_post_date date,
  results_first_submit_date date,
  results_first_post_date date,
  last_update_submit_date date,
  last_update_post_date date,

  min_age_raw text,
  min_age_days double precision,
  min_age_years double precision,
  max_age_raw text,
  max_age_days double precision,
  max_age_years double precision,
  sex text,
  healthy_volunteers boolean,
  std_ages text[] not null default '{}',
  eligibility_criteria text,

  lead_sponsor text,
  lead_sponsor_class text,
  collaborators text[] not null default '{}',
  countries text[] not null default '{}',
  conditions text[] not null default '{}',
  keywords text[] not null default '{}',
  condition_mesh_terms text[] not null default '{}',
  condition_mesh_ancestors text[] not null default '{}',
  intervention_names text[] not null default '{}',
  intervention_types text[] not null default '{}',
  intervention_mesh_terms text[] not null default '{}',
  intervention_mesh_ancestors text[] not null default '{}',
  brief_summary text,
  has_results boolean not null default false,

  number_of_facilities integer not null default 0,
  has_single_facility boolean not null default false,
  has_us_facility boolean not null default false,
  were_results_reported boolean not null default false,
  actual_duration integer,
  months_to_report_results integer,
  registered_in_calendar_year integer,
  number_of_arms integer not null default 0,
  number_of_primary_outcomes integer not null default 0,
  number_of_secondary_outcomes integer not null default 0,
  number_of_other_outcomes integer not null default 0,

  version_holder date,

  -- Weighted search document: A titles/ids, B conditions/keywords/MeSH/interventions, C summary/outcomes/
  -- sponsors, D description/eligibility (ClinicalTrials.gov search-area weights mapped to four levels).
  search_vector tsvector not null default ''::tsvector,

  -- Bookkeeping: the content identity and the life of the row.
  content_hash text not null,
  version integer not null default 1,
  first_run_id text,
  last_run_id text,
  loaded_at timestamptz not null default now(),
  changed_at timestamptz not null default now(),
  -- Kept, never deleted: a study gone from a full snapshot, or merged into another under an alias.
  removed_at timestamptz,
  removed_reason text check (removed_reason in ('missing_from_snapshot', 'merged')),
  merged_into text
);

create index studies_search_vector_idx on studies using gin (search_vector);
create index studies_overall_status_idx on studies (overall_status);
create index studies_study_type_idx on studies (study_type);
create index studies_lead_sponsor_class_idx on studies (lead_sponsor_class);
create index studies_phases_idx on studies using gin (phases);
create index studies_countries_idx on studies using gin (countries);
create index studies_start_date_idx on studies (start_date, nct_id);
create index studies_last_update_post_date_idx on studies (last_update_post_date, nct_id);
create index studies_completion_date_idx on studies (completion_date, nct_id);
create index studies_enrollment_idx on studies (enrollment, nct_id);
create index studies_brief_title_trgm_idx on studies using gin (brief_title gin_trgm_ops);
create index studies_removed_idx on studies (removed_at) where removed_at is not null;

-- The whole document as received (jsonb), apart from the wide row so scans of studies stay narrow.
create table study_documents (
  nct_id text primary key references studies (nct_id) on delete cascade,
  document jsonb not null
);

create table study_conditions (
  nct_id text not null references studies (nct_id) on delete cascade,
  ord integer not null,
  name text not null,
  primary key (nct_id, ord)
);
create index study_conditions_name_idx on study_conditions (lower(name));

create table study_keywords (
  nct_id text not null references studies (nct_id) on delete cascade,
  ord integer not null,
  keyword text not null,
  primary key (nct_id, ord)
);

-- MeSH indexing from derivedSection (condition and intervention browse modules).
create table study_mesh (
  nct_id text not null references studies (nct_id) on delete cascade,
  ord integer not null,
  domain text not null check (domain in ('condition', 'intervention')),
  relation text not null check (relation in ('mesh', 'ancestor', 'leaf', 'branch')),
  mesh_id text,
  term text not null,
  as_found text,
  relevance text,
  primary key (nct_id, ord)
);
create index study_mesh_term_idx on study_mesh (lower(term));
create index study_mesh_id_idx on study_mesh (mesh_id);

create table study_interventions (
  nct_id text not null references studies (nct_id) on delete cascade,
  ord integer not null,
  type text,
  name text not null,
  description text,
  other_names text[] not null default '{}',
  arm_group_labels text[] not null default '{}',
  primary key (nct_id, ord)
);
create index study_interventions_name_idx on study_interventions (lower(name));

create table study_arms (
  nct_id text not null references studies (nct_id) on delete cascade,
  ord integer not null,
  label text not null,
  type text,
  description text,
  intervention_names text[] not null default '{}',
  primary key (nct_id, ord)
);

create table study_outcomes (
  nct_id text not null references studies (nct_id) on delete cascade,
  ord integer not null,
  kind text not null check (kind in ('primary', 'secondary', 'other')),
  measure text not null,
  description text,
  time_frame text,
  primary key (nct_id, ord)
);

create table study_sponsors (
  nct_id text not null references studies (nct_id) on delete cascade,
  ord integer not null,
  role text not null check (role in ('lead', 'collaborator')),
  name text not null,
  class text,
  primary key (nct_id, ord)
);
create index study_sponsors_name_idx on study_sponsors (lower(name));

create table study_locations (
  nct_id text not null references studies (nct_id) on delete cascade,
  ord integer not null,
  facility text,
  city text,
  state text,
  zip text,
  country text,
  status text,
  lat double precision,
  lon double precision,
  primary key (nct_id, ord)
);
-- Radius search: a GiST index on the site's point on the earth cube; only sites with coordinates.
create index study_locations_earth_idx on study_locations using gist (ll_to_earth(lat, lon))
  where lat is not null and lon is not null;
create index study_locations_country_idx on study_locations (country);

create table study_references (
  nct_id text not null references studies (nct_id) on delete cascade,
  ord integer not null,
  pmid text,
  type text,
  citation text,
  primary key (nct_id, ord)
);
