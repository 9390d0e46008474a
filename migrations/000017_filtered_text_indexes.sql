-- Text searches with filters, answered by one index scan (issue 5). A text query with facet filters
-- ("cancer", recruiting, phase 2) or a radius (the one-degree cells of migration 000014) ANDed one bitmap
-- per predicate: the text's GIN lookup, the status btree, the phases GIN, each a bitmap over most of the
-- table's pages (90,900 PHASE2 studies touch 54,000 of its 76,000 pages at 605,500 studies), so most of
-- the time went into growing and zeroing those bitmaps' page tables: 67 ms of the 75 ms count of "cancer +
-- recruiting + phase 2", and again on the page's connection. Every text GIN index now also holds the filter
-- columns (btree_gin gives the scalar ones a GIN operator class), so GIN intersects the posting lists of the
-- text and the filters itself and the bitmap holds only the matches: that count takes 8 ms. Queries on any
-- subset of the columns use the same index, so a text query without filters reads what it read before.
-- A condition query with MeSH expansion is an OR of the condition and MeSH vectors; the planner moves the
-- filters into both arms (a BitmapOr of two such scans). The last column halves the studies by their id's
-- hash: a typical query's exact facets are counted as two halves at once, one per core (search-counts.ts),
-- each half's rows found by the same GIN scan. Each index grows by ~26 MB at 605,500 studies.
create extension if not exists btree_gin;

select set_config('maintenance_work_mem', '256MB', true);

do $$
declare
  vector text;
begin
  foreach vector in array array['search', 'condition', 'mesh', 'intervention', 'title', 'sponsor',
                                'location'] loop
    execute format('drop index studies_%s_vector_idx', vector);
    execute format('create index studies_%1$s_vector_idx on studies using gin (%1$s_vector, geo_cells, '
      'overall_status, phases, study_type, lead_sponsor_class, countries, has_results, std_ages, '
      '(hashtext(nct_id) & 1))', vector);
  end loop;
end
$$;

-- A fielded query's facets are estimated on a sample (search-counts.ts) when its base is too broad to
-- count. The sample's bitmap came from studies_sample_member_idx (000016), 75,000 ids over most of
-- the table's pages, ANDed with the field vector's matches: ~11 ms of bitmaps for "condition leukemia"
-- before a heap row was read, and the 1-in-64 sample's read, which every fielded query makes first, ANDed
-- its 9,500 members the same way. As free text has had since 000004 and 000012, each field vector now has a
-- GIN index over each sample alone, whose lookup is the sample's matches (0.5 ms for that query).
do $$
declare
  vector text;
begin
  foreach vector in array array['condition', 'mesh', 'intervention', 'title', 'sponsor', 'location'] loop
    execute format('create index studies_sample_%1$s_vector_idx on studies using gin (%1$s_vector) '
      'where search_sample', vector);
    execute format('create index studies_sparse_sample_%1$s_vector_idx on studies using gin (%1$s_vector) '
      'where (hashtext(nct_id) & 63) = 0', vector);
  end loop;
end
$$;
