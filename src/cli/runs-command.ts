/** `cds migrate`, `cds runs [id]` and `cds quarantine`: the database's schema and run records. */
import type { Command } from 'commander';
import { CdsError } from '../errors.ts';
import { getRun, listQuarantine, listRuns } from '../runs/run-queries.ts';
import { migrate } from '../store/migrate.ts';
import { openDb } from '../store/open-db.ts';
import { openMigratedDb } from '../store/open-migrated-db.ts';
import type { CliContext } from './cli-context.ts';
import { formatTable } from './format-table.ts';

const seconds = (ms: number | null) => (ms === null ? '' : `${(ms / 1000).toFixed(1)}s`);

function countsText(counts: Record<string, unknown>): string {
  const keys = [
    'fetched',
    'inserted',
    'updated',
    'unchanged',
    'removed',
    'quarantined',
    'duplicates',
    'warnings',
  ];
  return keys
    .filter((k) => typeof counts[k] === 'number')
    .map((k) => `${k}=${counts[k]}`)
    .join(' ');
}

export function registerRunsCommands(program: Command, context: CliContext): void {
  program
    .command('migrate')
    .description('bring the database schema up to date (sync, load and serve also do this)')
    .action(async () => {
      const db = await openDb(context.loadConfig());
      try {
        const outcome = await migrate(db);
        const ran = outcome.results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
        context.io.out(
          ran.length ? `applied: ${ran.join(', ')}\n` : `up to date (${outcome.applied.length} migrations)\n`,
        );
      } finally {
        await db.close();
      }
    });

  program
    .command('runs')
    .description('list runs, newest first, or show one run with its steps')
    .argument('[runId]', 'a run id to show in detail')
    .option('-n, --limit <n>', 'how many runs', '20')
    .option('--json', 'machine-readable output')
    .action(async (runId: string | undefined, options: { limit: string; json?: boolean }) => {
      const db = await openMigratedDb(context.loadConfig());
      try {
        if (runId) {
          const run = await getRun(db, runId);
          if (!run) throw new CdsError('NOT_FOUND', `No run ${runId}. List runs with: cds runs`);
          if (options.json) return context.io.out(`${JSON.stringify(run, null, 2)}\n`);
          context.io.out(
            `run ${run.id}  ${run.kind} (${run.trigger})  ${run.state}  started ${run.started_at}  ${seconds(run.duration_ms)}\n` +
              `counts: ${countsText(run.counts) || '-'}\n` +
              (run.data_timestamp ? `source data: ${run.data_timestamp}\n` : '') +
              (run.landing_dir ? `landing: ${run.landing_dir}\n` : '') +
              (run.error ? `error: ${run.error}\n` : '') +
              `\n${formatTable(run.steps, [
                { header: 'step', value: (s) => s.step },
                { header: 'try', value: (s) => s.attempt, align: 'right' },
                { header: 'state', value: (s) => s.state },
                { header: 'duration', value: (s) => seconds(s.duration_ms), align: 'right' },
                { header: 'counts', value: (s) => countsText(s.counts), max: 70 },
                { header: 'error', value: (s) => s.error, max: 60 },
              ])}` +
              (run.warnings.length
                ? `\nwarnings: ${run.warnings.map((w) => `${w.code}=${w.count}`).join(' ')}\n`
                : '') +
              (run.quarantined ? `quarantined: ${run.quarantined} (cds quarantine --run ${run.id})\n` : ''),
          );
          return;
        }
        const runs = await listRuns(db, { limit: Number(options.limit) || 20 });
        if (options.json) return context.io.out(`${JSON.stringify(runs, null, 2)}\n`);
        if (runs.length === 0)
          return context.io.out('no runs yet: start one with `cds sync` or `cds load <path>`\n');
        context.io.out(
          formatTable(runs, [
            { header: 'run', value: (r) => r.id },
            { header: 'kind', value: (r) => r.kind },
            { header: 'trigger', value: (r) => r.trigger },
            { header: 'state', value: (r) => r.state },
            { header: 'started', value: (r) => r.started_at },
            { header: 'duration', value: (r) => seconds(r.duration_ms), align: 'right' },
            { header: 'counts', value: (r) => countsText(r.counts), max: 80 },
            { header: 'error', value: (r) => r.error, max: 50 },
          ]),
        );
      } finally {
        await db.close();
      }
    });

  program
    .command('quarantine')
    .description('list records that could not be stored faithfully, with the reason and their raw text')
    .option('--run <runId>', 'only this run')
    .option('-n, --limit <n>', 'how many', '50')
    .option('--raw', 'print each raw record in full')
    .option('--json', 'machine-readable output (includes the raw records)')
    .action(async (options: { run?: string; limit: string; raw?: boolean; json?: boolean }) => {
      const db = await openMigratedDb(context.loadConfig());
      try {
        const entries = await listQuarantine(db, {
          ...(options.run ? { runId: options.run } : {}),
          limit: Number(options.limit) || 50,
        });
        if (options.json) return context.io.out(`${JSON.stringify(entries, null, 2)}\n`);
        if (entries.length === 0) return context.io.out('nothing quarantined\n');
        context.io.out(
          formatTable(entries, [
            { header: 'id', value: (e) => e.id, align: 'right' },
            { header: 'run', value: (e) => e.run_id },
            { header: 'nct_id', value: (e) => e.nct_id ?? '?' },
            { header: 'source', value: (e) => e.source, max: 40 },
            { header: 'path', value: (e) => e.path || '(record)', max: 50 },
            { header: 'message', value: (e) => e.message, max: 70 },
          ]),
        );
        if (options.raw) for (const e of entries) context.io.out(`\n# ${e.id} ${e.source}\n${e.raw}\n`);
      } finally {
        await db.close();
      }
    });
}
