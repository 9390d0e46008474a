import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CdsError } from '../../src/errors.ts';
import type { CtgovClient } from '../../src/source/ctgov-client.ts';
import { type FakeCtgov, startFakeCtgov } from '../support/fake-ctgov.ts';
import { fastCtgovClient } from '../support/fake-ctgov-client.ts';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

let api: FakeCtgov;
let client: CtgovClient;

beforeEach(async () => {
  api = await startFakeCtgov({ aliases: { NCT05712863: 'NCT03103880' } });
  client = fastCtgovClient(api.url);
});
afterEach(async () => {
  await client.http.close();
  await api.close();
});

const window = {
  'filter.advanced': 'AREA[LastUpdatePostDate]RANGE[2020-01-01,MAX]',
  sort: 'LastUpdatePostDate:asc',
};

describe('createCtgovClient', () => {
  it('reads /version and /stats/size', async () => {
    expect(await client.version()).toEqual({ apiVersion: '2.0.5', dataTimestamp: '2026-11-28T09:00:04' });
    expect((await client.statsSize()).totalStudies).toBe(206);
  });

  it('returns one study text and follows the 301 of an NCT alias', async () => {
    const text = await client.study('NCT05712863');
    expect(JSON.parse(text).protocolSection.identificationModule.nctId).toBe('NCT03103880');
    expect(api.requests.map((r) => r.path)).toEqual([
      '/api/v2/studies/NCT05712863',
      '/api/v2/studies/NCT03103880',
    ]);
  });

  it('repeats exactly the same parameters on every page, with countTotal on the first only', async () => {
    const pages = [];
    for await (const page of client.pages(window, { pageSize: 50 })) pages.push(page);
    expect(pages.map((p) => p.studies)).toEqual([50, 50, 46]);
    expect(pages[0]?.totalCount).toBe(146);
    expect(pages[1]?.totalCount).toBeUndefined();
    expect(pages[2]?.nextPageToken).toBeUndefined();
    const params = api.requests.map((r) => Object.fromEntries(r.params));
    expect(params[0]).toEqual({ ...window, pageSize: '50', countTotal: 'true' });
    for (const [index, later] of params.slice(1).entries()) {
      const { pageToken, ...rest } = later;
      expect(rest).toEqual({ ...window, pageSize: '50' });
      expect(pageToken).toBe(pages[index]?.nextPageToken);
    }
  });

  it('asks for 1000 studies a page by default', async () => {
    const pages = [];
    for await (const page of client.pages({})) pages.push(page);
    expect(pages).toHaveLength(1);
    expect(pages[0]?.studies).toBe(206);
    expect(api.requests[0]?.params.get('pageSize')).toBe('1000');
  });

  it('yields the page bytes as received and the latest LastUpdatePostDate in it', async () => {
    const [page] = await collect(client.pages({ 'filter.ids': 'NCT00007696,NCT00033839' }));
    const parsed = JSON.parse(page?.body.toString('utf8') ?? '');
    expect(page?.body.toString('utf8')).toBe(JSON.stringify(parsed, null, 2));
    const dates = parsed.studies.map(
      (s: { protocolSection: { statusModule: { lastUpdatePostDateStruct: { date: string } } } }) =>
        s.protocolSection.statusModule.lastUpdatePostDateStruct.date,
    );
    expect(page?.maxLastUpdatePostDate).toBe(dates.sort().at(-1));
  });

  it('fetches a page again when its JSON body was cut in half, and never yields the cut page', async () => {
    api.inject({ kind: 'truncated-body', path: /pageToken=/ });
    const pages = await collect(client.pages(window, { pageSize: 50 }));
    expect(pages.map((p) => p.studies)).toEqual([50, 50, 46]);
    expect(api.requests.map((r) => r.fault ?? 'ok')).toEqual(['ok', 'truncated-body', 'ok', 'ok']);
    expect(api.requests[1]?.url).toBe(api.requests[2]?.url);
  });

  it('fails at once on an unknown parameter with the server text', async () => {
    const error = (await collect(client.pages({ 'filter.phase': 'PHASE3' })).catch(
      (e: unknown) => e,
    )) as CdsError;
    expect(error.code).toBe('API_REJECTED');
    expect(error.message).toContain('HTTP 400: `filter.phase` is unknown parameter');
    expect(api.requests).toHaveLength(1);
  });
});
