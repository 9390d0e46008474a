/**
 * The load half of the flow: landed records → validate → transform → load, recorded as steps of a run.
 * Used by `cds load <path>` (a run of its own) and by `cds sync` (after its download step).
 */
import type { Config } from '../config.ts';
import { CdsError } from '../errors.ts';
import { deliverConfiguredEvents } from '../events/deliver-events.ts';
import { readLanded } from '../landing/read-landed.ts';
import type { Logger } from '../log.ts';
import type { RunLog } from '../runs/run-log.ts';
import { refreshSearchTerms } from '../search/refresh-search-terms.ts';
import type { Db } from '../store/db.ts';
import { type LoadProgress, type LoadResult, loadStudies } from '../store/load-studies.ts';

export interface LoadLandedOptions {
  db: Db;
  run: RunLog;
  /** A landing run directory, a directory of .json files, a .zip, .ndjson or JSON array file. */
  path: string;
  /** The input is the whole registry: studies absent from it are marked removed afterwards. */
  snapshot?: boolean;
  /** Where change events go after the load (NATS when CDS_NATS_URL is set, else in-process). */
  config: Pick<Config, 'natsUrl'>;
  logger: Logger;
  signal?: AbortSignal;
  onProgress?: (progress: LoadProgress) => void;
}

export async function loadLanded(options: LoadLandedOptions): Promise<LoadResult> {
  const { db, run, logger } = options;
  const result = await run.step('load', async (progress) => {
    const outcome = await loadStudies(db, readLanded(options.path, { signal: options.signal }), {
      runId: run.id,
      snapshot: options.snapshot ?? false,
      signal: options.signal,
      onProgress: (p) => {
        progress({ ...p });
        options.onProgress?.(p);
      },
    });
    if (outcome.status !== 'succeeded') {
      await run.addCounts(flatCounts(outcome));
      throw new CdsError(
        'BAD_INPUT',
        outcome.status === 'aborted'
          ? 'The load was stopped; batches already committed stay loaded, run it again to finish.'
          : `The load failed: ${outcome.errors.join('; ')}`,
      );
    }
    return { ...outcome, result: outcome, counts: flatCounts(outcome) };
  });
  await run.addCounts(result.counts);
  logger.info('load finished', result.counts);
  // Typeahead terms, did-you-mean vocabulary and MeSH synonyms follow the data. Always: with nothing logged
  // it only rebuilds the synonyms (~2 s at 606,000 studies), and it catches up a run that crashed between
  // its load and this step.
  const terms = await run.step('index', async () => ({ counts: { ...(await refreshSearchTerms(db)) } }));
  logger.info('search terms refreshed', terms.counts);
  // The load wrote its change events to the outbox in its own transactions; deliver them now (the relay
  // and the consumers keep their positions, so a failure here is caught up by the next run).
  const published = await run.step('publish', () =>
    deliverConfiguredEvents(db, options.config, { ...(options.signal ? { signal: options.signal } : {}) }),
  );
  logger.info('change events delivered', published.counts);
  return result.result;
}

/** The run's counts: numbers only, warnings by code flattened to `warnings.<code>`. */
export function flatCounts(result: LoadResult): Record<string, number> {
  const { warningsByCode, ...numbers } = result.counts;
  const out: Record<string, number> = { ...numbers };
  for (const [code, n] of Object.entries(warningsByCode)) out[`warnings.${code}`] = n;
  return out;
}
