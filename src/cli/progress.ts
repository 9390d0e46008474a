/**
 * Download progress for a person or a log shipper. On a terminal: one line redrawn in place (pages,
 * studies, bytes, rate, ETA from the API's totalCount or the zip's Content-Length), at most 10 times a
 * second. Otherwise: one structured log line per landed page, and one per 64 MiB of a bulk download.
 */
import type { Logger } from '../log.ts';
import type { DownloadProgressEvent } from '../source/download-run.ts';

/** Load progress as `cds load` / `cds sync` report it (records in committed batches). */
export interface LoadProgressEvent {
  step: 'load';
  studies: number;
  batches: number;
  /** Records per second since the load started. */
  rate?: number;
}

export type ProgressEvent =
  | DownloadProgressEvent
  | ({ step: 'download' } & DownloadProgressEvent)
  | LoadProgressEvent;

export interface ProgressReporter {
  update(event: ProgressEvent): void;
  /** Takes the bar off the line (TTY) so a log line can be written there. */
  clear(): void;
  /** Draws the bar again after `clear`. */
  restore(): void;
  /** Ends the in-place line (TTY) so later output starts on a fresh line. */
  done(): void;
}

const BYTES_LOG_STEP = 64 * 1024 * 1024;
const REDRAW_MS = 100;
/** Load batches come fast; without a terminal, log at most one line per this many milliseconds. */
const LOAD_LOG_MS = 2_000;

const isLoad = (event: ProgressEvent): event is LoadProgressEvent => 'step' in event && event.step === 'load';

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

function bar(fraction: number, width = 20): string {
  const filled = Math.max(0, Math.min(width, Math.round(fraction * width)));
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

/** The one-line text of a progress event, `elapsedMs` after the start. */
export function progressLine(event: ProgressEvent, elapsedMs: number): string {
  const seconds = Math.max(elapsedMs / 1000, 0.001);
  if (isLoad(event)) {
    const rate = event.rate ?? event.studies / seconds;
    return `loaded ${event.studies} studies in ${event.batches} batches · ${rate.toFixed(0)} studies/s`;
  }
  if (event.phase === 'bytes') {
    const rate = event.bytes / seconds;
    const total = event.totalBytes;
    const eta = total ? formatDuration((total - event.bytes) / Math.max(rate, 1)) : '?';
    return `${total ? `${bar(event.bytes / total)} ` : ''}${formatBytes(event.bytes)}${total ? ` / ${formatBytes(total)}` : ''} · ${formatBytes(rate)}/s · ETA ${eta}`;
  }
  const rate = event.studies / seconds;
  const total = event.totalCount;
  const eta = total ? formatDuration((total - event.studies) / Math.max(rate, 0.001)) : '?';
  return (
    `${total ? `${bar(event.studies / total)} ` : ''}pages ${event.pages} · studies ${event.studies}` +
    `${total ? `/${total}` : ''} · ${formatBytes(event.bytes)} · ${rate.toFixed(0)} studies/s · ETA ${eta}`
  );
}

export function createProgressReporter(options: {
  isTTY: boolean;
  logger: Logger;
  /** Writes to the terminal without a newline (default: stderr). */
  write?: (text: string) => void;
  /** Starts the line and is added to log lines: 'download', 'sync', 'load'. */
  label?: string;
  now?: () => number;
}): ProgressReporter {
  const now = options.now ?? Date.now;
  const write = options.write ?? ((text: string) => void process.stderr.write(text));
  const prefix = options.label ? `${options.label}: ` : '';
  const logger = options.label ? options.logger.child({ step: options.label }) : options.logger;
  const started = now();
  let lastDraw = Number.NEGATIVE_INFINITY;
  let lastLoadLog = Number.NEGATIVE_INFINITY;
  /** The bar is on screen (the cursor is at its end). */
  let lineOpen = false;
  let finished = false;
  let nextBytesLog = BYTES_LOG_STEP;
  let last: ProgressEvent | undefined;
  let shown: ProgressEvent | undefined;
  let shownText = '';
  const draw = (event: ProgressEvent) => {
    shownText = `\r\x1b[K${prefix}${progressLine(event, now() - started)}`;
    write(shownText);
    lineOpen = true;
    shown = event;
    lastDraw = now();
  };
  return {
    update(event) {
      last = event;
      finished = false;
      if (options.isTTY) {
        if (('phase' in event && event.phase === 'page') || now() - lastDraw >= REDRAW_MS) draw(event);
        return;
      }
      if (isLoad(event)) {
        if (now() - lastLoadLog < LOAD_LOG_MS) return;
        lastLoadLog = now();
        logger.info('load progress', { studies: event.studies, batches: event.batches, rate: event.rate });
      } else if (event.phase === 'page') {
        logger.info('page landed', {
          pages: event.pages,
          studies: event.studies,
          bytes: event.bytes,
          totalCount: event.totalCount,
        });
      } else if (event.bytes >= nextBytesLog) {
        nextBytesLog = (Math.floor(event.bytes / BYTES_LOG_STEP) + 1) * BYTES_LOG_STEP;
        logger.info('bulk download progress', { bytes: event.bytes, totalBytes: event.totalBytes });
      }
    },
    clear() {
      if (!lineOpen) return;
      write('\r\x1b[K');
      lineOpen = false;
    },
    restore() {
      // The same text as before: the rate would drop while nothing was downloaded.
      if (!options.isTTY || finished || lineOpen || !shown) return;
      write(shownText);
      lineOpen = true;
    },
    done() {
      // The last event may not have been drawn (redraws are throttled): show where it ended.
      if (options.isTTY && last && last !== shown) draw(last);
      if (lineOpen) write('\n');
      lineOpen = false;
      finished = true;
      last = undefined;
      shown = undefined;
    },
  };
}

/**
 * A logger whose lines do not collide with the progress bar: the bar is cleared before each line and drawn
 * again after it.
 */
export function loggerAboveProgress(logger: Logger, progress: ProgressReporter): Logger {
  const around =
    (level: 'debug' | 'info' | 'warn' | 'error') => (msg: string, fields?: Record<string, unknown>) => {
      progress.clear();
      logger[level](msg, fields);
      progress.restore();
    };
  return {
    debug: around('debug'),
    info: around('info'),
    warn: around('warn'),
    error: around('error'),
    child: (fields) => loggerAboveProgress(logger.child(fields), progress),
  };
}
