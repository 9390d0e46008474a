/**
 * Crawls a /studies query into a landing run, page by page, resumable by date.
 *
 * Every query is sorted by LastUpdatePostDate ascending, so after each landed page the latest date in it is
 * a point the crawl can restart from: page tokens expire with each daily data release, dates do not. A
 * resumed crawl (after a crash, or after the server refused an expired token) re-issues the query from that
 * date, inclusive, and continues the page numbering. Studies of that date land twice; the loader counts
 * them as duplicates. Nothing is deduplicated here.
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { isCdsError } from '../errors.ts';
import {
  type CrawlProgress,
  PAGES_DIR,
  pageFileName,
  readProgress,
  writeProgress,
} from '../landing/landing-run.ts';
import { writeFileAtomic } from '../landing/write-file-atomic.ts';
import { type Logger, silentLogger } from '../log.ts';
import type { CtgovClient, StudiesPage, StudiesParams } from './ctgov-client.ts';

export interface CrawlPagesOptions {
  client: CtgovClient;
  runDir: string;
  /** The query without its date window: `{}`, `{'filter.ids': …}`, `{'query.term': …}`. */
  baseParams: StudiesParams;
  /** First LastUpdatePostDate of the window (yyyy-MM-dd, inclusive); absent: no date window. */
  from?: string;
  signal?: AbortSignal;
  logger?: Logger;
  /** Called after each page is landed and the progress file written. */
  onPage?: (progress: CrawlProgress, page: StudiesPage) => void | Promise<void>;
  /** Restarts from the resume date after a refused page token, at most (default 5). */
  maxRestarts?: number;
  pageSize?: number;
}

/** The query of one pass: the base parameters, ascending date order, and the window from `from`. */
export function crawlParams(baseParams: StudiesParams, from: string | undefined): Record<string, string> {
  const params: Record<string, string> = { ...baseParams, sort: 'LastUpdatePostDate:asc' };
  if (from !== undefined) params['filter.advanced'] = `AREA[LastUpdatePostDate]RANGE[${from},MAX]`;
  return params;
}

/** Removes page files past the last one the progress file vouches for (written just before a crash). */
async function dropUnrecordedPages(runDir: string, pages: number): Promise<void> {
  const names = await readdir(path.join(runDir, PAGES_DIR)).catch(() => [] as string[]);
  for (const name of names) {
    const number = Number.parseInt(name, 10);
    if (!/^\d+\.json$/.test(name) || number > pages)
      await rm(path.join(runDir, PAGES_DIR, name), { force: true });
  }
}

export async function crawlPages(options: CrawlPagesOptions): Promise<CrawlProgress> {
  const logger = options.logger ?? silentLogger;
  const maxRestarts = options.maxRestarts ?? 5;
  let progress = await readProgress(options.runDir);
  if (progress.done) return progress;
  await dropUnrecordedPages(options.runDir, progress.pages);
  if (progress.pages > 0) {
    progress = { ...progress, restarts: progress.restarts + 1 };
    logger.info('resuming crawl by date', {
      runDir: options.runDir,
      pagesLanded: progress.pages,
      resumeDate: progress.resumeDate,
    });
  }
  let passRestarts = 0;
  for (;;) {
    const from = progress.resumeDate ?? options.from;
    const studiesBeforePass = progress.studies;
    let pagesThisPass = 0;
    try {
      for await (const page of options.client.pages(crawlParams(options.baseParams, from), {
        signal: options.signal,
        pageSize: options.pageSize,
      })) {
        const number = progress.pages + 1;
        await writeFileAtomic(path.join(options.runDir, pageFileName(number)), page.body);
        pagesThisPass++;
        progress = {
          ...progress,
          pages: number,
          studies: progress.studies + page.studies,
          bytes: progress.bytes + page.body.length,
          resumeDate: page.maxLastUpdatePostDate ?? progress.resumeDate,
          totalCount:
            page.totalCount !== undefined ? studiesBeforePass + page.totalCount : progress.totalCount,
        };
        await writeProgress(options.runDir, progress);
        await options.onPage?.(progress, page);
      }
      progress = { ...progress, done: true };
      await writeProgress(options.runDir, progress);
      return progress;
    } catch (error) {
      // A 400 on a follow-up page is the server refusing its page token (expired with a data release).
      const tokenRefused = isCdsError(error, 'API_REJECTED') && pagesThisPass > 0;
      if (!tokenRefused || passRestarts >= maxRestarts) throw error;
      passRestarts++;
      progress = { ...progress, restarts: progress.restarts + 1 };
      await writeProgress(options.runDir, progress);
      logger.warn('page token refused; restarting the query from the resume date', {
        resumeDate: progress.resumeDate,
        error: (error as Error).message,
      });
    }
  }
}
