/**
 * The dashboards page: every dashboard of GET /dashboards, each as a chart (Chart.js, or the country map
 * for sites), its numbers as a table (the accessible alternative, also what tests read: each cell's
 * `data-value` is the API's value) and the SQL behind it in a "Show SQL" disclosure.
 */
import { getJson } from './api.js';
import { drawCountryMap } from './country-map.js';
import { chartConfig } from './dashboard-charts.js';
import { byId, fill, h } from './dom.js';
import { formatNumber, label, timeElement } from './format.js';
import { showFreshness } from './freshness.js';

/** Columns shown as they are (no thousands separator), and columns that hold codes shown as labels. */
const PLAIN = new Set(['year', 'bucket', 'month', 'mesh_id']);
const CODES = new Set(['phase', 'status', 'study_type', 'sponsor_class']);

function cellText(column, value) {
  if (value === null) return '—';
  if (column === 'share') return `${(value * 100).toFixed(1)} %`;
  if (column === 'median_months') return value.toFixed(1);
  if (typeof value === 'number') return PLAIN.has(column) ? String(value) : formatNumber(value);
  return CODES.has(column) ? label(value) : value;
}

function dataTable(dashboard) {
  const columns = Object.keys(dashboard.rows[0] ?? {});
  return h(
    'table',
    { class: 'data-table', 'data-dashboard': dashboard.id },
    h('caption', { class: 'skip' }, dashboard.title),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        columns.map((c) => h('th', { scope: 'col' }, c.replaceAll('_', ' '))),
      ),
    ),
    h(
      'tbody',
      {},
      dashboard.rows.map((row) =>
        h(
          'tr',
          {},
          columns.map((c) =>
            h(
              'td',
              {
                'data-column': c,
                'data-value': row[c] === null ? '' : String(row[c]),
                class: typeof row[c] === 'number' ? 'num' : null,
              },
              cellText(c, row[c]),
            ),
          ),
        ),
      ),
    ),
  );
}

function sqlDisclosure(dashboard) {
  return h(
    'details',
    { class: 'sql' },
    h('summary', {}, 'Show SQL'),
    h('pre', {}, h('code', {}, dashboard.sql)),
    dashboard.params.length
      ? h(
          'p',
          { class: 'muted' },
          'Parameters: ',
          dashboard.params.map((p, i) => `$${i + 1} = ${p}`).join(', '),
        )
      : null,
  );
}

/** The map of sites by country, with the countries it cannot place listed under it. */
async function siteMap(target, dashboard) {
  const items = dashboard.rows.map((r) => ({
    name: r.country,
    value: r.sites,
    title: `${r.country}: ${formatNumber(r.sites)} sites in ${formatNumber(r.studies)} studies`,
  }));
  const { matched, unmatched } = await drawCountryMap(target, items, {
    label: 'World map: study sites by country',
  });
  target.append(
    h(
      'p',
      { class: 'muted', id: 'map-summary' },
      `${matched.length} countries on the map, ${unmatched.length} not.`,
    ),
    unmatched.length
      ? h(
          'table',
          { id: 'unmatched-countries', class: 'compact' },
          h('caption', {}, 'Not on the map (no outline at this scale, or a name the map does not know)'),
          h(
            'thead',
            {},
            h('tr', {}, h('th', { scope: 'col' }, 'country'), h('th', { scope: 'col' }, 'sites')),
          ),
          h(
            'tbody',
            {},
            unmatched.map((i) =>
              h(
                'tr',
                {},
                h('td', {}, i.name),
                h('td', { class: 'num', 'data-value': i.value }, formatNumber(i.value)),
              ),
            ),
          ),
        )
      : null,
  );
}

async function render(section, summary) {
  const dashboard = await getJson(`/dashboards/${encodeURIComponent(summary.id)}`);
  const figure = h('div', { class: 'figure' });
  fill(
    section.querySelector('.body'),
    figure,
    h(
      'p',
      { class: 'muted' },
      `${dashboard.rows.length} rows · computed `,
      timeElement(dashboard.generatedAt),
    ),
    sqlDisclosure(dashboard),
    h('details', { class: 'data' }, h('summary', {}, 'Data table'), dataTable(dashboard)),
  );
  if (dashboard.rows.length === 0) {
    fill(figure, h('p', { class: 'muted' }, 'No data yet: the warehouse fills from the first sync.'));
  } else if (dashboard.id === 'sites-by-country') {
    await siteMap(figure, dashboard);
  } else {
    if (!window.Chart) throw new Error('The chart library could not be loaded.');
    const canvas = h('canvas', {
      role: 'img',
      'aria-label': `${dashboard.title} (chart; the data table below has the numbers)`,
    });
    fill(figure, h('div', { class: 'chart-box' }, canvas));
    new window.Chart(canvas, chartConfig(dashboard.id, dashboard.rows));
  }
  section.dataset.state = 'ready';
}

async function main() {
  void showFreshness();
  const container = byId('dashboards');
  const { dashboards } = await getJson('/dashboards');
  const sections = dashboards.map((d) =>
    h(
      'section',
      {
        class: 'dashboard',
        id: `dashboard-${d.id}`,
        'data-dashboard': d.id,
        'data-state': 'loading',
        'aria-labelledby': `title-${d.id}`,
      },
      h('h2', { id: `title-${d.id}` }, d.title),
      h('p', { class: 'description' }, d.description),
      h('div', { class: 'body' }, h('p', { class: 'muted' }, 'Loading…')),
    ),
  );
  fill(container, sections);
  await Promise.all(
    dashboards.map((d, i) =>
      render(sections[i], d).catch((error) => {
        sections[i].dataset.state = 'error';
        fill(sections[i].querySelector('.body'), h('p', { class: 'error' }, error.message));
      }),
    ),
  );
  container.setAttribute('aria-busy', 'false');
}

if (window.Chart)
  window.Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
main().catch((error) => {
  fill(byId('dashboards'), h('p', { class: 'error' }, error.message));
  byId('dashboards').setAttribute('aria-busy', 'false');
});
