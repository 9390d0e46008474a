/**
 * The data side of the fake ClinicalTrials.gov server: the fixture studies, the /studies query semantics it
 * imitates (filter.advanced date range, filter.ids, query.term, sort, page tokens) and the bulk zip.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ZipFile } from 'yazl';

export const FIXTURE_STUDIES_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../fixtures/ctgov/studies',
);

/** The 206 real fixture study texts, byte-exact, in file-name order. */
export function loadFixtureStudies(dir = FIXTURE_STUDIES_DIR): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => readFileSync(path.join(dir, name), 'utf8'));
}

export interface FakeStudy {
  text: string;
  nctId: string;
  aliases: string[];
  lastUpdatePostDate: string;
  parsed: unknown;
}

export function toFakeStudy(text: string): FakeStudy {
  const parsed = JSON.parse(text) as {
    protocolSection?: {
      identificationModule?: { nctId?: string; nctIdAliases?: string[] };
      statusModule?: { lastUpdatePostDateStruct?: { date?: string } };
    };
  };
  const id = parsed.protocolSection?.identificationModule;
  return {
    text,
    parsed,
    nctId: id?.nctId ?? '',
    aliases: id?.nctIdAliases ?? [],
    lastUpdatePostDate: parsed.protocolSection?.statusModule?.lastUpdatePostDateStruct?.date ?? '',
  };
}

/** Parameters the real API knows; the fake serves the first group and answers 400 for the rest. */
export const SUPPORTED_PARAMS = new Set([
  'format',
  'markupFormat',
  'query.term',
  'filter.ids',
  'filter.advanced',
  'sort',
  'countTotal',
  'pageSize',
  'pageToken',
]);
export const KNOWN_UNSUPPORTED_PARAMS = new Set([
  'query.cond',
  'query.locn',
  'query.titles',
  'query.intr',
  'query.outc',
  'query.spons',
  'query.lead',
  'query.id',
  'query.patient',
  'filter.overallStatus',
  'filter.geo',
  'filter.synonyms',
  'postFilter.overallStatus',
  'postFilter.geo',
  'postFilter.ids',
  'postFilter.advanced',
  'postFilter.synonyms',
  'aggFilters',
  'geoDecay',
  'fields',
]);

/** Selects and orders studies for one /studies query; returns an error text for a 400. */
export function selectStudies(studies: readonly FakeStudy[], params: URLSearchParams): FakeStudy[] | string {
  let selected = [...studies];
  const advanced = params.get('filter.advanced');
  if (advanced !== null) {
    const match =
      /^AREA\[LastUpdatePostDate\]RANGE\[\s*(MIN|\d{4}-\d{2}-\d{2})\s*,\s*(MAX|\d{4}-\d{2}-\d{2})\s*\]$/.exec(
        advanced,
      );
    if (!match) return `fake server supports only filter.advanced=AREA[LastUpdatePostDate]RANGE[from,to]`;
    const [, from = 'MIN', to = 'MAX'] = match;
    selected = selected.filter(
      (s) => (from === 'MIN' || s.lastUpdatePostDate >= from) && (to === 'MAX' || s.lastUpdatePostDate <= to),
    );
  }
  const ids = params.get('filter.ids');
  if (ids !== null) {
    const wanted = ids.split(/[,|]/).map((id) => id.trim().toUpperCase());
    if (wanted.some((id) => !/^NCT\d{8}$/.test(id))) return `filter.ids has incorrect format: ${ids}`;
    selected = selected.filter((s) => wanted.includes(s.nctId) || s.aliases.some((a) => wanted.includes(a)));
  }
  const term = params.get('query.term');
  if (term !== null) {
    const needle = term.toLowerCase();
    selected = selected.filter((s) => s.text.toLowerCase().includes(needle));
  }
  const sort = params.get('sort');
  if (sort !== null) {
    const match = /^LastUpdatePostDate(?::(asc|desc))?$/.exec(sort);
    if (!match) return `fake server supports only sort=LastUpdatePostDate[:asc|:desc]`;
    const direction = match[1] === 'asc' ? 1 : -1;
    selected.sort(
      (a, b) =>
        direction * a.lastUpdatePostDate.localeCompare(b.lastUpdatePostDate) ||
        a.nctId.localeCompare(b.nctId),
    );
  }
  return selected;
}

/** The parameters a follow-up page must repeat (all but countTotal, pageSize, pageToken). */
export function querySignature(params: URLSearchParams): string {
  return [...params.entries()]
    .filter(([key]) => key !== 'countTotal' && key !== 'pageSize' && key !== 'pageToken')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

export interface PageToken {
  offset: number;
  signature: string;
  generation: number;
}

export const encodeToken = (token: PageToken) => Buffer.from(JSON.stringify(token)).toString('base64url');

export function decodeToken(text: string): PageToken | undefined {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as PageToken;
    return typeof value.offset === 'number' && typeof value.signature === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** One /studies page as the real API writes it: pretty-printed JSON, studies first. */
export function renderPage(
  studies: readonly FakeStudy[],
  extra: { nextPageToken?: string; totalCount?: number },
) {
  const page: Record<string, unknown> = { studies: studies.map((s) => s.parsed) };
  if (extra.totalCount !== undefined) page.totalCount = extra.totalCount;
  if (extra.nextPageToken !== undefined) page.nextPageToken = extra.nextPageToken;
  return JSON.stringify(page, null, 2);
}

/**
 * The bulk file: one entry per study with its exact text, in 100 shard directories by the last two digits of
 * the NCT number (`35/NCT02252835.json`), like ctg-studies.json.zip.
 */
export function buildBulkZip(studies: readonly FakeStudy[]): Promise<Buffer> {
  const zip = new ZipFile();
  const mtime = new Date('2026-01-01T00:00:00Z');
  for (const study of studies)
    zip.addBuffer(Buffer.from(study.text), `${study.nctId.slice(-2)}/${study.nctId}.json`, { mtime });
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}
