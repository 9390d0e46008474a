-- Search (issue "Search"): field vectors for fielded text search, the sample that estimates the counts of
-- broad queries, indexes for the date/enrollment sorts, and the small tables behind typeahead, "did you
-- mean" and MeSH synonym expansion. src/search/ holds the queries that use them. PostgreSQL 15 features only.

-- Field vectors. Index expressions must be IMMUTABLE; array_to_string is declared STABLE (it calls element
-- output functions) although for text[] it is immutable in fact, hence these wrappers. The queries call the
-- same functions with the same arguments so the planner matches the expression indexes. SQL-standard bodies
-- (RETURN …) are bound when created: index builds run with a restricted search_path on PostgreSQL 17+
-- (the embedded engine), where a body looked up by name would not find search_join.
create function search_join(parts text[]) returns text
  language sql immutable parallel safe
  return coalesce(array_to_string(parts, ' '), '');

-- Title search: acronym, brief and official title.
create function search_title_vector(brief_title text, official_title text, acronym text) returns tsvector
  language sql immutable parallel safe
  return to_tsvector('english'::regconfig,
    coalesce(acronym, '') || ' ' || coalesce(brief_title, '') || ' ' || coalesce(official_title, ''));

-- Condition search without MeSH: ClinicalTrials.gov's ConditionSearch weighs Condition 0.95, titles
-- 0.55–0.6, Keyword 0.3 (search-areas response), mapped to A, B, C.
create function search_condition_vector(conditions text[], keywords text[], brief_title text, official_title text)
  returns tsvector
  language sql immutable parallel safe
  return setweight(to_tsvector('english'::regconfig, search_join(conditions)), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(brief_title, '') || ' ' || coalesce(official_title, '')), 'B')
    || setweight(to_tsvector('english'::regconfig, search_join(keywords)), 'C');

-- Condition MeSH terms (A) and their tree ancestors (B): "neoplasms" reaches breast cancer trials here.
create function search_mesh_vector(mesh_terms text[], mesh_ancestors text[]) returns tsvector
  language sql immutable parallel safe
  return setweight(to_tsvector('english'::regconfig, search_join(mesh_terms)), 'A')
    || setweight(to_tsvector('english'::regconfig, search_join(mesh_ancestors)), 'B');

-- Intervention search: names (A), intervention MeSH terms (B) and ancestors (C).
create function search_intervention_vector(names text[], mesh_terms text[], mesh_ancestors text[])
  returns tsvector
  language sql immutable parallel safe
  return setweight(to_tsvector('english'::regconfig, search_join(names)), 'A')
    || setweight(to_tsvector('english'::regconfig, search_join(mesh_terms)), 'B')
    || setweight(to_tsvector('english'::regconfig, search_join(mesh_ancestors)), 'C');

-- Sponsor search: lead sponsor, collaborators, organization.
create function search_sponsor_vector(lead_sponsor text, collaborators text[], organization text)
  returns tsvector
  language sql immutable parallel safe
  return to_tsvector('english'::regconfig,
    coalesce(lead_sponsor, '') || ' ' || search_join(collaborators) || ' ' || coalesce(organization, ''));

-- Location search: facility, city, state, country. 'simple' config: place names are not English words.
create function search_location_vector(facility text, city text, state text, country text) returns tsvector
  language sql immutable parallel safe
  return to_tsvector('simple'::regconfig, coalesce(facility, '') || ' ' || coalesce(city, '') || ' '
    || coalesce(state, '') || ' ' || coalesce(country, ''));

create function search_outcome_vector(measure text, description text) returns tsvector
  language sql immutable parallel safe
  return to_tsvector('english'::regconfig, coalesce(measure, '') || ' ' || coalesce(description, ''));

create index studies_title_vector_idx on studies
  using gin (search_title_vector(brief_title, official_title, acronym));
create index studies_condition_vector_idx on studies
  using gin (search_condition_vector(conditions, keywords, brief_title, official_title));
create index studies_mesh_vector_idx on studies
  using gin (search_mesh_vector(condition_mesh_terms, condition_mesh_ancestors));
create index studies_intervention_vector_idx on studies
  using gin (search_intervention_vector(intervention_names, intervention_mesh_terms, intervention_mesh_ancestors));
create index studies_sponsor_vector_idx on studies
  using gin (search_sponsor_vector(lead_sponsor, collaborators, organization));
create index studies_nct_id_aliases_idx on studies using gin (nct_id_aliases);
create index studies_org_study_id_idx on studies (lower(org_study_id));
create index studies_std_ages_idx on studies using gin (std_ages);
create index study_locations_text_idx on study_locations
  using gin (search_location_vector(facility, city, state, country));
create index study_outcomes_text_idx on study_outcomes using gin (search_outcome_vector(measure, description));

-- A fixed 1-in-8 sample of studies (by a hash of the NCT id, so a study stays in or out across loads).
-- Counting 267,000 "cancer" matches exactly visits every matching heap row (seconds, postgres-search.md);
-- above 10,000 matches the total and the facets are counted on the sample and scaled by 8, which keeps the
-- standard error under ~2.6% at 10,000 matches and under 1% at 100,000 (response marked approximate).
alter table studies add column search_sample boolean generated always as ((hashtext(nct_id) & 7) = 0) stored;
create index studies_sample_vector_idx on studies using gin (search_vector) where search_sample;
-- For sampled counts without free text: it holds the facet columns, so counting the facets of the whole
-- registry is an index-only scan of ~75,000 entries instead of ~75,000 random heap reads (2.2 s measured
-- at 500,000 studies). The extra `nct_id >= 'NCT'` is a marker only those queries carry: with free text the
-- planner would otherwise walk this index and detoast every sampled vector to test it (11 s measured)
-- instead of using studies_sample_vector_idx.
create index studies_sample_idx on studies (nct_id)
  include (overall_status, phases, study_type, lead_sponsor_class, countries, has_results, std_ages)
  where search_sample and removed_at is null and nct_id >= 'NCT';

-- Sort keys for the date and enrollment sorts (descending by default, missing values last): an index walk
-- answers "newest first" without sorting every match of a broad query.
create index studies_sort_last_update_idx on studies
  ((coalesce(last_update_post_date, '-infinity'::date)), nct_id) where removed_at is null;
create index studies_sort_start_idx on studies
  ((coalesce(start_date, '-infinity'::date)), nct_id) where removed_at is null;
create index studies_sort_completion_idx on studies
  ((coalesce(completion_date, '-infinity'::date)), nct_id) where removed_at is null;
create index studies_sort_enrollment_idx on studies
  ((coalesce(enrollment, -1)), nct_id) where removed_at is null;

-- Typeahead and "did you mean": distinct conditions, interventions, sponsors, MeSH terms (with ancestors)
-- and title/condition/intervention words, each with how many studies use it. Small (tens of thousands of
-- rows per kind), so trigram similarity over it takes milliseconds where trigram over titles takes ~90 ms.
create table search_terms (
  kind text not null check (kind in ('condition', 'intervention', 'sponsor', 'mesh', 'word')),
  term text not null,
  study_count integer not null,
  primary key (kind, term)
);
create index search_terms_trgm_idx on search_terms using gin (lower(term) gin_trgm_ops);

-- MeSH synonyms known from the data: the sponsor's wording that ClinicalTrials.gov mapped to a MeSH term
-- (conditionBrowseModule.browseLeaves[].asFound → name), e.g. 'Heart Attack' → 'Myocardial Infarction'.
create table search_synonyms (
  synonym text not null,
  mesh_term text not null,
  study_count integer not null,
  primary key (synonym, mesh_term)
);
create index search_synonyms_vector_idx on search_synonyms
  using gin (to_tsvector('english'::regconfig, synonym));

-- Rebuilds both tables from the live studies; the loader calls it after a load (refreshSearchTerms in
-- src/search/refresh-search-terms.ts). Case variants of a term are merged under their most common spelling.
create function refresh_search_terms() returns void
  language plpgsql
  as $$
begin
  delete from search_terms;
  insert into search_terms (kind, term, study_count)
  select kind, mode() within group (order by term), count(distinct nct_id)
  from (
    select 'condition' as kind, nct_id, unnest(conditions) as term from studies where removed_at is null
    union all
    select 'intervention', nct_id, unnest(intervention_names) from studies where removed_at is null
    union all
    select 'sponsor', nct_id, lead_sponsor from studies where removed_at is null and lead_sponsor is not null
    union all
    select 'sponsor', nct_id, unnest(collaborators) from studies where removed_at is null
    union all
    select 'mesh', nct_id,
      unnest(condition_mesh_terms || condition_mesh_ancestors || intervention_mesh_terms || intervention_mesh_ancestors)
    from studies where removed_at is null
  ) t
  where length(btrim(term)) between 1 and 300
  group by kind, lower(btrim(term));

  insert into search_terms (kind, term, study_count)
  select 'word', word, ndoc
  from ts_stat($q$select to_tsvector('simple'::regconfig, coalesce(brief_title, '') || ' '
      || coalesce(official_title, '') || ' ' || search_join(conditions) || ' ' || search_join(intervention_names))
    from studies where removed_at is null$q$)
  where length(word) between 3 and 40 and word ~ '^[[:alpha:]][[:alpha:]-]*$';

  delete from search_synonyms;
  insert into search_synonyms (synonym, mesh_term, study_count)
  select min(m.as_found), m.term, count(distinct m.nct_id)
  from study_mesh m
  join studies s on s.nct_id = m.nct_id and s.removed_at is null
  where m.domain = 'condition' and m.relation = 'leaf' and m.as_found is not null
    and lower(m.as_found) <> lower(m.term)
  group by lower(m.as_found), m.term;
end
$$;
