/**
 * `cds search "breast cancer" --status RECRUITING --phase PHASE3 --near 40.71,-74.01,50km`: the search of
 * the API on the command line, as a readable table (with facets on request) or `--json` for scripts.
 */
import type { Command } from 'commander';
import { CdsError } from '../errors.ts';
import { parseNear, type SearchQueryInput } from '../search/search-query.ts';
import { type SearchResult, searchStudies } from '../search/search-studies.ts';
import { openMigratedDb } from '../store/open-migrated-db.ts';
import type { CliContext } from './cli-context.ts';
import { formatTable } from './format-table.ts';

interface SearchOptions {
  condition?: string;
  intervention?: string;
  title?: string;
  outcome?: string;
  sponsor?: string;
  location?: string;
  id?: string;
  status?: string;
  phase?: string;
  type?: string;
  sponsorClass?: string;
  ageGroup?: string;
  country?: string[];
  sex?: string;
  healthy?: boolean;
  results?: boolean;
  age?: string;
  start?: string;
  completion?: string;
  updated?: string;
  near?: string;
  sort?: string;
  order?: string;
  size: string;
  cursor?: string;
  mesh: boolean;
  facets?: boolean;
  json?: boolean;
}

const list = (value: string | undefined) =>
  value
    ?.split(',')
    .map((v) => v.trim().toUpperCase())
    .filter(Boolean);

/** "2020-01-01..2021-06-30", "2020-01-01.." or "..2021-06-30". */
function dateRange(name: string, value: string | undefined): { from?: string; to?: string } | undefined {
  if (value === undefined) return undefined;
  const m = /^([^.]*)\.\.([^.]*)$/.exec(value.trim());
  if (!m) throw new CdsError('BAD_QUERY', `--${name} must be FROM..TO, FROM.. or ..TO (dates YYYY-MM-DD)`);
  return { ...(m[1] ? { from: m[1] } : {}), ...(m[2] ? { to: m[2] } : {}) };
}

/** "18-65", "18-" or "-65" (years). */
function ageRange(value: string | undefined): { ageMin?: number; ageMax?: number } {
  if (value === undefined) return {};
  const m = /^\s*(\d+(?:\.\d+)?)?\s*-\s*(\d+(?:\.\d+)?)?\s*$/.exec(value);
  if (!m || (!m[1] && !m[2])) throw new CdsError('BAD_QUERY', '--age must be MIN-MAX, MIN- or -MAX in years');
  return { ...(m[1] ? { ageMin: Number(m[1]) } : {}), ...(m[2] ? { ageMax: Number(m[2]) } : {}) };
}

export function toQuery(text: string | undefined, o: SearchOptions): SearchQueryInput {
  return {
    q: text,
    condition: o.condition,
    intervention: o.intervention,
    title: o.title,
    outcome: o.outcome,
    sponsor: o.sponsor,
    location: o.location,
    id: o.id,
    status: list(o.status) as SearchQueryInput['status'],
    phase: list(o.phase) as SearchQueryInput['phase'],
    studyType: list(o.type) as SearchQueryInput['studyType'],
    sponsorClass: list(o.sponsorClass) as SearchQueryInput['sponsorClass'],
    ageGroup: list(o.ageGroup) as SearchQueryInput['ageGroup'],
    countries: o.country,
    sex: o.sex?.toUpperCase() as SearchQueryInput['sex'],
    healthyVolunteers: o.healthy,
    hasResults: o.results,
    ...ageRange(o.age),
    startDate: dateRange('start', o.start),
    completionDate: dateRange('completion', o.completion),
    lastUpdate: dateRange('updated', o.updated),
    near: o.near ? parseNear(o.near) : undefined,
    sort: o.sort as SearchQueryInput['sort'],
    order: o.order as SearchQueryInput['order'],
    pageSize: Number(o.size),
    cursor: o.cursor,
    meshExpansion: o.mesh,
    facets: Boolean(o.facets) || Boolean(o.json),
  };
}

/** The result as text: a count line, the table, facets if computed, notes and how to get the next page. */
export function formatSearchResult(result: SearchResult): string {
  const near = result.studies.some((s) => s.nearestSite);
  const table = formatTable(result.studies, [
    { header: 'NCT ID', value: (s) => s.nctId },
    { header: 'Status', value: (s) => s.overallStatus, max: 22 },
    { header: 'Phase', value: (s) => s.phases.join('/'), max: 20 },
    { header: 'Title', value: (s) => s.briefTitle, max: 60 },
    { header: 'Conditions', value: (s) => s.conditions.join('; '), max: 30 },
    ...(near
      ? [
          {
            header: 'Nearest site',
            value: (s: SearchResult['studies'][number]) =>
              s.nearestSite
                ? `${s.nearestSite.distance} ${s.nearestSite.unit} ${s.nearestSite.city ?? ''}`
                : '',
            max: 30,
          },
        ]
      : []),
    { header: 'Updated', value: (s) => s.lastUpdatePostDate },
  ]);
  const lines = [
    `${result.totalApproximate ? '~' : ''}${result.total.toLocaleString('en-US')} studies` +
      ` (sorted by ${result.sort}${result.sort === 'relevance' ? '' : ` ${result.order}`})`,
  ];
  if (result.didYouMean) lines.push(`Did you mean ${result.didYouMean.field}: "${result.didYouMean.text}"?`);
  if (result.studies.length > 0) lines.push('', table.trimEnd());
  if (result.facets) {
    lines.push('', `Facets${result.facetsApproximate ? ' (estimated)' : ''}:`);
    for (const [facet, counts] of Object.entries(result.facets))
      if (counts.length > 0)
        lines.push(
          `  ${facet}: ${counts
            .slice(0, 8)
            .map((c) => `${c.value} ${c.count}`)
            .join(', ')}`,
        );
  }
  for (const note of result.notes) lines.push(`Note: ${note}`);
  if (result.nextCursor) lines.push('', `Next page: repeat the command with --cursor ${result.nextCursor}`);
  lines.push('Data: ClinicalTrials.gov, U.S. National Library of Medicine');
  return `${lines.join('\n')}\n`;
}

export function registerSearchCommand(program: Command, context: CliContext): void {
  program
    .command('search')
    .description('search the studies: free text plus fields and filters; a table, or --json')
    .argument('[text]', 'free text: words, "exact phrase", OR, -exclude')
    .option('--condition <text>', 'conditions (with MeSH terms, ancestors and synonyms)')
    .option('--intervention <text>', 'intervention names and their MeSH terms')
    .option('--title <text>', 'acronym, brief and official title')
    .option('--outcome <text>', 'outcome measures')
    .option('--sponsor <text>', 'lead sponsor, collaborators')
    .option('--location <text>', 'site facility, city, state or country')
    .option('--id <ids>', 'NCT ids, aliases or org study ids')
    .option('--status <list>', 'overall status, comma-separated (e.g. RECRUITING,NOT_YET_RECRUITING)')
    .option('--phase <list>', 'phases, comma-separated (e.g. PHASE2,PHASE3)')
    .option('--type <list>', 'study type: INTERVENTIONAL, OBSERVATIONAL, EXPANDED_ACCESS')
    .option('--sponsor-class <list>', 'lead sponsor class: INDUSTRY, NIH, FED, OTHER, …')
    .option('--age-group <list>', 'CHILD, ADULT, OLDER_ADULT')
    .option('--country <name...>', 'site countries as ClinicalTrials.gov names them ("United States")')
    .option('--sex <sex>', 'FEMALE or MALE (studies open to that sex), ALL')
    .option('--healthy', 'accepts healthy volunteers')
    .option('--results', 'has posted results')
    .option('--no-results', 'has no posted results')
    .option('--age <range>', 'eligible ages overlap MIN-MAX years (e.g. 18-65, 65-)')
    .option('--start <range>', 'start date FROM..TO (YYYY-MM-DD)')
    .option('--completion <range>', 'completion date FROM..TO')
    .option('--updated <range>', 'last update posted FROM..TO')
    .option('--near <lat,lon,radius>', 'sites within a radius, e.g. 40.71,-74.01,50km or 42.36,-71.06,30mi')
    .option('--sort <sort>', 'relevance, last_update, start_date, completion_date, enrollment, distance')
    .option('--order <order>', 'asc or desc')
    .option('-n, --size <n>', 'results per page (1–100)', '20')
    .option('--cursor <cursor>', 'the next-page cursor printed by the previous page')
    .option('--no-mesh', 'do not expand the condition through MeSH')
    .option('--facets', 'also print facet counts')
    .option('--json', 'machine-readable output (includes facets)')
    .action(async (text: string | undefined, options: SearchOptions) => {
      const query = toQuery(text, options);
      const config = context.loadConfig();
      const db = await openMigratedDb(config);
      try {
        const result = await searchStudies(db, query, { timeoutMs: config.searchTimeoutMs });
        context.io.out(options.json ? `${JSON.stringify(result, null, 2)}\n` : formatSearchResult(result));
      } finally {
        await db.close();
      }
    });
}
