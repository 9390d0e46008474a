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
select set_config('cds.search_terms', 'deferred', true);
create temp table geo_cells_backfill_indexes on commit drop as
  select pg_get_indexdef(x.indexrelid) as definition, i.relname as name
  from pg_index x join pg_class i on i.oid = x.indexrelid
  where x.indrelid = 'studies'::regclass and not x.indisprimary and not x.indisunique;
do $$
declare
  index_name text;
begin
  for index_name in select name from geo_cells_backfill_indexes loop
    execute format('drop index %I', index_name);
  end loop;
end
$$;
update studies s set geo_cells = l.cells
from (
  select nct_id, array_agg(distinct geo_cell(lat, lon) order by geo_cell(lat, lon)) as cells
  from study_locations
  where lat is not null and lon is not null
  group by nct_id
) l
where l.nct_id = s.nct_id;
do $$
declare
  definition text;
begin
  for definition in select d.definition from geo_cells_backfill_indexes d loop
    execute definition;
  end loop;
end
$$;

create index studies_geo_cells_idx on studies using gin (geo_cells);
