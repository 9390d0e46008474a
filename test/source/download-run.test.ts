import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CdsError } from '../../src/errors.ts';
import {
  createLandingRun,
  type LandingManifest,
  readProgress,
  writeManifest,
} from '../../src/landing/landing-run.ts';
import { listLandingRuns } from '../../src/landing/landing-runs.ts';
import type { CtgovClient } from '../../src/source/ctgov-client.ts';
import { type DownloadRunOptions, downloadRun } from '../../src/source/download-run.ts';
import { type FakeCtgov, type FakeFault, startFakeCtgov } from '../support/fake-ctgov.ts';
import { fastCtgovClient } from '../support/fake-ctgov-client.ts';
import { loadFixtureStudies, toFakeStudy } from '../support/fake-ctgov-data.ts';
import { fixtureLandingHashes, landedHashes, readIndex } from '../support/landed-expectations.ts';

let api: FakeCtgov;
let client: CtgovClient;
let dataDir: string;
const expected = fixtureLandingHashes();
const fixtureDates = loadFixtureStudies().map((t) => toFakeStudy(t).lastUpdatePostDate);

beforeEach(async () => {
  api = await startFakeCtgov();
  client = fastCtgovClient(api.url, { timeoutMs: 5_000 });
  dataDir = await mkdtemp(path.join(tmpdir(), 'cds-download-'));
});
afterEach(async () => {
  await client.http.close();
  await api.close();
  await rm(dataDir, { recursive: true, force: true });
});

const run = (overrides: Partial<DownloadRunOptions> = {}) =>
  downloadRun({
    config: { dataDir, landingRetention: 0, initialWindowDays: 30 },
    client,
    mode: { kind: 'incremental', since: '2000-01-01' },
    pageSize: 50,
    clock: () => new Date('2026-11-29T10:00:00Z'),
    ...overrides,
  });

/** Every fixture landed, each with the landing hash of the fixture file parsed, and nothing else. */
async function expectExactlyTheFixtures(runDir: string) {
  const landed = await landedHashes(runDir);
  expect(landed.size).toBe(206);
  for (const [nctId, hashes] of landed) expect([...hashes]).toEqual([expected.get(nctId)]);
}

const studiesRequests = () => api.requests.filter((r) => r.path === '/api/v2/studies');

describe('downloadRun, incremental', () => {
  it('lands every fixture study page by page, with manifest, progress and index', async () => {
    const { runDir, manifest } = await run();
    await expectExactlyTheFixtures(runDir);
    expect(manifest).toMatchObject({
      kind: 'incremental',
      params: { from: '2000-01-01' },
      dataTimestamp: '2026-11-28T09:00:04',
      complete: true,
      finishedAt: '2026-11-29T10:00:00.000Z',
      counts: { pages: 5, studies: 206 },
    });
    expect(manifest.files.map((f) => [f.name, f.studies])).toEqual([
      ['pages/000001.json', 50],
      ['pages/000002.json', 50],
      ['pages/000003.json', 50],
      ['pages/000004.json', 50],
      ['pages/000005.json', 6],
    ]);
    for (const file of manifest.files) {
      const bytes = await readFile(path.join(runDir, file.name));
      expect(file.bytes).toBe(bytes.length);
      expect(file.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
    expect(manifest.counts.bytes).toBe(manifest.files.reduce((a, f) => a + f.bytes, 0));
    expect(await readProgress(runDir)).toMatchObject({
      pages: 5,
      studies: 206,
      totalCount: 206,
      restarts: 0,
    });
    expect(path.basename(runDir)).toMatch(/^20261129T100000Z-[0-9a-f]{4}$/);
  });

  it('lands each page as the exact bytes the server sent', async () => {
    const { runDir } = await run({ mode: { kind: 'ids', ids: ['NCT00007696'] } });
    const page = await readFile(path.join(runDir, 'pages/000001.json'), 'utf8');
    const served = await (
      await fetch(
        `${api.url}/studies?filter.ids=NCT00007696&sort=LastUpdatePostDate:asc&pageSize=50&countTotal=true`,
      )
    ).text();
    expect(page).toBe(served);
  });

  const pageFaults: [string, FakeFault][] = [
    ['429 without Retry-After', { kind: 'status', status: 429, path: /pageToken=/ }],
    ['429 with Retry-After', { kind: 'status', status: 429, retryAfter: '2', path: /pageToken=/ }],
    ['500', { kind: 'status', status: 500, path: /pageToken=/ }],
    ['503 twice', { kind: 'status', status: 503, times: 2, path: /pageToken=/ }],
    ['a response slower than the timeout', { kind: 'slow', delayMs: 5_000, path: /pageToken=/ }],
    ['a connection dropped before the headers', { kind: 'drop', path: /pageToken=/ }],
    ['a connection reset mid-body', { kind: 'reset-mid-body', path: /pageToken=/ }],
    ['a body shorter than its Content-Length', { kind: 'short-body', path: /pageToken=/ }],
    ['a JSON page cut in half', { kind: 'truncated-body', path: /pageToken=/ }],
  ];
  it.each(pageFaults)('survives %s with the same landed result', async (_name, fault) => {
    if (fault.kind === 'slow') {
      await client.http.close();
      client = fastCtgovClient(api.url, { timeoutMs: 300 });
    }
    api.inject(fault);
    const { runDir, manifest } = await run();
    await expectExactlyTheFixtures(runDir);
    expect(manifest.counts).toMatchObject({ pages: 5, studies: 206 });
    const faulted = studiesRequests().filter((r) => r.fault);
    expect(faulted).toHaveLength(fault.times ?? 1);
    // The failed request is repeated as it was: same page, same token.
    const index = studiesRequests().indexOf(faulted.at(-1)!);
    expect(studiesRequests()[index + 1]?.url).toBe(faulted[0]?.url);
    if (fault.kind === 'status' && fault.retryAfter)
      expect((client as { sleeps?: number[] }).sleeps).toEqual([2_000]);
  });

  it('restarts from the resume date when the server refuses an expired page token', async () => {
    api.inject({ kind: 'expired-token', path: /pageToken=/ });
    const { runDir, manifest } = await run();
    await expectExactlyTheFixtures(runDir);
    const requests = studiesRequests();
    expect(requests[1]?.fault).toBe('expired-token');
    const restart = requests[2]!;
    expect(restart.params.has('pageToken')).toBe(false);
    const firstPage = JSON.parse(await readFile(path.join(runDir, 'pages/000001.json'), 'utf8'));
    const resumeDate = firstPage.studies.at(-1).protocolSection.statusModule.lastUpdatePostDateStruct.date;
    expect(restart.params.get('filter.advanced')).toBe(`AREA[LastUpdatePostDate]RANGE[${resumeDate},MAX]`);
    // Studies of the resume date land twice; the loader counts them as duplicates.
    expect(manifest.counts.studies).toBe(50 + fixtureDates.filter((d) => d >= resumeDate).length);
    expect(manifest.counts.studies).toBeGreaterThan(206);
    expect((await readIndex(runDir)).length).toBe(manifest.counts.studies);
    expect(await readProgress(runDir)).toMatchObject({ restarts: 1 });
  });

  it('resumes an interrupted run by date, continues the page numbering and lands every study', async () => {
    const controller = new AbortController();
    const first = await run({
      signal: controller.signal,
      onProgress: (event) => {
        if (event.pages === 2) controller.abort(new Error('killed after 2 pages'));
      },
    }).catch((e: unknown) => e);
    expect((first as Error).message).toBe('killed after 2 pages');
    const [interrupted] = await listLandingRuns(path.join(dataDir, 'landing'));
    expect(interrupted?.manifest.complete).toBe(false);
    const progress = await readProgress(interrupted!.runDir);
    expect(progress).toMatchObject({ pages: 2, studies: 100 });
    const requestsBefore = api.requests.length;

    const { runDir, manifest, resumed } = await run();
    expect(resumed).toBe(true);
    expect(runDir).toBe(interrupted?.runDir);
    const after = api.requests.slice(requestsBefore);
    expect(after.map((r) => r.path)).not.toContain('/api/v2/version');
    expect(after[0]?.params.get('filter.advanced')).toBe(
      `AREA[LastUpdatePostDate]RANGE[${progress.resumeDate},MAX]`,
    );
    expect(after[0]?.params.has('pageToken')).toBe(false);
    await expectExactlyTheFixtures(runDir);
    // Only the studies from the resume date on were fetched again.
    const refetched = fixtureDates.filter((d) => d >= (progress.resumeDate ?? '')).length;
    expect(manifest.counts.studies).toBe(100 + refetched);
    expect(manifest.files[0]?.name).toBe('pages/000001.json');
    expect(manifest.files.map((f) => f.name)).toContain('pages/000003.json');
  });

  it('resumes the run directory named by resume with its own parameters, and refuses a complete one', async () => {
    const controller = new AbortController();
    await run({
      signal: controller.signal,
      onProgress: () => controller.abort(new Error('stop')),
    }).catch(() => {});
    const [interrupted] = await listLandingRuns(path.join(dataDir, 'landing'));
    const { runDir, manifest, resumed } = await run({
      resume: interrupted?.runDir,
      mode: { kind: 'incremental', since: '2025-06-01' },
    });
    expect([runDir, resumed]).toEqual([interrupted?.runDir, true]);
    expect(manifest.params).toEqual({ from: '2000-01-01' });
    await expectExactlyTheFixtures(runDir);
    const error = (await run({ resume: runDir }).catch((e: unknown) => e)) as CdsError;
    expect(error.code).toBe('CONFIG');
    expect(error.message).toBe(`${runDir} is already complete; nothing to resume`);
  });

  it('only completes the manifest and index when it stopped after the last page landed', async () => {
    const { runDir, manifest } = await run();
    await writeManifest(runDir, { ...manifest, complete: false, finishedAt: null, files: [] });
    await rm(path.join(runDir, 'index.ndjson'));
    api.requests.length = 0;
    const resumed = await run();
    expect(resumed.runDir).toBe(runDir);
    expect(api.requests).toEqual([]);
    expect(resumed.manifest).toMatchObject({ complete: true, counts: { pages: 5, studies: 206 } });
    await expectExactlyTheFixtures(runDir);
  });

  it('does not resume an unfinished run of other parameters', async () => {
    const controller = new AbortController();
    await run({ signal: controller.signal, onProgress: () => controller.abort(new Error('stop')) }).catch(
      () => {},
    );
    const { resumed, manifest } = await run({
      mode: { kind: 'incremental', since: '2025-06-01' },
      clock: () => new Date('2026-11-29T10:05:00Z'),
    });
    expect(resumed).toBe(false);
    expect(manifest.params).toEqual({ from: '2025-06-01' });
    const runs = await listLandingRuns(path.join(dataDir, 'landing'));
    expect(runs.map((r) => r.manifest.complete)).toEqual([false, true]);
  });

  it('starts the window one day before the newest landed run, and says why', async () => {
    await run();
    api.requests.length = 0;
    const { window } = await run({ mode: { kind: 'incremental' } });
    expect(window?.from).toBe('2026-11-27');
    expect(window?.reason).toMatch(
      /^one day before the dataTimestamp 2026-11-28T09:00:04 of landed run 20261129T100000Z-/,
    );
    expect(studiesRequests()[0]?.params.get('filter.advanced')).toBe(
      'AREA[LastUpdatePostDate]RANGE[2026-11-27,MAX]',
    );
  });

  it('takes the last initialWindowDays days when nothing was landed yet', async () => {
    const { window } = await run({ mode: { kind: 'incremental' } });
    expect(window).toEqual({
      from: '2026-10-30',
      reason: 'no complete landed run: the last 30 days (CDS_INITIAL_WINDOW_DAYS)',
    });
  });

  it('fails at once on a 400 for the first page, naming the server text, without retrying', async () => {
    api.inject({ kind: 'status', status: 400, body: '`filter.advanced` is malformed', path: '/studies' });
    const error = (await run().catch((e: unknown) => e)) as CdsError;
    expect(error.code).toBe('API_REJECTED');
    expect(error.message).toContain('HTTP 400: `filter.advanced` is malformed');
    expect(studiesRequests()).toHaveLength(1);
  });

  it('lands ids and query runs with their own parameters', async () => {
    const ids = await run({ mode: { kind: 'ids', ids: ['nct00007696', 'NCT00033839'] } });
    expect(ids.manifest).toMatchObject({
      kind: 'ids',
      params: { ids: 'NCT00007696,NCT00033839' },
      counts: { studies: 2 },
    });
    const query = await run({ mode: { kind: 'query', term: 'Taichung Veterans' } });
    expect(query.manifest.kind).toBe('query');
    expect(studiesRequests().at(-1)?.params.get('query.term')).toBe('Taichung Veterans');
    const error = (await run({ mode: { kind: 'ids', ids: ['NCT1'] } }).catch((e: unknown) => e)) as CdsError;
    expect(error.code).toBe('CONFIG');
  });
});

describe('downloadRun, full', () => {
  it('lands the bulk zip whole and indexes every study in it', async () => {
    const { runDir, manifest } = await run({ mode: { kind: 'full' } });
    await expectExactlyTheFixtures(runDir);
    expect(manifest).toMatchObject({
      kind: 'full',
      params: {},
      complete: true,
      counts: { pages: 0, studies: 206 },
    });
    expect(manifest.files.map((f) => f.name)).toEqual(['ctg-studies.json.zip']);
    expect((await readdir(runDir)).sort()).toEqual([
      'ctg-studies.json.zip',
      'index.ndjson',
      'manifest.json',
      'pages',
    ]);
  });

  it.each<[string, FakeFault]>([
    ['a truncated zip', { kind: 'truncated-body', path: '/studies/download' }],
    ['a connection reset mid-body', { kind: 'reset-mid-body', path: '/studies/download' }],
    ['a 503', { kind: 'status', status: 503, path: '/studies/download' }],
  ])('downloads the zip again from the start after %s', async (_name, fault) => {
    api.inject(fault);
    const { runDir } = await run({ mode: { kind: 'full' } });
    await expectExactlyTheFixtures(runDir);
    const downloads = api.requests.filter((r) => r.path === '/api/v2/studies/download');
    expect(downloads.map((r) => r.fault ?? 'ok')).toEqual([fault.kind, 'ok']);
  });

  it('fails with CORRUPT_DOWNLOAD when every download is truncated', async () => {
    api.inject({ kind: 'truncated-body', path: '/studies/download', times: 10 });
    const error = (await run({ mode: { kind: 'full' } }).catch((e: unknown) => e)) as CdsError;
    expect(error.code).toBe('CORRUPT_DOWNLOAD');
    expect(error.message).toContain('is not a whole zip file');
    expect(api.requests.filter((r) => r.path === '/api/v2/studies/download')).toHaveLength(4);
    const [failed] = await listLandingRuns(path.join(dataDir, 'landing'));
    expect(await readdir(failed!.runDir)).not.toContain('ctg-studies.json.zip.part');
    expect(failed?.manifest.complete).toBe(false);
  });

  it('fails at once on a 404 from the download endpoint', async () => {
    api.inject({ kind: 'status', status: 404, body: 'gone', path: '/studies/download' });
    const error = (await run({ mode: { kind: 'full' } }).catch((e: unknown) => e)) as CdsError;
    expect(error.code).toBe('API_REJECTED');
    expect(error.message).toContain('HTTP 404: gone');
    expect(api.requests.filter((r) => r.path === '/api/v2/studies/download')).toHaveLength(1);
  });
});

describe('landing retention', () => {
  it('keeps the newest complete runs and never deletes an incomplete one', async () => {
    const landing = path.join(dataDir, 'landing');
    const stale = await createLandingRun(landing, {
      kind: 'full',
      params: {},
      dataTimestamp: '2026-11-01T09:00:00',
      now: new Date('2026-11-01T00:00:00Z'),
    });
    let minute = 0;
    const clock = () => new Date(Date.UTC(2026, 10, 29, 10, minute++));
    for (const id of ['NCT00007696', 'NCT00033839', 'NCT00124774'])
      await run({
        mode: { kind: 'ids', ids: [id] },
        clock,
        config: { dataDir, landingRetention: 2, initialWindowDays: 30 },
      });
    const runs = await listLandingRuns(landing);
    expect(runs.map((r) => [r.manifest.complete, r.manifest.params.ids ?? null])).toEqual([
      [false, null],
      [true, 'NCT00033839'],
      [true, 'NCT00124774'],
    ]);
    expect(runs[0]?.runDir).toBe(stale.runDir);
    const manifest: LandingManifest = runs[0]!.manifest;
    expect(manifest.kind).toBe('full');
  });
});
