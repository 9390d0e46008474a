/**
 * The search as it lives in the page URL, so a search can be shared and the back button works. The URL
 * parameters are exactly the API's GET /studies parameters (lists repeated, `near=lat,lon,radius[km|mi]`),
 * plus `page`, the page number shown, which only the console uses.
 */

/** Filters the facets click into; hasResults is a single true/false value, the others are lists. */
export const FACET_PARAMS = {
  status: 'status',
  phase: 'phase',
  studyType: 'studyType',
  sponsorClass: 'sponsorClass',
  country: 'country',
  ageGroup: 'ageGroup',
  hasResults: 'hasResults',
};
export const SINGLE_VALUE_FACETS = new Set(['hasResults']);

/** Form fields that map one-to-one to a parameter. */
export const FORM_PARAMS = [
  'q',
  'condition',
  'intervention',
  'title',
  'outcome',
  'sponsor',
  'location',
  'sex',
  'healthyVolunteers',
  'ageMin',
  'ageMax',
  'startFrom',
  'startTo',
  'completionFrom',
  'completionTo',
  'updatedFrom',
  'updatedTo',
  'sort',
  'order',
  'pageSize',
];

export function currentParams() {
  return new URLSearchParams(location.search);
}

/** The API query of the console URL: everything but `page`. */
export function apiParams(params) {
  const copy = new URLSearchParams(params);
  copy.delete('page');
  return copy;
}

/** A new search starts on page 1: the cursor belongs to the old query. */
export function firstPage(params) {
  const copy = new URLSearchParams(params);
  copy.delete('cursor');
  copy.delete('page');
  return copy;
}

/** Adds or removes a facet value as a filter (hasResults: replaces or removes its one value). */
export function toggleFilter(params, facet, value) {
  const name = FACET_PARAMS[facet];
  const next = firstPage(params);
  const values = next.getAll(name);
  next.delete(name);
  if (SINGLE_VALUE_FACETS.has(facet)) {
    if (!values.includes(value)) next.set(name, value);
  } else {
    const kept = values.includes(value) ? values.filter((v) => v !== value) : [...values, value];
    for (const v of kept) next.append(name, v);
  }
  return next;
}

export function isFilterOn(params, facet, value) {
  return params.getAll(FACET_PARAMS[facet]).includes(value);
}

/** `near` as numbers, or null. */
export function parseNear(text) {
  const m = /^\s*(-?\d+(?:\.\d+)?),\s*(-?\d+(?:\.\d+)?),\s*(\d+(?:\.\d+)?)\s*(km|mi)?\s*$/i.exec(text ?? '');
  if (!m) return null;
  return { lat: Number(m[1]), lon: Number(m[2]), radius: Number(m[3]), unit: (m[4] ?? 'km').toLowerCase() };
}

export function formatNear(near) {
  const round = (n) => Math.round(n * 10_000) / 10_000;
  return `${round(near.lat)},${round(near.lon)},${near.radius}${near.unit}`;
}
