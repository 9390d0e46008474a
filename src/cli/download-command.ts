/**
 * `cds download`: lands studies from ClinicalTrials.gov under `<dataDir>/landing/<runId>/` without loading
 * them (`cds load <run dir>` does that; `cds sync` does both).
 */
import { type Command, Option } from 'commander';
import { CdsError } from '../errors.ts';
import { createCtgovClientFromConfig } from '../source/ctgov-client.ts';
import { type DownloadMode, downloadRun } from '../source/download-run.ts';
import type { CliContext } from './cli-context.ts';
import { createProgressReporter, formatBytes, loggerAboveProgress } from './progress.ts';

interface DownloadFlags {
  since?: string;
  ids?: string;
  query?: string;
  full?: boolean;
  resume?: string | boolean;
  pageSize?: string;
}

function modeOf(flags: DownloadFlags): DownloadMode {
  const chosen = [flags.since, flags.ids, flags.query, flags.full].filter(
    (v) => v !== undefined && v !== false,
  );
  if (chosen.length > 1) throw new CdsError('CONFIG', 'Use only one of --since, --ids, --query and --full');
  if (flags.full) return { kind: 'full' };
  if (flags.ids !== undefined) return { kind: 'ids', ids: flags.ids.split(/[,\s|]+/) };
  if (flags.query !== undefined) return { kind: 'query', term: flags.query };
  return { kind: 'incremental', ...(flags.since !== undefined ? { since: flags.since } : {}) };
}

export function registerDownloadCommand(program: Command, context: CliContext): void {
  program
    .command('download')
    .description(
      'Download studies from ClinicalTrials.gov into a landing run directory. Default: the studies updated ' +
        'since one day before the newest landed run (first run: the last CDS_INITIAL_WINDOW_DAYS days).',
    )
    .option('--since <date>', 'studies whose LastUpdatePostDate is on or after YYYY-MM-DD')
    .option('--ids <ids>', 'these studies only: NCT ids, comma-separated')
    .option('--query <text>', 'the studies matching a search text (query.term)')
    .option('--full', 'the whole registry from the bulk zip (~2.5 GB)')
    .addOption(
      new Option(
        '--resume <runDir>',
        'resume this unfinished run directory (default: the newest unfinished run of the same kind)',
      ),
    )
    .option('--no-resume', 'always start a new run')
    .option('--page-size <n>', 'studies per /studies request (1 to 1000)', '1000')
    .action(async (flags: DownloadFlags) => {
      const config = context.loadConfig();
      const mode = modeOf(flags);
      const pageSize = Number(flags.pageSize ?? '1000');
      if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000)
        throw new CdsError(
          'CONFIG',
          `--page-size must be a whole number from 1 to 1000, got "${flags.pageSize}"`,
        );
      const baseLogger = context.logger.child({ command: 'download' });
      const progress = createProgressReporter({
        isTTY: context.io.isTTY,
        write: context.io.err,
        logger: baseLogger,
      });
      const logger = loggerAboveProgress(baseLogger, progress);
      const client = createCtgovClientFromConfig(config, { logger });
      const controller = new AbortController();
      const onSignal = () =>
        controller.abort(new CdsError('CONFIG', 'Interrupted; run the same command to resume'));
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const result = await downloadRun({
          config,
          client,
          mode,
          resume: typeof flags.resume === 'string' ? flags.resume : undefined,
          autoResume: flags.resume !== false,
          logger,
          signal: controller.signal,
          onProgress: (event) => progress.update(event),
          pageSize,
        });
        progress.done();
        const { counts } = result.manifest;
        context.io.out(
          `${result.resumed ? 'Resumed and completed' : 'Landed'} ${counts.studies} studies` +
            `${counts.pages > 0 ? ` in ${counts.pages} pages` : ''} (${formatBytes(counts.bytes)}, data of ` +
            `${result.manifest.dataTimestamp}) in ${result.runDir}\n` +
            (result.window ? `Window: updated since ${result.window.from} (${result.window.reason})\n` : '') +
            `Load it with: cds load ${result.runDir}\n`,
        );
      } finally {
        progress.done();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await client.http.close();
      }
    });
}
