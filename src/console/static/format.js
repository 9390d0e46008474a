/** Display formats shared by the console pages. */
import { h } from './dom.js';

/** RECRUITING → Recruiting, EARLY_PHASE1 → Early phase 1. */
export function label(value) {
  if (value === null || value === undefined || value === '') return '—';
  const text = String(value);
  if (text === 'true') return 'Yes';
  if (text === 'false') return 'No';
  if (text === 'NA') return 'Not applicable';
  if (!/^[A-Z0-9_]+$/.test(text)) return text;
  const words = text
    .toLowerCase()
    .replace(/_/g, ' ')
    .replace(/phase(\d)/, 'phase $1');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function formatNumber(n) {
  return typeof n === 'number' ? n.toLocaleString('en-US') : '—';
}

/** Milliseconds → "850 ms", "12.3 s", "4 min 05 s", "2 h 03 min". */
export function formatDuration(ms) {
  if (ms === null || ms === undefined) return '—';
  const n = Number(ms);
  if (n < 1000) return `${n} ms`;
  if (n < 60_000) return `${(n / 1000).toFixed(1)} s`;
  const s = Math.round(n / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** An ISO UTC time as "2026-11-29 15:03 UTC" in a <time> element. */
export function timeElement(iso) {
  if (!iso) return '—';
  const text = String(iso)
    .replace('T', ' ')
    .replace(/(:\d{2})(\.\d+)?Z?$/, '$1')
    .slice(0, 16);
  return h('time', { datetime: iso }, `${text} UTC`);
}

/** A snippet with matches between « and » → text with <mark> elements. */
export function highlighted(snippet) {
  const parts = [];
  const pattern = /«([^»]*)»/g;
  let last = 0;
  for (let m = pattern.exec(snippet); m; m = pattern.exec(snippet)) {
    parts.push(snippet.slice(last, m.index), h('mark', {}, m[1]));
    last = m.index + m[0].length;
  }
  parts.push(snippet.slice(last));
  return parts;
}

/** Counts people look at first; any other count follows, and is left out when zero. */
const MAIN_COUNTS = [
  'studies',
  'pages',
  'fetched',
  'inserted',
  'updated',
  'unchanged',
  'removed',
  'quarantined',
  'duplicates',
  'warnings',
];

/** "fetched 12 · inserted 3" from a counts object (numbers only). */
export function countsText(counts) {
  const entries = Object.entries(counts ?? {}).filter(([, v]) => typeof v === 'number');
  const rank = (key) => (MAIN_COUNTS.includes(key) ? MAIN_COUNTS.indexOf(key) : MAIN_COUNTS.length);
  return entries
    .filter(([k, v]) => MAIN_COUNTS.includes(k) || v !== 0)
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([k, v]) => `${k} ${formatNumber(v)}`)
    .join(' · ');
}

export function stateBadge(state) {
  return h('span', { class: `badge state-${state}` }, state);
}
