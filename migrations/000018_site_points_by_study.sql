-- A radius with text checks each text candidate's own sites (issue 5). The candidates come from the text
-- GIN index and the radius's one-degree cells (000014, 000017); a candidate matches when one of its sites
-- lies within the radius. Its sites were read through the primary key and the heap: ~58 site rows and ~1.7
-- heap pages per candidate around New York, 24 ms for the 643 candidates of a "diabetes" page within 20 mi
-- at 605,500 studies, while the bounded count hashed all 44,000 sites in the radius instead (45 ms). This
-- index holds each study's site points, so the check is an index-only scan that stops at the first site
-- within the radius (0.013 ms a candidate): that page takes 17 ms, and the count, now per candidate too,
-- 23 ms in each of two halves. Sites without coordinates cannot match and are left out.
create index study_locations_study_geo_idx on study_locations (nct_id) include (geo) where geo is not null;
