/**
 * Export of the current search as CSV or JSON, built in the browser from the API's pages (100 studies a
 * page, at most EXPORT_LIMIT studies), so the export is exactly what the search returns.
 */
import { getJson } from './api.js';

export const EXPORT_LIMIT = 1000;

const COLUMNS = [
  ['nctId', (s) => s.nctId],
  ['briefTitle', (s) => s.briefTitle],
  ['acronym', (s) => s.acronym],
  ['overallStatus', (s) => s.overallStatus],
  ['studyType', (s) => s.studyType],
  ['phases', (s) => s.phases.join('|')],
  ['conditions', (s) => s.conditions.join('|')],
  ['interventions', (s) => s.interventions.join('|')],
  ['leadSponsor', (s) => s.leadSponsor],
  ['sponsorClass', (s) => s.sponsorClass],
  ['enrollment', (s) => s.enrollment],
  ['startDate', (s) => s.startDate],
  ['completionDate', (s) => s.completionDate],
  ['lastUpdatePostDate', (s) => s.lastUpdatePostDate],
  ['hasResults', (s) => s.hasResults],
  ['countries', (s) => s.countries.join('|')],
  ['nearestSiteDistance', (s) => (s.nearestSite ? `${s.nearestSite.distance} ${s.nearestSite.unit}` : '')],
  ['url', (s) => `https://clinicaltrials.gov/study/${s.nctId}`],
];

/** Fetches up to EXPORT_LIMIT studies of the query; `onProgress(n)` after each page. */
export async function fetchAllResults(params, onProgress) {
  const query = new URLSearchParams(params);
  query.delete('cursor');
  query.set('pageSize', '100');
  query.set('facets', 'false');
  const studies = [];
  let first = null;
  for (;;) {
    const page = await getJson('/studies', query);
    first ??= page;
    studies.push(...page.studies);
    onProgress?.(studies.length);
    if (!page.nextCursor || studies.length >= EXPORT_LIMIT) break;
    query.set('cursor', page.nextCursor);
  }
  return { studies: studies.slice(0, EXPORT_LIMIT), total: first.total, source: first.source };
}

function csvCell(value) {
  if (value === null || value === undefined) return '';
  let text = String(value);
  // A cell starting with = + - @ is a formula to a spreadsheet: quote it as text.
  if (/^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(studies) {
  const lines = [COLUMNS.map(([name]) => name).join(',')];
  for (const study of studies) lines.push(COLUMNS.map(([, get]) => csvCell(get(study))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function toJson(result, params) {
  return JSON.stringify(
    {
      query: Object.fromEntries(
        [...new URLSearchParams(params).keys()].map((k) => [k, new URLSearchParams(params).getAll(k)]),
      ),
      exportedAt: new Date().toISOString(),
      total: result.total,
      exported: result.studies.length,
      source: result.source,
      studies: result.studies,
    },
    null,
    2,
  );
}

export function download(filename, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
