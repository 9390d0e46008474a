import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CdsError } from '../../src/errors.ts';
import { createHttpClient, type HttpClient, parseRetryAfter } from '../../src/source/http-client.ts';
import { type FakeCtgov, startFakeCtgov } from '../support/fake-ctgov.ts';

let api: FakeCtgov;
let http: HttpClient;
let sleeps: number[];

function client(overrides: Partial<Parameters<typeof createHttpClient>[0]> = {}): HttpClient {
  sleeps = [];
  http = createHttpClient({
    timeoutMs: 10_000,
    attempts: 4,
    ratePerSecond: 1_000,
    minRetryDelayMs: 5,
    maxRetryDelayMs: 20,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    clock: () => new Date('2026-11-29T12:00:00Z'),
    ...overrides,
  });
  return http;
}

const versionText = async () => (await http.getBytes(`${api.url}/version`)).body.toString('utf8');

beforeEach(async () => {
  api = await startFakeCtgov();
  client();
});
afterEach(async () => {
  await http.close();
  await api.close();
});

describe('createHttpClient', () => {
  it('retries a 429 without Retry-After after a backoff and returns the body', async () => {
    api.inject({ kind: 'status', status: 429, path: '/version' });
    expect(JSON.parse(await versionText())).toEqual({
      apiVersion: '2.0.5',
      dataTimestamp: '2026-11-28T09:00:04',
    });
    expect(api.requests.map((r) => r.fault ?? 'ok')).toEqual(['status', 'ok']);
    expect(sleeps).toEqual([]);
  });

  it('waits the Retry-After seconds of a 429 before retrying', async () => {
    api.inject({ kind: 'status', status: 429, retryAfter: '3', path: '/version' });
    await versionText();
    expect(sleeps).toEqual([3_000]);
    expect(api.requests).toHaveLength(2);
  });

  it('waits until the Retry-After HTTP date of a 503', async () => {
    api.inject({
      kind: 'status',
      status: 503,
      retryAfter: 'Sun, 29 Nov 2026 12:00:07 GMT',
      path: '/version',
    });
    await versionText();
    expect(sleeps).toEqual([7_000]);
  });

  it.each([500, 502, 503])('retries HTTP %i', async (status) => {
    api.inject({ kind: 'status', status, times: 2 });
    await versionText();
    expect(api.requests.map((r) => r.fault ?? 'ok')).toEqual(['status', 'status', 'ok']);
  });

  it('gives up after every attempt failed with a 503 and says it kept failing', async () => {
    api.inject({ kind: 'status', status: 503, times: 10, body: 'upstream overloaded' });
    const error = await versionText().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CdsError);
    expect((error as CdsError).code).toBe('API_UNREACHABLE');
    expect((error as CdsError).message).toContain('kept failing after 4 attempts');
    expect((error as CdsError).message).toContain('HTTP 503 from /api/v2/version: upstream overloaded');
    expect(api.requests).toHaveLength(4);
  });

  it('abandons a response slower than the timeout and retries', async () => {
    client({ timeoutMs: 150 });
    api.inject({ kind: 'slow', delayMs: 20_000, path: '/version' });
    const started = Date.now();
    await versionText();
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(api.requests.map((r) => r.fault ?? 'ok')).toEqual(['slow', 'ok']);
  });

  it.each(['drop', 'reset-mid-body', 'short-body'] as const)(
    'retries a connection failure (%s)',
    async (kind) => {
      api.inject({ kind, path: '/studies/NCT00007696' });
      const { body } = await http.getBytes(`${api.url}/studies/NCT00007696`);
      expect(JSON.parse(body.toString('utf8')).protocolSection.identificationModule.nctId).toBe(
        'NCT00007696',
      );
      expect(api.requests.map((r) => r.fault ?? 'ok')).toEqual([kind, 'ok']);
    },
  );

  it('fails at once on a 400 with the status, path and server text, without retrying', async () => {
    const error = await http.getBytes(`${api.url}/studies?filter.phase=PHASE3`).catch((e: unknown) => e);
    expect((error as CdsError).code).toBe('API_REJECTED');
    expect((error as CdsError).message).toBe(
      'ClinicalTrials.gov rejected GET /api/v2/studies?filter.phase=PHASE3 with HTTP 400: `filter.phase` is unknown parameter',
    );
    expect(api.requests).toHaveLength(1);
  });

  it('fails at once on a 404 without retrying', async () => {
    const error = await http.getBytes(`${api.url}/studies/NCT99999999`).catch((e: unknown) => e);
    expect((error as CdsError).code).toBe('API_REJECTED');
    expect((error as CdsError).message).toContain('HTTP 404: Study NCT99999999 not found');
    expect(api.requests).toHaveLength(1);
  });

  it('reports an unreachable host with the URL and what to do', async () => {
    client({ attempts: 2 });
    const url = 'http://127.0.0.1:9/api/v2/version';
    const error = await http.getBytes(url).catch((e: unknown) => e);
    expect((error as CdsError).code).toBe('API_UNREACHABLE');
    expect((error as CdsError).message).toContain(`Cannot reach ${url} (ECONNREFUSED) after 2 attempts`);
    expect((error as CdsError).message).toContain('CTGOV_API_URL');
    expect((error as CdsError).message).toContain('cds load');
  });

  it('re-fetches a body that the check rejects as corrupt, and reports CORRUPT_DOWNLOAD if it stays so', async () => {
    const { retryableFailure } = await import('../../src/source/http-client.ts');
    let calls = 0;
    const error = await http
      .getBytes(`${api.url}/version`, {
        check: () => {
          calls++;
          throw retryableFailure('Corrupt test body');
        },
      })
      .catch((e: unknown) => e);
    expect(calls).toBe(4);
    expect((error as CdsError).code).toBe('CORRUPT_DOWNLOAD');
  });

  it("passes on an error that is not the API's doing (a full disk) at once, unchanged", async () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const error = await http
      .get(`${api.url}/version`, async () => {
        throw full;
      })
      .catch((e: unknown) => e);
    expect(error).toBe(full);
    expect(api.requests).toHaveLength(1);
  });

  it('starts at most ratePerSecond requests per second', async () => {
    client({ ratePerSecond: 20 });
    const started = Date.now();
    for (let i = 0; i < 5; i++) await versionText();
    // 5 requests at 20/s: the 5th starts no earlier than 4 intervals of 50 ms after the first.
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });
});

describe('parseRetryAfter', () => {
  const now = new Date('2026-11-29T12:00:00Z');
  it('reads seconds and HTTP dates, and ignores anything else', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Sun, 29 Nov 2026 12:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Sun, 29 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
