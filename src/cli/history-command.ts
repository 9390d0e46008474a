/**
 * `cds history NCT…` (every version of a study with what changed) and `cds asof <date>` (the studies that
 * matched a filter on that day). Both read the warehouse; with no message bus configured they first
 * deliver pending events in-process, so the answer includes the last sync.
 */
import type { Command } from 'commander';
import type { FieldChange } from '../domain/study-diff.ts';
import { CdsError } from '../errors.ts';
import { asOfInstant, studiesAsOf } from '../warehouse/studies-as-of.ts';
import { studyHistory } from '../warehouse/study-history.ts';
import type { CliContext } from './cli-context.ts';
import { formatTable } from './format-table.ts';
import { withWarehouse } from './with-warehouse.ts';

const NCT_ID = /^NCT\d{8}$/;

export function registerHistoryCommands(program: Command, context: CliContext): void {
  program
    .command('history')
    .description('every version of a study since the first sync, with what changed')
    .argument('<nctId>', 'e.g. NCT01234567')
    .option('--json', 'machine-readable output')
    .action(async (nctId: string, options: { json?: boolean }) => {
      const id = nctId.trim().toUpperCase();
      if (!NCT_ID.test(id))
        throw new CdsError('BAD_QUERY', `"${nctId}" is not an NCT id (NCT and 8 digits).`);
      await withWarehouse(context, async (db) => {
        const history = await studyHistory(db, id);
        if (options.json) return context.io.out(`${JSON.stringify(history, null, 2)}\n`);
        context.io.out(`${historyNote(history.historyStartsAt)}\n\n`);
        if (history.rows.length === 0) return context.io.out(`${id}: no version recorded.\n`);
        context.io.out(
          formatTable(history.rows, [
            { header: 'version', value: (r) => r.version, align: 'right' },
            { header: 'valid from', value: (r) => r.valid_from },
            { header: 'valid to', value: (r) => r.valid_to ?? 'current' },
            { header: 'ended', value: (r) => r.closed_reason },
            { header: 'status', value: (r) => r.overall_status },
            { header: 'enrollment', value: (r) => r.enrollment, align: 'right' },
            { header: 'sites', value: (r) => r.site_count, align: 'right' },
          ]),
        );
        for (const row of history.rows) {
          const what = row.restored
            ? 'restored'
            : row.version === history.rows[0]?.version
              ? 'first seen'
              : '';
          const changes = row.changes.map(describeChange);
          if (changes.length === 0 && !what) continue;
          context.io.out(`\nv${row.version} ${what}${changes.length ? `\n  ${changes.join('\n  ')}` : ''}\n`);
        }
      });
    });

  program
    .command('asof')
    .description('the studies matching a filter as they were on a date (end of that day, UTC)')
    .argument('<date>', 'yyyy-MM-dd, or an ISO timestamp')
    .option('--status <statuses>', 'overall status, comma-separated (e.g. RECRUITING)')
    .option('--condition <text>', 'text in a condition, its MeSH term or a MeSH ancestor (e.g. asthma)')
    .option('-n, --limit <n>', 'rows to list', '50')
    .option('--json', 'machine-readable output')
    .action(
      async (
        date: string,
        options: { status?: string; condition?: string; limit: string; json?: boolean },
      ) => {
        const at = asOfInstant(date);
        const limit = Number(options.limit);
        if (!Number.isInteger(limit) || limit < 1)
          throw new CdsError('BAD_QUERY', '--limit must be a positive integer.');
        const statuses = options.status
          ?.split(',')
          .map((s) => s.trim().toUpperCase())
          .filter(Boolean);
        await withWarehouse(context, async (db) => {
          const result = await studiesAsOf(db, { at, statuses, condition: options.condition, limit });
          if (options.json) return context.io.out(`${JSON.stringify(result, null, 2)}\n`);
          context.io.out(`${historyNote(result.historyStartsAt)}\n`);
          context.io.out(`${result.total} studies as of ${result.at}\n\n`);
          if (result.studies.length > 0)
            context.io.out(
              formatTable(result.studies, [
                { header: 'nct id', value: (s) => s.nct_id },
                { header: 'v', value: (s) => s.version, align: 'right' },
                { header: 'status', value: (s) => s.overall_status },
                { header: 'phases', value: (s) => s.phases.join('/') },
                { header: 'enrollment', value: (s) => s.enrollment, align: 'right' },
                { header: 'title', value: (s) => s.brief_title, max: 60 },
              ]),
            );
        });
      },
    );
}

/** Where history is shown, say where it starts (decisions.md). */
function historyNote(start: string | null): string {
  return start === null
    ? 'No history yet: history starts at the first sync.'
    : `History starts at the first sync (${start}); what studies looked like before it is not known.`;
}

function describeChange(change: FieldChange): string {
  if ('added' in change) return `${change.path}: +${change.added.length} −${change.removed.length}`;
  return `${change.path}: ${short(change.before)} → ${short(change.after)}`;
}

function short(value: unknown): string {
  const text = value === null ? '∅' : typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}
