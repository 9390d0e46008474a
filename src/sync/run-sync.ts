/**
 * `cds sync`: the daily flow as one recorded run — download (incremental window from the watermark, or
 * the full bulk zip) into a landing run, then load it, then advance the watermark. A crashed run leaves
 * its landing run incomplete and the watermark where it was, so the next run resumes the landing run
 * and re-loads what it holds (unchanged studies are skipped by their content hash).
 */
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { withRun } from '../runs/run-log.ts';
import { getState, setState, WATERMARK_KEY, type Watermark } from '../runs/sync-state.ts';
import { type CtgovClient, createCtgovClientFromConfig } from '../source/ctgov-client.ts';
import { type DownloadMode, type DownloadProgressEvent, downloadRun } from '../source/download-run.ts';
import type { Db } from '../store/db.ts';
import type { LoadProgress } from '../store/load-studies.ts';
import { flatCounts, loadLanded } from './load-landed.ts';

export type SyncProgress = ({ step: 'download' } & DownloadProgressEvent) | ({ step: 'load' } & LoadProgress);

export interface RunSyncOptions {
  db: Db;
  config: Config;
  logger: Logger;
  /** Default: the configured API client (CTGOV_API_URL, rate limit, timeouts, retries). */
  client?: CtgovClient;
  /** Default: incremental from the watermark (or the initial window when there is none). */
  mode?: DownloadMode;
  /** Who started it: cli, schedule, manual (console "run now"). */
  trigger?: string;
  signal?: AbortSignal;
  onProgress?: (progress: SyncProgress) => void;
  /** /studies page size (tests use small pages to exercise paging). */
  pageSize?: number;
  /** Extra values recorded in the run's params from the start (the scheduler's attempt number). */
  params?: Record<string, unknown>;
  /** Called once the run is recorded, before any work: the caller learns the run id early. */
  onRunStarted?: (runId: string) => void;
}

export interface SyncResult {
  runId: string;
  runDir: string;
  dataTimestamp: string;
  counts: Record<string, number>;
}

export async function runSync(options: RunSyncOptions): Promise<SyncResult> {
  const { db, config, logger } = options;
  const client = options.client ?? createCtgovClientFromConfig(config, { logger });
  const requested: DownloadMode = options.mode ?? { kind: 'incremental' };
  const watermark = await getState<Watermark>(db, WATERMARK_KEY);
  const mode: DownloadMode =
    requested.kind === 'incremental' && requested.since === undefined && watermark
      ? { kind: 'incremental', watermark: watermark.dataTimestamp }
      : requested;
  const params = { ...mode, ...options.params };
  return withRun(db, { kind: 'sync', trigger: options.trigger ?? 'cli', params }, async (run) => {
    options.onRunStarted?.(run.id);
    const log = logger.child({ runId: run.id });
    const download = await run.step('download', async (progress) => {
      const result = await downloadRun({
        config,
        client,
        mode,
        logger: log,
        signal: options.signal,
        pageSize: options.pageSize,
        onProgress: (event) => {
          progress({ ...event });
          options.onProgress?.({ step: 'download', ...event });
        },
      });
      return { ...result, counts: { ...result.manifest.counts } };
    });
    await run.setLanding(download.runDir, download.manifest.dataTimestamp);
    const loaded = await loadLanded({
      db,
      config,
      run,
      path: download.runDir,
      snapshot: mode.kind === 'full',
      logger: log,
      signal: options.signal,
      onProgress: (p) => options.onProgress?.({ step: 'load', ...p }),
    });
    const dataTimestamp = download.manifest.dataTimestamp;
    if (
      (mode.kind === 'incremental' || mode.kind === 'full') &&
      (!watermark || dataTimestamp > watermark.dataTimestamp)
    )
      await setState(db, WATERMARK_KEY, { dataTimestamp, runId: run.id } satisfies Watermark);
    return { runId: run.id, runDir: download.runDir, dataTimestamp, counts: flatCounts(loaded) };
  });
}
