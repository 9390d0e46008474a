-- A sparser sample for the broadest queries (issue 5). Above 10,000 matches the total and the facets are
-- estimated on the 1-in-8 sample of migration 000004, which still reads ~71,000 rows for a term in 94% of
-- the studies ("patients": 591 ms at 605,730 studies). The 1-in-64 sample, nested in it, is used when it
-- holds at least 4,000 matches (src/search/search-counts.ts), so its estimate stays within ~1.6% (one
-- standard error) while reading 8 times fewer rows. No stored column: the queries repeat the predicate.
create index studies_sparse_sample_vector_idx on studies using gin (search_vector)
  where (hashtext(nct_id) & 63) = 0;
create index studies_sparse_sample_idx on studies (nct_id)
  include (overall_status, phases, study_type, lead_sponsor_class, countries, has_results, std_ages)
  where (hashtext(nct_id) & 63) = 0 and removed_at is null and nct_id >= 'NCT';
