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
-- The drop and the rebuild are functions, for the backfills of later migrations too.
create function drop_study_secondary_indexes() returns text[]
  language plpgsql as $$
declare
  definitions text[];
  index_name text;
begin
  select coalesce(array_agg(pg_get_indexdef(x.indexrelid)), '{}') into definitions
  from pg_index x where x.indrelid = 'studies'::regclass and not x.indisprimary and not x.indisunique;
  for index_name in
    select i.relname from pg_index x join pg_class i on i.oid = x.indexrelid
    where x.indrelid = 'studies'::regclass and not x.indisprimary and not x.indisunique
  loop
    execute format('drop index %I', index_name);
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
create temp table geo_cells_backfill on commit drop as select drop_study_secondary_indexes() as definitions;
update studies s set geo_cells = l.cells
from (
  select nct_id, array_agg(distinct geo_cell(lat, lon) order by geo_cell(lat, lon)) as cells
  from study_locations
  where lat is not null and lon is not null
  group by nct_id
) l
where l.nct_id = s.nct_id;
select create_indexes(definitions) from geo_cells_backfill;

create index studies_geo_cells_idx on studies using gin (geo_cells);
