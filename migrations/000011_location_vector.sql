-- Location search on the study as a whole (issue 5), as ClinicalTrials.gov's query.locn matches: the words
-- of a location query may come from different sites of the study (its SEARCH[Location](…) operator is what
-- ties conditions to one site). Before, the query searched study_locations site by site, which visited one
-- heap page per matching site: "boston" read ~0.7 s at 605,730 studies. Now each study row carries one
-- 'simple' vector of its sites' facility, city, state and country (the loader computes it from the
-- projection's location text), and a GIN index on it answers the query with the other study predicates.
alter table studies add column location_vector tsvector;

-- Backfill from the stored sites. Not a change of any study's terms: skip the typeahead log (000009).
-- Updating every row would insert a new entry into each of the ~20 secondary indexes of studies (their
-- expression indexes recompute to_tsvector per row): at 606,000 studies that ran for more than ten
-- minutes. So, like a bulk load's index phase, the secondary indexes are dropped first and rebuilt once.
select set_config('cds.search_terms', 'deferred', true);
create temp table location_backfill_indexes on commit drop as
  select pg_get_indexdef(x.indexrelid) as definition, i.relname as name
  from pg_index x join pg_class i on i.oid = x.indexrelid
  where x.indrelid = 'studies'::regclass and not x.indisprimary and not x.indisunique;
do $$
declare
  index_name text;
begin
  for index_name in select name from location_backfill_indexes loop
    execute format('drop index %I', index_name);
  end loop;
end
$$;
update studies s set location_vector = l.vector
from (
  select nct_id,
    to_tsvector('simple'::regconfig, string_agg(concat_ws(' ', facility, city, state, country), ' ' order by ord))
      as vector
  from study_locations
  group by nct_id
) l
where l.nct_id = s.nct_id;
do $$
declare
  definition text;
begin
  for definition in select d.definition from location_backfill_indexes d loop
    execute definition;
  end loop;
end
$$;

create index studies_location_vector_idx on studies using gin (location_vector);

-- The per-site text index no search uses any more: one GIN build and one to_tsvector per site less per load.
drop index study_locations_text_idx;
drop function search_location_vector(text, text, text, text);
