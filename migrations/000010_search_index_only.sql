-- Radius search without a heap visit per site (issue 5). The radius query reads only each site's point and
-- study id (nearFrom in src/search/search-plan.ts); with the id in the GiST index (INCLUDE, PostgreSQL 12+;
-- cube 1.5's GiST opclass returns the point itself) it is an index-only scan once VACUUM has marked the
-- pages all-visible. Measured at 605,730 studies, a 50 km circle around New York (~37,000 sites) visited
-- one heap page of study_locations per site, ~0.9 s.
drop index study_locations_earth_idx;
create index study_locations_earth_idx on study_locations using gist (geo) include (nct_id) where geo is not null;
