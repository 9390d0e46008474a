/**
 * A ClinicalTrials.gov client pointed at the fake server, with millisecond backoffs and no rate limit worth
 * the name, so fault tests run fast. `sleeps` records every Retry-After wait (they return at once).
 */
import { type CtgovClient, createCtgovClient } from '../../src/source/ctgov-client.ts';
import { createHttpClient, type HttpClientOptions } from '../../src/source/http-client.ts';

export function fastCtgovClient(
  baseUrl: string,
  overrides: Partial<HttpClientOptions> = {},
): CtgovClient & { sleeps: number[] } {
  const sleeps: number[] = [];
  const http = createHttpClient({
    timeoutMs: 10_000,
    attempts: 4,
    ratePerSecond: 1_000,
    minRetryDelayMs: 5,
    maxRetryDelayMs: 20,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...overrides,
  });
  return Object.assign(createCtgovClient({ baseUrl, http }), { sleeps });
}
