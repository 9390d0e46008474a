-- Search at registry size (issue 5), measured at 499,500 studies with bench/search.ts.

-- Radius search: each site's point on the earth cube, computed once when the site is written instead of
-- for every site a radius query looks at (ll_to_earth is three trigonometric products per call; a 50 km
-- circle around New York holds ~36,000 sites). Null without coordinates.
alter table study_locations add column geo earth generated always as (ll_to_earth(lat, lon)) stored;
drop index study_locations_earth_idx;
create index study_locations_earth_idx on study_locations using gist (geo) where geo is not null;

-- Narrow study rows: text wider than ~256 bytes (summaries, eligibility criteria, long titles and arrays)
-- goes to TOAST, so the heap rows that filters, counts and facets read are ~5× smaller and a sampled
-- facet count touches a fifth of the pages. Applies to rows written from now on (`cds rebuild` or the
-- next full load rewrites the existing ones).
alter table studies set (toast_tuple_target = 256);
-- …except the arrays that facets unnest and filters test on every matching row: kept inline (compressed
-- if need be), or each of them would cost a TOAST lookup per row (at 605,000 studies the age-group facet
-- of a broad query read 285,000 TOAST pages).
alter table studies
  alter column phases set storage main,
  alter column countries set storage main,
  alter column std_ages set storage main;
