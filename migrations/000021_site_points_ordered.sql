-- A radius's check of one study's sites (000018) read the study's points in the index until one lay within
-- the radius: a multinational trial lists dozens of sites, so ~27 points a candidate around New York, and
-- 0.012 ms each for the 2 × 1,265 candidates of the count of "diabetes" within 20 mi and the 643 of its page
-- (605,500 studies). The points are now a key of the index after the study. The cube btree order is
-- lexicographic over the coordinates (cube_cmp), so the first one is the earth-centered x, and the check asks
-- only for the study's points whose x lies within the radius of the center's (search-plan.ts siteSlab): ~1
-- point a candidate, 0.005 ms, and that count's half 37 → 26 ms. Sites without coordinates cannot match and
-- are left out, as before.
create index study_locations_study_point_idx on study_locations (nct_id, geo) where geo is not null;
drop index study_locations_study_geo_idx;
