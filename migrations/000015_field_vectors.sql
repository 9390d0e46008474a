-- Fielded search ranks on stored vectors (issue 5). A condition, intervention, title or sponsor query
-- matched through expression indexes on search_condition_vector(…) and friends (migration 000004), but its
-- ranking had to compute the vectors again for each of up to 500 candidates, from columns that are mostly
-- TOASTed (titles, arrays of conditions, MeSH terms and ancestors): ~14 buffer reads and several
-- to_tsvector calls per candidate, ~60 ms of a "leukemia, phase 2" page at 605,500 studies. Each study row
-- now keeps the five field vectors, computed by the loader with the same functions, and the GIN indexes are
-- on the columns. A load computes each vector once, as the expression indexes did.
alter table studies
  add column condition_vector tsvector,
  add column mesh_vector tsvector,
  add column intervention_vector tsvector,
  add column title_vector tsvector,
  add column sponsor_vector tsvector;

-- lz4 where the server has it, like every other compressible column (migration 000013).
do $$
declare
  column_name text;
begin
  if exists (select 1 from pg_settings where name = 'default_toast_compression' and 'lz4' = any(enumvals)) then
    foreach column_name in array array['condition_vector', 'mesh_vector', 'intervention_vector', 'title_vector',
                                       'sponsor_vector'] loop
      execute format('alter table studies alter column %I set compression lz4', column_name);
    end loop;
  end if;
end $$;

-- The expression indexes go; the backfill then runs with the other secondary indexes dropped and rebuilt
-- once (migration 000014's functions), and the column indexes are built after it.
drop index studies_condition_vector_idx, studies_mesh_vector_idx, studies_intervention_vector_idx,
  studies_title_vector_idx, studies_sponsor_vector_idx;

select set_config('cds.search_terms', 'deferred', true);
select set_config('maintenance_work_mem', '256MB', true);
do $$
declare
  dropped text[] := drop_study_secondary_indexes();
begin
  update studies set
    condition_vector = search_condition_vector(conditions, keywords, brief_title, official_title),
    mesh_vector = search_mesh_vector(condition_mesh_terms, condition_mesh_ancestors),
    intervention_vector = search_intervention_vector(intervention_names, intervention_mesh_terms,
      intervention_mesh_ancestors),
    title_vector = search_title_vector(brief_title, official_title, acronym),
    sponsor_vector = search_sponsor_vector(lead_sponsor, collaborators, organization);
  perform create_indexes(dropped);
end
$$;

create index studies_condition_vector_idx on studies using gin (condition_vector);
create index studies_mesh_vector_idx on studies using gin (mesh_vector);
create index studies_intervention_vector_idx on studies using gin (intervention_vector);
create index studies_title_vector_idx on studies using gin (title_vector);
create index studies_sponsor_vector_idx on studies using gin (sponsor_vector);
