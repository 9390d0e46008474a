/** `cds sync` (download + load, the daily flow) and `cds load <path>` (the load half, offline). */
import type { Command } from 'commander';
import type { Config } from '../config.ts';
import { CdsError } from '../errors.ts';
import { readManifest } from '../landing/landing-run.ts';
import { withRun } from '../runs/run-log.ts';
import { refreshSearchTerms } from '../search/refresh-search-terms.ts';
import type { DownloadMode } from '../source/download-run.ts';
import type { Db } from '../store/db.ts';
import { openMigratedDb } from '../store/open-migrated-db.ts';
import { rebuildStudies } from '../store/rebuild-studies.ts';
import { loadLanded } from '../sync/load-landed.ts';
import { runSync } from '../sync/run-sync.ts';
import type { CliContext } from './cli-context.ts';
import { formatTable } from './format-table.ts';
import { createProgressReporter, type ProgressReporter } from './progress.ts';

/** Opens the migrated database and a progress reporter for `fn`, and closes both however it ends. */
async function withDbAndProgress<T>(
  context: CliContext,
  label: string,
  fn: (db: Db, progress: ProgressReporter) => Promise<T>,
  config: Config = context.loadConfig(),
): Promise<T> {
  const db = await openMigratedDb(config);
  const progress = createProgressReporter({ isTTY: context.io.isTTY, logger: context.logger, label });
  try {
    return await fn(db, progress);
  } finally {
    progress.done();
    await db.close();
  }
}

function countsTable(counts: Record<string, number>): string {
  const rows = Object.entries(counts).map(([name, value]) => ({ name, value }));
  return formatTable(rows, [
    { header: 'count', value: (r) => r.name },
    { header: 'studies', value: (r) => r.value, align: 'right' },
  ]);
}

export function registerSyncCommands(program: Command, context: CliContext): void {
  program
    .command('sync')
    .description(
      'download what changed on ClinicalTrials.gov since the last sync (or --full: the whole registry) and load it',
    )
    .option('--full', 'the whole registry from the bulk zip; studies absent from it are marked removed')
    .option('--since <date>', 'studies updated since this date (YYYY-MM-DD) instead of the watermark')
    .option('--ids <ids>', 'only these NCT ids, comma-separated')
    .option('--query <text>', 'only studies matching this ClinicalTrials.gov search expression')
    .action(async (options: { full?: boolean; since?: string; ids?: string; query?: string }) => {
      const config = context.loadConfig();
      const mode: DownloadMode = options.full
        ? { kind: 'full' }
        : options.ids
          ? { kind: 'ids', ids: options.ids.split(/[,|\s]+/) }
          : options.query
            ? { kind: 'query', term: options.query }
            : { kind: 'incremental', ...(options.since ? { since: options.since } : {}) };
      if (options.full && !config.databaseUrl)
        context.logger.warn(
          'a full sync on the embedded database works but is slow for 10 GB; set DATABASE_URL for the whole registry',
        );
      await withDbAndProgress(
        context,
        'sync',
        async (db, progress) => {
          const result = await runSync({
            db,
            config,
            logger: context.logger,
            mode,
            onProgress: (p) => progress.update(p),
          });
          progress.done();
          context.io.out(
            `run ${result.runId} succeeded (source data ${result.dataTimestamp})\n${countsTable(result.counts)}`,
          );
        },
        config,
      );
    });

  program
    .command('load')
    .description(
      'load studies from landed files, offline: a landing run dir, a dir of .json, a .zip, .ndjson or JSON array',
    )
    .argument('<path>', 'what to load')
    .option('--snapshot', 'the input is the whole registry: mark studies absent from it as removed')
    .action(async (inputPath: string, options: { snapshot?: boolean }) => {
      const config = context.loadConfig();
      const manifest = await readManifest(inputPath).catch(() => undefined);
      const snapshot = options.snapshot ?? manifest?.kind === 'full';
      if (manifest && !manifest.complete)
        throw new CdsError(
          'BAD_INPUT',
          `${inputPath} is an incomplete landing run (its download stopped). Finish it with \`cds download --resume ${inputPath}\` first.`,
        );
      await withDbAndProgress(
        context,
        'load',
        async (db, progress) => {
          const params = { path: inputPath, snapshot };
          await withRun(db, { kind: 'load', params }, async (run) => {
            if (manifest) await run.setLanding(inputPath, manifest.dataTimestamp);
            const result = await loadLanded({
              db,
              config,
              run,
              path: inputPath,
              snapshot,
              logger: context.logger.child({ runId: run.id }),
              onProgress: (p) => progress.update({ step: 'load', ...p }),
            });
            progress.done();
            context.io.out(`run ${run.id} succeeded\n${countsTable(flat(result.counts))}`);
          });
        },
        config,
      );
    });

  registerRebuildCommand(program, context);
}

function registerRebuildCommand(program: Command, context: CliContext): void {
  program
    .command('rebuild')
    .description('re-derive every typed column, child row and search vector from the stored raw documents')
    .option(
      '--drop-indexes',
      'drop the search indexes meanwhile and build them once at the end (faster; search is slow meanwhile)',
    )
    .action(async (options: { dropIndexes?: boolean }) => {
      const dropIndexes = options.dropIndexes ?? false;
      await withDbAndProgress(context, 'rebuild', (db, progress) =>
        withRun(db, { kind: 'rebuild', params: { dropIndexes } }, async (run) => {
          const result = await run.step('transform', async () => {
            const outcome = await rebuildStudies(db, {
              rebuildIndexes: dropIndexes,
              onProgress: (p) => progress.update({ step: 'load', ...p }),
            });
            if (outcome.status !== 'succeeded')
              throw new CdsError('BAD_INPUT', `The rebuild ${outcome.status}: ${outcome.errors.join('; ')}`);
            return { ...outcome, counts: flat(outcome.counts) };
          });
          await run.addCounts(result.counts);
          await run.step('index', async () => ({ counts: { ...(await refreshSearchTerms(db)) } }));
          progress.done();
          context.io.out(`run ${run.id} succeeded\n${countsTable(result.counts)}`);
        }),
      );
    });
}

function flat(counts: object): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).filter(([, v]) => typeof v === 'number'));
}
