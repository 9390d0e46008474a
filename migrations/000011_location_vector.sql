-- Location search on the study as a whole (issue 5), as ClinicalTrials.gov's query.locn matches: the words
-- of a location query may come from different sites of the study (its SEARCH[Location](…) operator is what
-- ties conditions to one site). Before, the query searched study_locations site by site, which visited one
-- heap page per matching site: "boston" read ~0.7 s at 605,730 studies. Now each study row carries one
-- 'simple' vector of its sites' facility, city, state and country (the loader computes it from the
-- projection's location text), and a GIN index on it answers the query with the other study predicates.
alter table studies add column location_vector tsvector;

-- Backfill from the stored sites. Not a change of any study's terms: skip the typeahead log (000009).
select set_config('cds.search_terms', 'deferred', true);
update studies s set location_vector = l.vector
from (
  select nct_id,
    to_tsvector('simple'::regconfig, string_agg(concat_ws(' ', facility, city, state, country), ' ' order by ord))
      as vector
  from study_locations
  group by nct_id
) l
where l.nct_id = s.nct_id;

create index studies_location_vector_idx on studies using gin (location_vector);

-- The per-site text index no search uses any more: one GIN build and one to_tsvector per site less per load.
drop index study_locations_text_idx;
drop function search_location_vector(text, text, text, text);
