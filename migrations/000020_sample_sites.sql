-- A radius without text, on a sample (issue 5). Such a query estimates its total and facets on the 1-in-64
-- sample, then, for a radius around a city, on the 1-in-8 one (search-counts.ts). Each read took every
-- site in the radius's box from the GiST index of all sites (000010) and kept those of sampled studies by
-- their id's hash: 68,000 sites around New York (50 km) for ~1,000 and ~8,700, so the 1-in-64 read took 75
-- ms at 605,500 studies, before the 1-in-8 read could start. Each sample now has a GiST index of its own
-- studies' sites (its predicate is the sample's, as nearSites writes it): that read takes 14 ms.
create index study_locations_sparse_earth_idx on study_locations using gist (geo) include (nct_id)
  where geo is not null and (hashtext(nct_id) & 63) = 0;
create index study_locations_sample_earth_idx on study_locations using gist (geo) include (nct_id)
  where geo is not null and (hashtext(nct_id) & 7) = 0;
