import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/build-app.ts';
import { silentLogger } from '../../src/log.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { type FixtureDocument, fixtureDocuments, loadFixtures } from '../support/load-fixtures.ts';

const docs = fixtureDocuments();
const idOf = (d: FixtureDocument): string => d.protocolSection.identificationModule.nctId;

describe('search API on the fixture studies', () => {
  let t: TestDb;
  let app: FastifyInstance;
  beforeAll(async () => {
    t = await createTestDb();
    await loadFixtures(t.db);
    app = await buildApp({ db: t.db, config: { searchTimeoutMs: 5000 }, logger: silentLogger });
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  const get = async (url: string) => {
    const response = await app.inject({ method: 'GET', url });
    // biome-ignore lint/suspicious/noExplicitAny: JSON bodies of several shapes, asserted field by field
    return { status: response.statusCode, body: response.json() as Record<string, any>, text: response.body };
  };

  it('GET /studies searches with filters and credits the source', async () => {
    const { status, body } = await get(
      '/studies?status=RECRUITING,NOT_YET_RECRUITING&phase=PHASE2&pageSize=100',
    );
    expect(status).toBe(200);
    const expected = docs.filter(
      (d) =>
        ['RECRUITING', 'NOT_YET_RECRUITING'].includes(d.protocolSection.statusModule.overallStatus) &&
        (d.protocolSection.designModule?.phases ?? []).includes('PHASE2'),
    );
    expect(body.total).toBe(expected.length);
    expect(body.studies.map((s: { nctId: string }) => s.nctId).sort()).toEqual(expected.map(idOf).sort());
    expect(body.source).toMatchObject({
      name: 'ClinicalTrials.gov',
      publisher: 'U.S. National Library of Medicine',
    });
    expect(body.facets.status.length).toBeGreaterThan(2);
  });

  it('GET /studies with near returns the nearest site and its distance in the asked unit', async () => {
    const { status, body } = await get('/studies?near=29.76328,-95.36327,10mi&pageSize=5');
    expect(status).toBe(200);
    expect(body.studies.length).toBeGreaterThan(0);
    expect(body.studies[0].nearestSite).toMatchObject({ city: 'Houston', unit: 'mi' });
    expect(body.studies[0].nearestSite.distance).toBeLessThanOrEqual(10);
    expect(body.notes.join(' ')).toMatch(/only sites with coordinates/);
  });

  it('GET /studies/{nctId} returns typed fields and the raw document; unknown ids are 404, malformed 400', async () => {
    const doc = docs.find((d) => idOf(d) === 'NCT03826992')!;
    const { status, body } = await get('/studies/nct03826992');
    expect(status).toBe(200);
    expect(body.nctId).toBe('NCT03826992');
    expect(body.briefTitle).toBe(doc.protocolSection.identificationModule.briefTitle);
    expect(body.overallStatus).toBe(doc.protocolSection.statusModule.overallStatus);
    expect(body.document).toEqual(doc);
    expect(body.sites.length).toBe(doc.protocolSection.contactsLocationsModule?.locations?.length ?? 0);
    expect((await get('/studies/NCT99999999')).status).toBe(404);
    const bad = await get('/studies/1%27%20or%201=1');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('BAD_QUERY');
  });

  it('GET /suggest tolerates typos; GET /facets counts like a search', async () => {
    const suggest = await get('/suggest?q=fremanezumb');
    expect(suggest.status).toBe(200);
    expect(suggest.body.suggestions[0]).toMatchObject({ term: 'Fremanezumab', kind: 'intervention' });
    const facets = await get('/facets?status=RECRUITING');
    expect(facets.status).toBe(200);
    const recruiting = docs.filter(
      (d) => d.protocolSection.statusModule.overallStatus === 'RECRUITING',
    ).length;
    expect(facets.body.total).toBe(recruiting);
    expect(facets.body.facets.status).toContainEqual({ value: 'RECRUITING', count: recruiting });
    expect(facets.body.facets.status.reduce((sum: number, f: { count: number }) => sum + f.count, 0)).toBe(
      206,
    );
  });

  it('serves the OpenAPI description and a docs page', async () => {
    const { status, body } = await get('/openapi.json');
    expect(status).toBe(200);
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining(['/studies', '/studies/{nctId}', '/facets', '/suggest']),
    );
    expect(body.paths['/studies'].get.parameters.map((p: { name: string }) => p.name)).toContain('near');
    const docsPage = await app.inject({ method: 'GET', url: '/docs/' });
    expect(docsPage.statusCode).toBe(200);
    expect(docsPage.headers['content-type']).toMatch(/text\/html/);
    expect(docsPage.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers hostile input with a 4xx and a clear message, or as plain words, never a 500 or internals', async () => {
    const forged = Buffer.from('{"v":1,"f":"0000000000000000","k":1,"id":"NCT00000001"}').toString(
      'base64url',
    );
    const cases: [string, number, RegExp | null][] = [
      [`/studies?q=${encodeURIComponent("'; drop table studies; --")}`, 200, null],
      [`/studies?q=${encodeURIComponent('" OR 1=1 -- ) ( \\ %')}`, 200, null],
      [`/studies?q=${encodeURIComponent('乳腺癌 🙂 \u0000 é')}`, 200, null],
      [`/studies?q=${'x'.repeat(10_000)}`, 400, /q.*500/],
      ['/studies?status=RECRUTING', 400, /status/],
      ['/studies?phase=PHASE9', 400, /phase/],
      ['/studies?pageSize=-5', 400, /pageSize/],
      ['/studies?pageSize=0', 400, /pageSize/],
      ['/studies?pageSize=abc', 400, /pageSize/],
      ['/studies?pageSize=100000', 400, /pageSize/],
      [`/studies?cursor=${forged}`, 400, /cursor/],
      ['/studies?cursor=%27%3B%20select%201', 400, /cursor/],
      ['/studies?near=40.7,-74.0', 400, /near/],
      ['/studies?near=91,0,10km', 400, /lat/],
      ['/studies?ids=NCT123', 400, /ids/],
      ['/studies?startFrom=2024-02-30', 400, /date/],
      ['/studies?ageMin=80&ageMax=20', 400, /ageMin/],
      ['/studies?sort=distance', 400, /near/],
      ['/studies?select=*', 400, /select/],
      ['/suggest?q=a', 400, /q/],
      ['/suggest?q=abc&kind=table', 400, /kind/],
      ['/nowhere', 404, /No route/],
    ];
    for (const [url, expected, message] of cases) {
      const { status, body, text } = await get(url);
      expect({ url, status }).toEqual({ url, status: expected });
      expect(text).not.toMatch(/node_modules|at \w+ \(|postgres|syntax error/i);
      if (message) expect(body.error.message).toMatch(message);
      if (status === 200) expect(body.total).toBeGreaterThanOrEqual(0);
    }
    expect((await get('/studies?pageSize=1&facets=false')).body.total).toBe(206);
  });
});
