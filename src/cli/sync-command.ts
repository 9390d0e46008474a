/** `cds sync` (download + load, the daily flow) and `cds load <path>` (the load half, offline). */
import type { Command } from 'commander';
import { CdsError } from '../errors.ts';
import { readManifest } from '../landing/landing-run.ts';
import { startRun } from '../runs/run-log.ts';
import { refreshSearchTerms } from '../search/refresh-search-terms.ts';
import type { DownloadMode } from '../source/download-run.ts';
import { openMigratedDb } from '../store/open-migrated-db.ts';
import { rebuildStudies } from '../store/rebuild-studies.ts';
import { loadLanded } from '../sync/load-landed.ts';
import { runSync } from '../sync/run-sync.ts';
import type { CliContext } from './cli-context.ts';
import { formatTable } from './format-table.ts';
import { createProgressReporter } from './progress.ts';

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
      const db = await openMigratedDb(config);
      const progress = createProgressReporter({
        isTTY: context.io.isTTY,
        logger: context.logger,
        label: 'sync',
      });
      try {
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
      } finally {
        progress.done();
        await db.close();
      }
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
      const db = await openMigratedDb(config);
      const progress = createProgressReporter({
        isTTY: context.io.isTTY,
        logger: context.logger,
        label: 'load',
      });
      try {
        const run = await startRun(db, { kind: 'load', params: { path: inputPath, snapshot } });
        try {
          if (manifest) await run.setLanding(inputPath, manifest.dataTimestamp);
          const result = await loadLanded({
            db,
            run,
            path: inputPath,
            snapshot,
            logger: context.logger.child({ runId: run.id }),
            onProgress: (p) => progress.update({ step: 'load', ...p }),
          });
          await run.succeed();
          progress.done();
          context.io.out(`run ${run.id} succeeded\n${countsTable(flat(result.counts))}`);
        } catch (error) {
          await run.fail(error).catch(() => {});
          throw error;
        }
      } finally {
        progress.done();
        await db.close();
      }
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
      const db = await openMigratedDb(context.loadConfig());
      const progress = createProgressReporter({
        isTTY: context.io.isTTY,
        logger: context.logger,
        label: 'rebuild',
      });
      try {
        const run = await startRun(db, {
          kind: 'rebuild',
          params: { dropIndexes: options.dropIndexes ?? false },
        });
        try {
          const result = await run.step('transform', async () => {
            const outcome = await rebuildStudies(db, {
              rebuildIndexes: options.dropIndexes ?? false,
              onProgress: (p) => progress.update({ step: 'load', ...p }),
            });
            if (outcome.status !== 'succeeded')
              throw new CdsError('BAD_INPUT', `The rebuild ${outcome.status}: ${outcome.errors.join('; ')}`);
            return { ...outcome, counts: flat(outcome.counts) };
          });
          await run.addCounts(result.counts);
          await run.step('index', async () => ({ counts: { ...(await refreshSearchTerms(db)) } }));
          await run.succeed();
          progress.done();
          context.io.out(`run ${run.id} succeeded\n${countsTable(result.counts)}`);
        } catch (error) {
          await run.fail(error).catch(() => {});
          throw error;
        }
      } finally {
        progress.done();
        await db.close();
      }
    });
}

function flat(counts: object): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).filter(([, v]) => typeof v === 'number'));
}
