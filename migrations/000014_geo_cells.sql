-- Radius search with text (issue 5): "diabetes within 20 miles of New York" intersected two large sets,
-- the ~31,000 studies with a site in the radius and the ~40,000 about diabetes, by reading one of them row
-- by row (354 ms at 605,500 studies). Each study row now lists the one-degree cells of its sites with
-- coordinates (src/transform/geo-cells.ts computes them at load), under a GIN index: the cells around the
-- radius and the text are two GIN lookups that PostgreSQL ANDs into a bitmap, and only the few studies in
-- both have their sites checked for the exact distance.
create function geo_cell(lat float8, lon float8) returns int
  language sql immutable parallel safe
  return least(greatest(floor(lat)::int + 90, 0), 179) * 360 + mod(mod(floor(lon)::int + 180, 360) + 360, 360);

alter table studies add column geo_cells int[];

-- Backfill from the stored sites, as migration 000011 did: not a change of any study's typeahead terms, and
-- with the secondary indexes of studies dropped and rebuilt once rather than updated row by row. At 605,500
-- studies it ran 21 minutes (mostly the index rebuild) and left the heap twice its size until a VACUUM FULL;
-- a fresh load writes the cells with each study instead.
--
-- The drop and the rebuild are functions, for the backfills of later migrations too. The rebuild runs with
-- 256 MB of maintenance memory rather than the default 64 MB, as a bulk load's index phase does with more
-- (GIN builds merge fewer sorted runs).
create function drop_study_secondary_indexes() returns text[]
  language plpgsql as $$
declare
  definitions text[] := '{}';
  dropped_index record;
begin
  for dropped_index in
    select i.relname as name, pg_get_indexdef(x.indexrelid) as definition
    from pg_index x join pg_class i on i.oid = x.indexrelid
    where x.indrelid = 'studies'::regclass and not x.indisprimary and not x.indisunique
  loop
    definitions := definitions || dropped_index.definition;
    execute format('drop index %I', dropped_index.name);
  end loop;
  return definitions;
end
$$;
create function create_indexes(definitions text[]) returns void
  language plpgsql as $$
declare
  definition text;
begin
  foreach definition in array definitions loop
    execute definition;
  end loop;
end
$$;

select set_config('cds.search_terms', 'deferred', true);
select set_config('maintenance_work_mem', '256MB', true);
do $$
declare
  dropped text[] := drop_study_secondary_indexes();
begin
  update studies s set geo_cells = l.cells
  from (
    select nct_id, array_agg(distinct geo_cell(lat, lon) order by geo_cell(lat, lon)) as cells
    from study_locations
    where lat is not null and lon is not null
    group by nct_id
  ) l
  where l.nct_id = s.nct_id;
  perform create_indexes(dropped);
end
$$;

create index studies_geo_cells_idx on studies using gin (geo_cells);
