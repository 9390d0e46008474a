/**
 * The field-level changes of a study version (src/domain/study-diff.ts) as a list people can read:
 * "status.overall: Not yet recruiting → Recruiting", or, for lists of objects (sites, arms…), the entries
 * added and removed. Used by the study page's history and the alerts page.
 */
import { h } from './dom.js';
import { label } from './format.js';

/** Longest shown text of one value or list entry, in characters; the rest is cut with "…". */
const MAX_VALUE_TEXT = 160;

/** Enum values (RECRUITING, PHASE2) read as words; ids and codes (NCT01234567, D001249) stay as they are. */
const ENUM_VALUE = /^[A-Z_]+\d?$/;

function valueText(value) {
  if (value === null || value === undefined) return 'none';
  if (value === '') return 'empty';
  const text =
    typeof value === 'object'
      ? JSON.stringify(value)
      : typeof value === 'string' && !ENUM_VALUE.test(value)
        ? value
        : label(value);
  return text.length > MAX_VALUE_TEXT ? `${text.slice(0, MAX_VALUE_TEXT - 1)}…` : text;
}

function entries(kind, list) {
  if (!list.length) return null;
  return h(
    'ul',
    {},
    list.map((entry) => h('li', {}, h(kind, {}, valueText(entry)))),
  );
}

function describe(change) {
  if ('added' in change)
    return [
      `${change.added.length} added, ${change.removed.length} removed`,
      entries('ins', change.added),
      entries('del', change.removed),
    ];
  return [h('del', {}, valueText(change.before)), ' → ', h('ins', {}, valueText(change.after))];
}

/** A <ul> of the changes, or null when there are none. */
export function changeList(changes) {
  if (!changes?.length) return null;
  return h(
    'ul',
    { class: 'changes' },
    changes.map((change) =>
      h('li', { 'data-path': change.path }, h('code', {}, change.path), ': ', describe(change)),
    ),
  );
}
