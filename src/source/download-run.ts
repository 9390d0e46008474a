/**
 * One download from ClinicalTrials.gov into a landing run, start to finish: pick the window, resume an
 * unfinished run of the same kind and parameters (or the one named), crawl pages or fetch the bulk zip,
 * complete the manifest and index, and prune old runs. `cds download` and `cds sync` both call it.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { type Config, landingDir as landingDirOf } from '../config.ts';
import { CdsError } from '../errors.ts';
import {
  BULK_ZIP,
  type CrawlProgress,
  completeLandingRun,
  createLandingRun,
  type LandingManifest,
  type RunKind,
  readManifest,
} from '../landing/landing-run.ts';
import { findResumableRun, newestCompleteWindowRun, pruneLandingRuns } from '../landing/landing-runs.ts';
import { type Logger, silentLogger } from '../log.ts';
import { downloadBulkZip } from './bulk-download.ts';
import { crawlPages } from './crawl-pages.ts';
import type { CtgovClient, StudiesParams } from './ctgov-client.ts';

export type DownloadMode =
  /**
   * Studies updated since a date. `since` (yyyy-MM-dd) is taken as given; otherwise the window starts one
   * day before the watermark (`watermark`, a dataTimestamp the caller knows, e.g. from the database, else
   * the newest complete landed run's), else `config.initialWindowDays` days ago.
   */
  | { kind: 'incremental'; since?: string; watermark?: string }
  | { kind: 'full' }
  | { kind: 'ids'; ids: readonly string[] }
  | { kind: 'query'; term: string };

export interface DownloadProgressEvent {
  phase: 'page' | 'bytes';
  pages: number;
  studies: number;
  bytes: number;
  /** Studies expected (pages) — from countTotal. */
  totalCount?: number;
  /** Bytes expected (bulk zip) — from Content-Length. */
  totalBytes?: number;
}

export interface DownloadRunOptions {
  config: Pick<Config, 'dataDir' | 'landingRetention' | 'initialWindowDays'>;
  client: CtgovClient;
  mode: DownloadMode;
  /** A run directory to resume; default: the newest incomplete run of the same kind and parameters. */
  resume?: string;
  /** false: always start a new run. */
  autoResume?: boolean;
  logger?: Logger;
  clock?: () => Date;
  signal?: AbortSignal;
  onProgress?: (event: DownloadProgressEvent) => void | Promise<void>;
  /** Page size of /studies requests (1000, the API's maximum; tests use less to get several pages). */
  pageSize?: number;
}

export interface DownloadRunResult {
  runDir: string;
  manifest: LandingManifest;
  resumed: boolean;
  /** Incremental only: the first LastUpdatePostDate asked for, and why that date. */
  window?: { from: string; reason: string };
}

const DAY_MS = 86_400_000;
const isoDate = (date: Date) => date.toISOString().slice(0, 10);

export function validateDate(text: string, what: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(`${text}T00:00:00Z`)))
    throw new CdsError('CONFIG', `${what} must be a date as YYYY-MM-DD, got "${text}"`);
  return text;
}

/** The first day of an incremental window: one day of overlap before the watermark's date. */
export function windowStartFromWatermark(dataTimestamp: string): string {
  const day = Date.parse(`${dataTimestamp.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(day)) throw new CdsError('CONFIG', `Watermark "${dataTimestamp}" is not a date`);
  return isoDate(new Date(day - DAY_MS));
}

interface ResolvedMode {
  kind: RunKind;
  /** What the manifest records, and what resuming matches on. */
  params: Record<string, string>;
  /** The /studies parameters without the date window. */
  base: StudiesParams;
  from?: string;
  reason?: string;
}

function modeOfManifest(manifest: LandingManifest): ResolvedMode {
  const params = manifest.params;
  if (manifest.kind === 'ids') return { kind: 'ids', params, base: { 'filter.ids': params.ids ?? '' } };
  if (manifest.kind === 'query') return { kind: 'query', params, base: { 'query.term': params.term ?? '' } };
  if (manifest.kind === 'incremental') return { kind: 'incremental', params, base: {}, from: params.from };
  return { kind: 'full', params, base: {} };
}

async function resolveMode(options: DownloadRunOptions, landing: string, now: Date): Promise<ResolvedMode> {
  const mode = options.mode;
  if (mode.kind === 'full') return { kind: 'full', params: {}, base: {} };
  if (mode.kind === 'ids') {
    const ids = mode.ids.map((id) => id.trim().toUpperCase()).filter((id) => id !== '');
    const bad = ids.filter((id) => !/^NCT\d{8}$/.test(id));
    if (ids.length === 0 || bad.length > 0)
      throw new CdsError(
        'CONFIG',
        `--ids takes NCT ids such as NCT01234567, comma-separated; bad: ${bad.join(', ') || '(none given)'}`,
      );
    const joined = ids.join(',');
    return { kind: 'ids', params: { ids: joined }, base: { 'filter.ids': joined } };
  }
  if (mode.kind === 'query') {
    if (mode.term.trim() === '') throw new CdsError('CONFIG', '--query needs a search text');
    return { kind: 'query', params: { term: mode.term }, base: { 'query.term': mode.term } };
  }
  let from: string;
  let reason: string;
  if (mode.since !== undefined) {
    from = validateDate(mode.since, '--since');
    reason = `--since ${from}`;
  } else if (mode.watermark !== undefined) {
    from = windowStartFromWatermark(mode.watermark);
    reason = `one day before the watermark ${mode.watermark}`;
  } else {
    const newest = await newestCompleteWindowRun(landing);
    if (newest) {
      from = windowStartFromWatermark(newest.manifest.dataTimestamp);
      reason = `one day before the dataTimestamp ${newest.manifest.dataTimestamp} of landed run ${newest.manifest.runId}`;
    } else {
      from = isoDate(new Date(now.getTime() - options.config.initialWindowDays * DAY_MS));
      reason = `no complete landed run: the last ${options.config.initialWindowDays} days (CDS_INITIAL_WINDOW_DAYS)`;
    }
  }
  return { kind: 'incremental', params: { from }, base: {}, from, reason };
}

export async function downloadRun(options: DownloadRunOptions): Promise<DownloadRunResult> {
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? (() => new Date());
  const landing = landingDirOf(options.config);
  let mode: ResolvedMode;
  let runDir: string;
  let resumed = false;
  if (options.resume !== undefined) {
    runDir = path.resolve(options.resume);
    const manifest = await readManifest(runDir);
    if (manifest.complete) throw new CdsError('CONFIG', `${runDir} is already complete; nothing to resume`);
    mode = modeOfManifest(manifest);
    resumed = true;
  } else {
    mode = await resolveMode(options, landing, clock());
    if (mode.reason)
      logger.info(`incremental window: studies updated since ${mode.from}`, { reason: mode.reason });
    const previous =
      options.autoResume === false ? undefined : await findResumableRun(landing, mode.kind, mode.params);
    if (previous) {
      runDir = previous.runDir;
      resumed = true;
    } else {
      const { dataTimestamp } = await options.client.version({ signal: options.signal });
      runDir = (
        await createLandingRun(landing, { kind: mode.kind, params: mode.params, dataTimestamp, now: clock() })
      ).runDir;
    }
  }
  logger.info(resumed ? 'resuming landing run' : 'landing run started', {
    runDir,
    kind: mode.kind,
    ...mode.params,
  });

  if (mode.kind === 'full') {
    const file = path.join(runDir, BULK_ZIP);
    const landed = await stat(file).then(
      () => true,
      () => false,
    );
    if (!landed) {
      const result = await downloadBulkZip({
        client: options.client,
        file,
        signal: options.signal,
        onBytes: (bytes, totalBytes) =>
          void options.onProgress?.({ phase: 'bytes', pages: 0, studies: 0, bytes, totalBytes }),
      });
      logger.info('bulk zip landed', { file, bytes: result.bytes, entries: result.entries });
    }
  } else {
    await crawlPages({
      client: options.client,
      runDir,
      baseParams: mode.base,
      from: mode.from,
      signal: options.signal,
      logger,
      pageSize: options.pageSize,
      onPage: (progress: CrawlProgress) =>
        options.onProgress?.({
          phase: 'page',
          pages: progress.pages,
          studies: progress.studies,
          bytes: progress.bytes,
          totalCount: progress.totalCount ?? undefined,
        }),
    });
  }
  const manifest = await completeLandingRun(runDir, { now: clock(), signal: options.signal });
  logger.info('landing run complete', { runDir, ...manifest.counts });
  await pruneLandingRuns(landing, options.config.landingRetention, logger);
  return {
    runDir,
    manifest,
    resumed,
    ...(mode.from && mode.reason ? { window: { from: mode.from, reason: mode.reason } } : {}),
  };
}
