import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openZipEntries } from '../../src/landing/zip-entries.ts';
import { type FakeCtgov, startFakeCtgov } from './fake-ctgov.ts';
import { loadFixtureStudies } from './fake-ctgov-data.ts';

let api: FakeCtgov;
beforeEach(async () => {
  api = await startFakeCtgov();
});
afterEach(async () => {
  await api.close();
});

const get = async (route: string) => {
  const response = await fetch(`${api.url}${route}`);
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
};

describe('startFakeCtgov', () => {
  it('serves pages of 10 by default with an opaque token and the total on request', async () => {
    const first = await get('/studies?countTotal=true');
    const page = JSON.parse(first.text);
    expect(page.studies).toHaveLength(10);
    expect(page.totalCount).toBe(206);
    expect(first.text.startsWith('{\n  "studies": [\n')).toBe(true);
    const second = JSON.parse((await get(`/studies?pageToken=${page.nextPageToken}`)).text);
    expect(second.studies).toHaveLength(10);
    expect(second.totalCount).toBeUndefined();
    expect(second.studies[0]).not.toEqual(page.studies[0]);
  });

  it('clamps pageSize to 1000', async () => {
    const page = JSON.parse((await get('/studies?pageSize=5000')).text);
    expect(page.studies).toHaveLength(206);
    expect(page.nextPageToken).toBeUndefined();
  });

  it('answers unknown parameters and changed follow-up parameters with 400 text/plain', async () => {
    expect(await get('/studies?filter.phase=PHASE3')).toEqual({
      status: 400,
      type: 'text/plain',
      text: '`filter.phase` is unknown parameter',
    });
    const { nextPageToken } = JSON.parse((await get('/studies?query.term=cancer&pageSize=2')).text);
    const changed = await get(`/studies?query.term=lung&pageSize=2&pageToken=${nextPageToken}`);
    expect(changed.status).toBe(400);
    expect(changed.text).toBe('Parameters of a follow-up page must repeat those of the first page');
  });

  it('expires page tokens when the data release changes', async () => {
    const { nextPageToken } = JSON.parse((await get('/studies')).text);
    api.setDataTimestamp('2026-11-29T09:00:00');
    const expired = await get(`/studies?pageToken=${nextPageToken}`);
    expect(expired.status).toBe(400);
    expect(JSON.parse((await get('/version')).text).dataTimestamp).toBe('2026-11-29T09:00:00');
  });

  it('filters by LastUpdatePostDate range and ids, sorted ascending on request', async () => {
    const page = JSON.parse(
      (
        await get(
          '/studies?pageSize=1000&sort=LastUpdatePostDate:asc&filter.advanced=AREA[LastUpdatePostDate]RANGE[2025-01-01,MAX]',
        )
      ).text,
    );
    const dates: string[] = page.studies.map(
      (s: { protocolSection: { statusModule: { lastUpdatePostDateStruct: { date: string } } } }) =>
        s.protocolSection.statusModule.lastUpdatePostDateStruct.date,
    );
    expect(dates.length).toBeGreaterThan(0);
    expect(dates.every((d) => d >= '2025-01-01')).toBe(true);
    expect([...dates].sort()).toEqual(dates);
    const ids = JSON.parse((await get('/studies?filter.ids=NCT00033839|NCT00007696')).text);
    expect(
      ids.studies.map(
        (s: { protocolSection: { identificationModule: { nctId: string } } }) =>
          s.protocolSection.identificationModule.nctId,
      ),
    ).toEqual(['NCT00007696', 'NCT00033839']);
  });

  it('serves one study byte-exact and 404 text/plain for an unknown one', async () => {
    expect((await get('/studies/NCT00007696')).text).toBe(loadFixtureStudies()[0]);
    expect(await get('/studies/NCT99999999')).toEqual({
      status: 404,
      type: 'text/plain',
      text: 'Study NCT99999999 not found',
    });
  });

  it('serves the bulk zip in 100 shard directories and refuses filters on it', async () => {
    const response = await fetch(`${api.url}/studies/download?format=json.zip`);
    const dir = await mkdtemp(path.join(tmpdir(), 'fake-zip-'));
    const file = path.join(dir, 'z.zip');
    await writeFile(file, Buffer.from(await response.arrayBuffer()));
    const names: string[] = [];
    for await (const entry of openZipEntries(file)) names.push(entry.name);
    await rm(dir, { recursive: true });
    expect(names).toHaveLength(206);
    expect(names).toContain('96/NCT00007696.json');
    expect((await get('/studies/download?format=json.zip&filter.ids=NCT00007696')).text).toBe(
      'Invalid prefix in parameter name',
    );
  });

  it('fires an injected fault the given number of times on matching paths only, and logs it', async () => {
    api.inject({ kind: 'status', status: 503, times: 2, path: '/stats' });
    expect((await get('/version')).status).toBe(200);
    expect((await get('/stats/size')).status).toBe(503);
    expect((await get('/stats/size')).status).toBe(503);
    expect((await get('/stats/size')).status).toBe(200);
    expect(api.requests.map((r) => [r.path, r.fault ?? null])).toEqual([
      ['/api/v2/version', null],
      ['/api/v2/stats/size', 'status'],
      ['/api/v2/stats/size', 'status'],
      ['/api/v2/stats/size', null],
    ]);
  });
});
