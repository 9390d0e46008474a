/**
 * The History section of the study page: every version of the study since the first sync (GET
 * /studies/{nctId}/history) with the period it was current, its status and enrollment, and what changed.
 * History starts at the first sync, and the section says so.
 */
import { getJson } from './api.js';
import { byId, fill, h } from './dom.js';
import { changeList } from './field-changes.js';
import { formatNumber, label, timeElement } from './format.js';

/** Why a version stopped being current (closed_reason). */
const ENDED = {
  superseded: 'superseded',
  missing_from_snapshot: 'removed from ClinicalTrials.gov',
  merged: 'merged into another record',
};

export function historyNote(start) {
  return start === null
    ? 'No history yet: history starts at the first sync.'
    : [
        'History starts at the first sync (',
        timeElement(start),
        '); what studies looked like before it is not known.',
      ];
}

function versionRow(row, first) {
  const what = row.restored
    ? 'Restored after a removal.'
    : first
      ? 'First seen.'
      : row.changes.length
        ? null
        : 'No tracked field changed.';
  return h(
    'tr',
    { 'data-version': row.version },
    h('th', { scope: 'row' }, `v${row.version}`),
    h('td', {}, timeElement(row.valid_from)),
    h(
      'td',
      {},
      row.valid_to
        ? [
            timeElement(row.valid_to),
            h('div', { class: 'muted' }, ENDED[row.closed_reason] ?? row.closed_reason),
          ]
        : 'current',
    ),
    h('td', {}, label(row.overall_status)),
    h('td', {}, formatNumber(row.enrollment)),
    h('td', {}, what, changeList(row.changes)),
  );
}

function historyContent(history) {
  return [
    h('p', { class: 'muted', id: 'history-note' }, historyNote(history.historyStartsAt)),
    h(
      'table',
      { id: 'history-versions' },
      h('caption', { class: 'skip' }, 'Versions of this study, oldest first'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Version', 'Valid from', 'Valid to', 'Status', 'Enrollment', 'What changed'].map((t) =>
            h('th', { scope: 'col' }, t),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        history.rows.map((row, i) => versionRow(row, i === 0)),
      ),
    ),
  ];
}

/** Fills #history-body with the study's versions, or says why there are none. */
export async function showHistory(nctId) {
  const target = byId('history-body');
  try {
    fill(target, historyContent(await getJson(`/studies/${encodeURIComponent(nctId)}/history`)));
  } catch (error) {
    fill(
      target,
      error.status === 404
        ? h(
            'p',
            { class: 'muted' },
            'No version of this study recorded yet: history starts at the first sync.',
          )
        : h('p', { class: 'error', role: 'alert' }, error.message),
    );
  }
}
