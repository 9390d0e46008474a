/**
 * The ClinicalTrials.gov API v2 endpoints this mirror uses. Pages are returned as the bytes received (they
 * are landed as they are) together with what the crawl needs from them.
 */
import type { Config } from '../config.ts';
import { CdsError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { createHttpClient, type HttpClient, retryableFailure } from './http-client.ts';

export interface ApiVersion {
  apiVersion: string;
  /** UTC `yyyy-MM-ddTHH:mm:ss` of the data release (daily, ~09:00 UTC): the sync watermark. */
  dataTimestamp: string;
}

export interface StatsSize {
  totalStudies: number;
  averageSizeBytes?: number;
  [key: string]: unknown;
}

/** /studies query parameters other than pageSize, pageToken and countTotal (the client sets those). */
export type StudiesParams = Readonly<Record<string, string>>;

export interface StudiesPage {
  /** The page exactly as received. */
  body: Buffer;
  studies: number;
  nextPageToken: string | undefined;
  /** Only on the first page (countTotal=true). */
  totalCount: number | undefined;
  /** The latest `lastUpdatePostDateStruct.date` among the page's studies (yyyy-MM-dd), if any. */
  maxLastUpdatePostDate: string | undefined;
  /** 1-based number of the page within this query. */
  number: number;
}

export interface CtgovClient {
  readonly baseUrl: string;
  version(options?: { signal?: AbortSignal }): Promise<ApiVersion>;
  statsSize(options?: { signal?: AbortSignal }): Promise<StatsSize>;
  /** One study's JSON text (an alias is redirected to its canonical study). */
  study(nctId: string, options?: { signal?: AbortSignal }): Promise<string>;
  /**
   * Every page of a /studies query: pageSize=1000, countTotal=true on the first page only, and each
   * follow-up page repeats exactly the same parameters plus its pageToken. A page whose body does not parse
   * is fetched again (it was cut short), never returned.
   */
  pages(
    params: StudiesParams,
    options?: { signal?: AbortSignal; pageSize?: number },
  ): AsyncGenerator<StudiesPage>;
  readonly http: HttpClient;
}

export const MAX_PAGE_SIZE = 1000;

interface ParsedPage {
  studies?: unknown;
  nextPageToken?: unknown;
  totalCount?: unknown;
}

function parseJson<T>(body: Buffer, what: string): T {
  try {
    return JSON.parse(body.toString('utf8')) as T;
  } catch (error) {
    throw retryableFailure(`Corrupt ${what}: the body (${body.length} bytes) is not valid JSON`, error);
  }
}

function maxLastUpdate(studies: unknown[]): string | undefined {
  let max: string | undefined;
  for (const study of studies) {
    const date = (
      study as { protocolSection?: { statusModule?: { lastUpdatePostDateStruct?: { date?: unknown } } } }
    )?.protocolSection?.statusModule?.lastUpdatePostDateStruct?.date;
    if (typeof date === 'string' && (max === undefined || date > max)) max = date;
  }
  return max;
}

export function createCtgovClient(options: { baseUrl: string; http: HttpClient }): CtgovClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const http = options.http;
  const urlOf = (route: string, params: Record<string, string> = {}) => {
    const url = new URL(`${baseUrl}${route}`);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    return url.toString();
  };
  const getJson = async <T>(route: string, signal?: AbortSignal): Promise<T> => {
    const { body } = await http.getBytes(urlOf(route), {
      signal,
      check: (bytes) => void parseJson(bytes, route),
    });
    return JSON.parse(body.toString('utf8')) as T;
  };

  return {
    baseUrl,
    http,
    version: async ({ signal } = {}) => {
      const value = await getJson<Partial<ApiVersion>>('/version', signal);
      if (typeof value.dataTimestamp !== 'string')
        throw new CdsError('API_REJECTED', `${baseUrl}/version answered without a dataTimestamp`);
      return { apiVersion: String(value.apiVersion ?? ''), dataTimestamp: value.dataTimestamp };
    },
    statsSize: ({ signal } = {}) => getJson<StatsSize>('/stats/size', signal),
    study: async (nctId, { signal } = {}) => {
      const { body } = await http.getBytes(urlOf(`/studies/${encodeURIComponent(nctId)}`), {
        signal,
        check: (bytes) => void parseJson(bytes, `study ${nctId}`),
      });
      return body.toString('utf8');
    },
    async *pages(params, { signal, pageSize = MAX_PAGE_SIZE } = {}) {
      let token: string | undefined;
      let number = 0;
      do {
        number++;
        const query: Record<string, string> = { ...params, pageSize: String(pageSize) };
        if (token === undefined) query.countTotal = 'true';
        else query.pageToken = token;
        const what = `page ${number} of /studies`;
        let parsed: ParsedPage | undefined;
        const { body } = await http.getBytes(urlOf('/studies', query), {
          signal,
          check: (bytes) => {
            parsed = parseJson<ParsedPage>(bytes, what);
            if (!Array.isArray(parsed?.studies))
              throw retryableFailure(`Corrupt ${what}: no "studies" array in the body`);
          },
        });
        const page = parsed as ParsedPage & { studies: unknown[] };
        token =
          typeof page.nextPageToken === 'string' && page.nextPageToken !== ''
            ? page.nextPageToken
            : undefined;
        yield {
          body,
          studies: page.studies.length,
          nextPageToken: token,
          totalCount: typeof page.totalCount === 'number' ? page.totalCount : undefined,
          maxLastUpdatePostDate: maxLastUpdate(page.studies),
          number,
        };
      } while (token !== undefined);
    },
  };
}

/** The client as configured (CTGOV_API_URL, CTGOV_RATE_PER_SEC, CTGOV_TIMEOUT_MS, CTGOV_ATTEMPTS). */
export function createCtgovClientFromConfig(
  config: Pick<Config, 'apiUrl' | 'apiRatePerSecond' | 'apiTimeoutMs' | 'apiAttempts'>,
  options: { logger?: Logger } = {},
): CtgovClient {
  const http = createHttpClient({
    timeoutMs: config.apiTimeoutMs,
    attempts: config.apiAttempts,
    ratePerSecond: config.apiRatePerSecond,
    logger: options.logger,
  });
  return createCtgovClient({ baseUrl: config.apiUrl, http });
}
