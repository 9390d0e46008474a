/**
 * GET requests to ClinicalTrials.gov with the failure handling the API needs: a timeout per request (to the
 * headers, and between body chunks), retries with exponential backoff and jitter on transient failures (429,
 * 5xx, timeouts, resets, truncated bodies), `Retry-After` honoured, a rate limit across all requests, and
 * redirects followed (an NCT alias answers 301). Other 4xx answers are final: retrying cannot fix a bad query.
 */
import type { Readable } from 'node:stream';
import pRetry, { AbortError } from 'p-retry';
import pThrottle from 'p-throttle';
import { Agent, type Dispatcher, interceptors, request } from 'undici';
import { CdsError } from '../errors.ts';
import { type Logger, silentLogger } from '../log.ts';

export interface HttpClientOptions {
  /** Milliseconds to wait for the response headers, and at most between two body chunks. */
  timeoutMs: number;
  /** Attempts per request, the first included (config.apiAttempts). */
  attempts: number;
  /** Requests started per second, retries included (config.apiRatePerSecond). */
  ratePerSecond: number;
  /** First backoff in milliseconds; doubles per retry, with jitter (default 1,000). */
  minRetryDelayMs?: number;
  /** Longest backoff in milliseconds (default 60,000). */
  maxRetryDelayMs?: number;
  /** A `Retry-After` longer than this (milliseconds) is cut to it (default 300,000). */
  maxRetryAfterMs?: number;
  /** Waits for a `Retry-After`; tests pass one that records and returns at once. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Parses `Retry-After` HTTP dates against this clock. */
  clock?: () => Date;
  logger?: Logger;
}

export interface HttpResponseInfo {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  url: string;
}

export interface HttpClient {
  /**
   * GETs `url` and hands the body stream to `consume`, retrying the whole exchange on transient failures.
   * `consume` may throw `retryableFailure(...)` (a JSON page cut short, a zip that does not open) to have the
   * request made again from the start.
   */
  get<T>(
    url: string,
    consume: (body: Readable, info: HttpResponseInfo) => Promise<T>,
    options?: { signal?: AbortSignal },
  ): Promise<T>;
  /** GETs `url` and returns the body bytes; `check` may reject them as retryable. */
  getBytes(
    url: string,
    options?: { signal?: AbortSignal; check?: (body: Buffer) => void },
  ): Promise<{ body: Buffer; info: HttpResponseInfo }>;
  close(): Promise<void>;
}

/** A failure of one attempt that a new attempt may fix (the response was cut short or corrupt). */
export class RetryableFailure extends Error {
  readonly retryAfterMs: number | undefined;
  /** The response arrived but its content is unusable (cut short, does not parse, does not open). */
  readonly corrupt: boolean;
  constructor(message: string, options: { cause?: unknown; retryAfterMs?: number; corrupt?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RetryableFailure';
    this.retryAfterMs = options.retryAfterMs;
    this.corrupt = options.corrupt ?? false;
  }
}

/** For `consume`/`check`: the body is corrupt; fetch it again, and report CORRUPT_DOWNLOAD if it stays so. */
export function retryableFailure(message: string, cause?: unknown): RetryableFailure {
  return new RetryableFailure(message, { cause, corrupt: true });
}

/** Says who is calling, as a polite crawler does. */
const USER_AGENT = 'clinical-data-searcher (ClinicalTrials.gov mirror)';

/** Socket-level failures worth another attempt (undici error codes and Node system codes). */
const TRANSIENT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
/** Failures that mean the host could not be reached at all. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    if (current instanceof AggregateError) for (const e of current.errors) codes.push(...errorCodes(e));
    current = current.cause;
  }
  return codes;
}

function isTransient(error: unknown): boolean {
  if (error instanceof RetryableFailure) return true;
  if (error instanceof Error && error.message === 'terminated') return true;
  return errorCodes(error).some((code) => TRANSIENT_CODES.has(code));
}

/** `Retry-After` is either seconds or an HTTP date; returns milliseconds to wait, or undefined. */
export function parseRetryAfter(value: string | string[] | undefined, now: Date): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now.getTime());
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

function pathOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const logger = options.logger ?? silentLogger;
  const sleep = options.sleep ?? defaultSleep;
  const clock = options.clock ?? (() => new Date());
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 300_000;
  const dispatcher: Dispatcher = new Agent({
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    connectTimeout: options.timeoutMs,
  }).compose(interceptors.redirect({ maxRedirections: 5 }));
  // One request at a time per interval: 1 req/s is robots.txt's Crawl-delay for clinicaltrials.gov.
  const throttle = pThrottle({ limit: 1, interval: Math.max(1, Math.round(1000 / options.ratePerSecond)) });
  const startRequest = throttle((url: string, signal?: AbortSignal) =>
    request(url, { method: 'GET', dispatcher, signal, headers: { accept: '*/*', 'user-agent': USER_AGENT } }),
  );

  async function attempt<T>(
    url: string,
    consume: (body: Readable, info: HttpResponseInfo) => Promise<T>,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    const response = await startRequest(url, signal);
    const info: HttpResponseInfo = { status: response.statusCode, headers: response.headers, url };
    if (response.statusCode === 429 || response.statusCode >= 500) {
      const text = await response.body.text().catch(() => '');
      throw new RetryableFailure(
        `HTTP ${response.statusCode} from ${pathOf(url)}${text ? `: ${text}` : ''}`,
        {
          retryAfterMs: parseRetryAfter(response.headers['retry-after'], clock()),
        },
      );
    }
    if (response.statusCode < 200 || response.statusCode >= 300) {
      const text = (await response.body.text().catch(() => '')).trim().slice(0, 2000);
      throw new AbortError(
        new CdsError(
          'API_REJECTED',
          `ClinicalTrials.gov rejected GET ${pathOf(url)} with HTTP ${response.statusCode}: ${text || '(empty body)'}`,
          { context: { status: response.statusCode, url, body: text } },
        ),
      );
    }
    return consume(response.body, info);
  }

  async function get<T>(
    url: string,
    consume: (body: Readable, info: HttpResponseInfo) => Promise<T>,
    callOptions: { signal?: AbortSignal } = {},
  ): Promise<T> {
    const signal = callOptions.signal;
    try {
      return await pRetry(
        async () => {
          try {
            return await attempt(url, consume, signal);
          } catch (error) {
            if (error instanceof AbortError || signal?.aborted || isTransient(error)) throw error;
            throw new AbortError(error instanceof Error ? error : new Error(String(error)));
          }
        },
        {
          retries: options.attempts - 1,
          factor: 2,
          minTimeout: options.minRetryDelayMs ?? 1000,
          maxTimeout: options.maxRetryDelayMs ?? 60_000,
          randomize: true,
          signal,
          onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
            logger.warn('request failed', {
              url: pathOf(url),
              attempt: attemptNumber,
              retriesLeft,
              error: error.message,
            });
            const retryAfterMs = error instanceof RetryableFailure ? error.retryAfterMs : undefined;
            if (retryAfterMs !== undefined && retriesLeft > 0)
              await sleep(Math.min(retryAfterMs, maxRetryAfterMs), signal);
          },
        },
      );
    } catch (error) {
      // Not the API's doing (a full disk writing the body, a bug in `consume`): passed on as it is.
      if (signal?.aborted || error instanceof CdsError || !isTransient(error)) throw error;
      throw finalError(url, error, options.attempts);
    }
  }

  return {
    get,
    getBytes: (url, callOptions = {}) =>
      get(
        url,
        async (body, info) => {
          const chunks: Buffer[] = [];
          for await (const chunk of body) chunks.push(chunk as Buffer);
          const bytes = Buffer.concat(chunks);
          callOptions.check?.(bytes);
          return { body: bytes, info };
        },
        { signal: callOptions.signal },
      ),
    close: () => dispatcher.close(),
  };
}

function finalError(url: string, error: unknown, attempts: number): CdsError {
  const message = error instanceof Error ? error.message : String(error);
  const codes = errorCodes(error);
  if (codes.some((code) => UNREACHABLE_CODES.has(code)))
    return new CdsError(
      'API_UNREACHABLE',
      `Cannot reach ${url} (${codes.join(', ')}) after ${attempts} attempts. Check the network connection and ` +
        'CTGOV_API_URL, or load landed files offline with `cds load <run dir | zip | ndjson | json>`.',
      { context: { url }, cause: error },
    );
  if (error instanceof RetryableFailure && error.corrupt)
    return new CdsError('CORRUPT_DOWNLOAD', `${message} (after ${attempts} attempts at ${url})`, {
      context: { url },
      cause: error,
    });
  return new CdsError(
    'API_UNREACHABLE',
    `GET ${url} kept failing after ${attempts} attempts: ${message}. ClinicalTrials.gov may be down or ` +
      'throttling; try again later (CTGOV_ATTEMPTS raises the attempts).',
    { context: { url }, cause: error },
  );
}
