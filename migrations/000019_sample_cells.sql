-- A radius with text, on a sample (issue 5). Every search with text reads the 1-in-64 sample first
-- (search-counts.ts), through the GIN index of its vector over the sample (000004, 000012, 000017), and a
-- radius adds its one-degree cells (000014). Those indexes held only the vector, so the planner took the
-- cells from the full text index's geo_cells column (000017), 43,000 studies around New York, and ANDed
-- them with the sample's 624 "diabetes" matches: 12 ms of a 13 ms read, before anything else of the
-- search could start. Each sample index now holds the cells too, and the sample's lookup is the answer:
-- the read takes 2.6 ms (605,500 studies). The indexes grow by a few percent.
select set_config('maintenance_work_mem', '256MB', true);

do $$
declare
  vector text;
  sample text;
  name text;
begin
  foreach vector in array array['search', 'condition', 'mesh', 'intervention', 'title', 'sponsor',
                                'location'] loop
    foreach sample in array array['sample', 'sparse_sample'] loop
      -- The free-text vector's sample indexes (000004, 000012) have names without the vector's.
      name := format('studies_%s_%s_idx', sample, case vector when 'search' then 'vector'
                                                  else vector || '_vector' end);
      execute format('drop index %I', name);
      execute format('create index %I on studies using gin (%I, geo_cells) where %s', name,
        vector || '_vector',
        case sample when 'sample' then 'search_sample' else '(hashtext(nct_id) & 63) = 0' end);
    end loop;
  end loop;
end
$$;
