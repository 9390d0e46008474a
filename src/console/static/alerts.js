/**
 * The alerts page: every saved search with its query, how many studies match it now and its recent alerts
 * (added, changed with the field diff, removed with the reason), older alerts on request, and a button to
 * delete it (an admin action).
 */
import { getJson, sendAdmin } from './api.js';
import { byId, fill, h } from './dom.js';
import { changeList } from './field-changes.js';
import { formatNumber, label, timeElement } from './format.js';
import { showFreshness } from './freshness.js';

/** Alerts fetched per saved search and per "Older alerts". */
const PAGE = 20;
const KINDS = { added: 'Added', changed: 'Changed', removed: 'Removed' };
const REASONS = {
  no_longer_matches: 'No longer matches the search.',
  missing_from_snapshot: 'Gone from ClinicalTrials.gov.',
  merged: 'Merged into another record.',
};
/** Query fields that hold defaults rather than what the user searched for. */
const NOT_SHOWN = new Set(['pageSize', 'facets', 'cursor']);

/** "status: Recruiting · condition: asthma" from a saved query model. */
function queryText(query) {
  const parts = Object.entries(query)
    .filter(([key, value]) => !NOT_SHOWN.has(key) && !(key === 'meshExpansion' && value === true))
    .map(([key, value]) => {
      if (Array.isArray(value)) return `${key}: ${value.map(label).join(', ')}`;
      if (value !== null && typeof value === 'object') return `${key}: ${JSON.stringify(value)}`;
      return `${key}: ${label(value)}`;
    });
  return parts.length ? parts.join(' · ') : 'every study';
}

function alertRow(alert) {
  const what =
    alert.kind === 'removed'
      ? (REASONS[alert.reason] ?? alert.reason)
      : alert.kind === 'added' && !alert.changes.length
        ? 'Entered the results.'
        : null;
  return h(
    'tr',
    { 'data-kind': alert.kind, 'data-nct-id': alert.nctId },
    h('td', {}, timeElement(alert.occurredAt)),
    h('td', {}, h('span', { class: `badge kind-${alert.kind}` }, KINDS[alert.kind] ?? alert.kind)),
    h(
      'td',
      {},
      h('a', { href: `/console/study.html?id=${encodeURIComponent(alert.nctId)}` }, alert.nctId),
      h('div', { class: 'muted' }, `version ${alert.version}`),
    ),
    h('td', {}, what, changeList(alert.changes)),
    h('td', {}, alert.webhook === 'none' ? '—' : alert.webhook),
  );
}

/** Fills (or, with `before`, extends) the alerts of one saved search. */
async function showAlerts(search, target, before = null) {
  const page = await getJson(
    `/searches/${search.id}/alerts`,
    `limit=${PAGE}${before === null ? '' : `&before=${before}`}`,
  );
  const rows = page.alerts.map(alertRow);
  const older = page.nextBefore
    ? h(
        'button',
        {
          type: 'button',
          onclick: (event) => {
            event.currentTarget.remove();
            showAlerts(search, target, page.nextBefore).catch(showError);
          },
        },
        'Older alerts',
      )
    : null;
  if (before !== null) {
    target.querySelector('tbody').append(...rows);
    if (older) target.append(older);
    return;
  }
  if (!rows.length) {
    fill(
      target,
      h(
        'p',
        { class: 'muted' },
        'No alerts yet: they come with the next sync that adds, changes or removes a study in its results.',
      ),
    );
    return;
  }
  fill(
    target,
    h(
      'table',
      {},
      h('caption', { class: 'skip' }, `Alerts of ${search.name}, newest first`),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['When', 'Alert', 'Study', 'What changed', 'Webhook'].map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      h('tbody', {}, rows),
    ),
    older,
  );
}

function searchArticle(search) {
  const id = `search-${search.id}`;
  return h(
    'article',
    { class: 'saved-search', id, 'data-search-id': search.id, 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title` }, search.name),
    h(
      'p',
      { class: 'meta' },
      `${formatNumber(search.matches)} studies match now · saved `,
      timeElement(search.createdAt),
      search.webhookOrigin ? ` · webhook to ${search.webhookOrigin}` : ' · no webhook',
    ),
    h('p', { class: 'meta' }, 'Search: ', h('code', {}, queryText(search.query))),
    h(
      'div',
      { class: 'toolbar' },
      h(
        'button',
        {
          type: 'button',
          'aria-label': `Delete the saved search ${search.name}`,
          onclick: () => remove(search),
        },
        'Delete',
      ),
    ),
    h(
      'div',
      { class: 'search-alerts', id: `alerts-${search.id}` },
      h('p', { class: 'muted' }, 'Loading alerts…'),
    ),
  );
}

async function remove(search) {
  if (!window.confirm(`Delete the saved search “${search.name}” and its alerts?`)) return;
  try {
    await sendAdmin('DELETE', `/searches/${search.id}`);
    fill(byId('alerts-status'), `Deleted “${search.name}”.`);
    byId('alerts-status').focus();
    await refresh();
  } catch (error) {
    showError(error);
  }
}

function showError(error) {
  fill(byId('alerts-status'), h('span', { class: 'error', role: 'alert' }, error.message));
}

async function refresh() {
  const { searches } = await getJson('/searches');
  fill(
    byId('searches'),
    searches.length
      ? searches.map(searchArticle)
      : h('p', { class: 'muted' }, 'No saved search yet. Save one from the search page.'),
  );
  await Promise.all(searches.map((s) => showAlerts(s, byId(`alerts-${s.id}`))));
  if (location.hash) document.getElementById(location.hash.slice(1))?.scrollIntoView();
}

void showFreshness();
refresh().catch(showError);
