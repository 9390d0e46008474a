/**
 * The search page: the query form (text with typeahead, fields, participants, dates, radius, sort), facets
 * whose values click into filters, the results with highlighted snippets, keyset pages, the sites map and
 * the export. The whole query is in the URL (search-state.js); every change is a new history entry.
 */
import { getJson } from './api.js';
import { byId, fill, h } from './dom.js';
import { download, fetchAllResults, toCsv, toJson } from './export-results.js';
import { formatNumber, highlighted, label } from './format.js';
import { showFreshness } from './freshness.js';
import { attachSaveSearch } from './save-search.js';
import {
  apiParams,
  currentParams,
  FACET_PARAMS,
  FORM_PARAMS,
  firstPage,
  formatNear,
  isFilterOn,
  parseNear,
  toggleFilter,
} from './search-state.js';
import { createSiteMap } from './site-map.js';
import { attachTypeahead } from './typeahead.js';

const FACET_TITLES = {
  status: 'Status',
  phase: 'Phase',
  studyType: 'Study type',
  sponsorClass: 'Sponsor class',
  country: 'Country',
  hasResults: 'Has results',
  ageGroup: 'Age group',
};
const DEFAULT_PAGE_SIZE = '20';
const DEFAULT_RADIUS_KM = '100';
const form = byId('search-form');
const field = (name) => form.elements.namedItem(name);

const map = createSiteMap(byId('map'), {
  label: 'World map: sites of the results; pick a point to search around it',
  onPick: ({ lat, lon }) => {
    field('lat').value = String(lat);
    field('lon').value = String(lon);
    if (!field('radius').value) field('radius').value = DEFAULT_RADIUS_KM;
    navigate(paramsFromForm());
  },
});

function fillForm(params) {
  for (const name of FORM_PARAMS)
    field(name).value = params.get(name) ?? (name === 'pageSize' ? DEFAULT_PAGE_SIZE : '');
  const near = parseNear(params.get('near'));
  field('lat').value = near ? String(near.lat) : '';
  field('lon').value = near ? String(near.lon) : '';
  field('radius').value = near ? String(near.radius) : '';
  field('unit').value = near?.unit ?? 'km';
  if (FORM_PARAMS.some((n) => n !== 'q' && params.has(n)) || near) byId('more-fields').open = true;
}

/** The form's values over the current filters, from page 1. */
function paramsFromForm() {
  const next = firstPage(currentParams());
  for (const name of FORM_PARAMS) {
    const value = field(name).value.trim();
    if (value && !(name === 'pageSize' && value === DEFAULT_PAGE_SIZE)) next.set(name, value);
    else next.delete(name);
  }
  const [lat, lon, radius] = ['lat', 'lon', 'radius'].map((n) => field(n).value.trim());
  if (lat && lon && radius)
    next.set(
      'near',
      formatNear({ lat: Number(lat), lon: Number(lon), radius: Number(radius), unit: field('unit').value }),
    );
  else next.delete('near');
  return next;
}

function navigate(params, state = null) {
  history.pushState(state, '', `${location.pathname}?${params}`);
  void render();
}

function resultItem(study) {
  const site = study.nearestSite;
  return h(
    'li',
    { 'data-nct-id': study.nctId },
    h(
      'div',
      { class: 'result-title' },
      h('a', { href: `/console/study.html?id=${study.nctId}` }, study.briefTitle ?? study.nctId),
    ),
    h(
      'div',
      { class: 'meta' },
      [
        study.nctId,
        study.acronym,
        label(study.overallStatus),
        study.phases.map(label).join(', ') || null,
        study.studyType && label(study.studyType),
      ]
        .filter(Boolean)
        .join(' · '),
    ),
    study.snippet ? h('p', { class: 'snippet' }, highlighted(study.snippet)) : null,
    h(
      'div',
      { class: 'meta' },
      study.conditions.length ? `Conditions: ${study.conditions.slice(0, 4).join(', ')}` : null,
      study.leadSponsor ? ` · Sponsor: ${study.leadSponsor}` : null,
      study.enrollment !== null ? ` · Enrollment ${formatNumber(study.enrollment)}` : null,
      study.lastUpdatePostDate ? ` · Updated ${study.lastUpdatePostDate}` : null,
      study.hasResults ? ' · Has results' : null,
    ),
    site
      ? h(
          'div',
          { class: 'meta' },
          `Nearest site: ${[site.facility, site.city, site.country].filter(Boolean).join(', ')} — ${site.distance} ${site.unit}`,
        )
      : null,
  );
}

function facetSection(params, facet, counts) {
  if (!counts || counts.length === 0) return null;
  return h(
    'section',
    { class: 'facet', 'data-facet': facet },
    h('h3', { id: `facet-${facet}` }, FACET_TITLES[facet] ?? facet),
    h(
      'ul',
      { 'aria-labelledby': `facet-${facet}` },
      counts.map(({ value, count }) =>
        h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              'aria-pressed': String(isFilterOn(params, facet, value)),
              'data-value': value,
              onclick: () => navigate(toggleFilter(params, facet, value)),
            },
            h('span', {}, facet === 'country' ? value : label(value)),
            h('span', { class: 'muted' }, formatNumber(count)),
          ),
        ),
      ),
    ),
  );
}

function activeFilters(params) {
  const chips = [];
  for (const [facet, name] of Object.entries(FACET_PARAMS))
    for (const value of params.getAll(name))
      chips.push(
        h(
          'button',
          {
            type: 'button',
            'aria-label': `Remove filter ${FACET_TITLES[facet]}: ${value}`,
            onclick: () => navigate(toggleFilter(params, facet, value)),
          },
          `${FACET_TITLES[facet]}: ${facet === 'country' ? value : label(value)} ✕`,
        ),
      );
  if (params.has('near')) {
    const without = firstPage(params);
    without.delete('near');
    chips.push(
      h('button', { type: 'button', onclick: () => navigate(without) }, `Within ${params.get('near')} ✕`),
    );
  }
  return chips;
}

function summary(result, params) {
  const page = Number(params.get('page') ?? '1');
  const parts = [
    h(
      'p',
      { id: 'total' },
      h('strong', {}, `${result.totalApproximate ? '≈ ' : ''}${formatNumber(result.total)} studies`),
      ` · page ${page} · sorted by ${label(result.sort.toUpperCase())}`,
    ),
  ];
  if (result.didYouMean) {
    const corrected = firstPage(params);
    corrected.set(result.didYouMean.field, result.didYouMean.text);
    parts.push(h('p', {}, 'Did you mean ', h('a', { href: `?${corrected}` }, result.didYouMean.text), '?'));
  }
  for (const note of result.notes) parts.push(h('p', { class: 'muted' }, note));
  return parts;
}

function pager(result, params) {
  const page = Number(params.get('page') ?? '1');
  const next = new URLSearchParams(params);
  if (result.nextCursor) {
    next.set('cursor', result.nextCursor);
    next.set('page', String(page + 1));
  }
  return [
    h(
      'button',
      { type: 'button', disabled: !history.state?.hasPrevious, onclick: () => history.back() },
      '← Previous',
    ),
    h('span', {}, `Page ${page}`),
    h(
      'button',
      { type: 'button', disabled: !result.nextCursor, onclick: () => navigate(next, { hasPrevious: true }) },
      'Next →',
    ),
  ];
}

/** Renders overlap (a click, then Back before the answer): only the newest one may draw. */
let renderSeq = 0;

async function render() {
  const seq = ++renderSeq;
  const params = currentParams();
  fillForm(params);
  fill(byId('summary'), h('p', { class: 'muted' }, 'Searching…'));
  let result;
  try {
    result = await getJson('/studies', apiParams(params));
  } catch (error) {
    if (seq !== renderSeq) return;
    fill(byId('summary'), h('p', { class: 'error', role: 'alert' }, error.message));
    fill(byId('results'));
    return;
  }
  if (seq !== renderSeq) return;
  fill(byId('summary'), summary(result, params));
  fill(byId('active-filters'), activeFilters(params));
  fill(
    byId('facets'),
    h('h2', {}, 'Filters'),
    Object.keys(FACET_TITLES).map((f) => facetSection(params, f, result.facets?.[f])),
  );
  fill(
    byId('results'),
    result.studies.length ? result.studies.map(resultItem) : h('li', {}, 'No study matches this search.'),
  );
  fill(byId('pager'), pager(result, params));
  map.setCircle(parseNear(params.get('near')));
  map.setPoints(
    result.studies
      .filter((s) => s.nearestSite)
      .map((s) => ({
        lat: s.nearestSite.lat,
        lon: s.nearestSite.lon,
        label: `${s.nctId}: ${s.nearestSite.facility ?? ''}`,
      })),
  );
}

async function exportAs(format) {
  const status = byId('export-status');
  try {
    const params = apiParams(currentParams());
    const result = await fetchAllResults(params, (n) => fill(status, `${formatNumber(n)} studies fetched…`));
    const stamp = new Date().toISOString().slice(0, 10);
    if (format === 'csv') download(`cds-studies-${stamp}.csv`, 'text/csv', toCsv(result.studies));
    else download(`cds-studies-${stamp}.json`, 'application/json', toJson(result, params));
    fill(status, `${formatNumber(result.studies.length)} of ${formatNumber(result.total)} studies exported.`);
  } catch (error) {
    fill(status, h('span', { class: 'error' }, error.message));
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  navigate(paramsFromForm());
});
attachTypeahead(field('q'), byId('q-suggestions'), { onPick: () => navigate(paramsFromForm()) });
byId('export-csv').addEventListener('click', () => void exportAs('csv'));
byId('export-json').addEventListener('click', () => void exportAs('json'));
attachSaveSearch(byId('save-search'));
window.addEventListener('popstate', () => void render());

void showFreshness();
void render();
