-- The members of the 1-in-8 sample, bare (issue 5). A fielded query (condition, intervention, title,
-- sponsor, location) estimates its facets on the sample by ANDing the bitmap of its field vector's GIN index
-- with the sample's. The only index on the sample's members was studies_sample_idx, which carries the facet
-- columns for index-only counting of queries without text (000004, 000010): building the bitmap read all of
-- it, ~2,100 pages and ~12 ms at 605,500 studies, for every such estimate. This one holds the ids alone,
-- under the same predicate, so the planner takes it for the bitmap and the covering one for index-only scans.
create index studies_sample_member_idx on studies (nct_id)
  where search_sample and removed_at is null and nct_id >= 'NCT';
