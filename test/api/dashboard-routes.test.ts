import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completedWithResults, DASHBOARDS, sitesByCountry, TOP_N } from '../../src/dashboards/dashboards.ts';
import { studyFields } from '../dashboards/fixture-figures.ts';
import { secondVersion } from '../events/fixture-versions.ts';
import { startTwoSyncsApi, type TwoSyncsApi } from './support/two-syncs-api.ts';

describe('dashboards API', () => {
  let api: TwoSyncsApi;
  beforeAll(async () => {
    api = await startTwoSyncsApi();
  });
  afterAll(async () => {
    await api?.close();
  });
  const get = (url: string) => api.get(url);

  it('GET /dashboards lists every dashboard with its title and description, without running any', async () => {
    const { status, body } = await get('/dashboards');
    expect(status).toBe(200);
    expect(body.dashboards).toEqual(
      DASHBOARDS.map((d) => ({ id: d.id, title: d.title, description: d.description })),
    );
    expect(body.dashboards.map((d: { id: string }) => d.id)).toContain('sites-by-country');
    const { rows } = await api.t.db.query('select 1 from warehouse.dim_study limit 1');
    expect(rows).toEqual([]);
  });

  it('GET /dashboards/{id} brings the warehouse up to date, then returns the rows with their SQL', async () => {
    const started = new Date().toISOString();
    const { status, body } = await get('/dashboards/completed-with-results');
    expect(status).toBe(200);
    const completed = studyFields(secondVersion()).filter((s) => s.status === 'COMPLETED');
    const withResults = completed.filter((s) => s.hasResults).length;
    expect(body).toMatchObject({
      id: 'completed-with-results',
      title: completedWithResults.title,
      sql: completedWithResults.sql,
      params: [],
    });
    expect(body.sql).toMatch(/overall_status = 'COMPLETED'/);
    expect(body.rows[0]).toEqual({
      phase: 'ALL',
      completed: completed.length,
      with_results: withResults,
      share: withResults / completed.length,
    });
    expect(body.rows).toEqual(await completedWithResults.run(api.t.db));
    expect(body.generatedAt >= started && body.generatedAt <= new Date().toISOString()).toBe(true);
  });

  it('shows the parameters bound to the SQL, and answers every dashboard with rows', async () => {
    const { body } = await get('/dashboards/top-sponsors');
    expect(body.sql).toMatch(/limit \$1$/);
    expect(body.params).toEqual([TOP_N]);
    expect(body.rows).toHaveLength(TOP_N);
    for (const d of DASHBOARDS) {
      const { status, body: one } = await get(`/dashboards/${d.id}`);
      expect(status, d.id).toBe(200);
      expect(one.rows.length, d.id).toBeGreaterThan(0);
    }
    const sites = await get('/dashboards/sites-by-country');
    expect(sites.body.rows).toEqual(await sitesByCountry.run(api.t.db));
  });

  it('answers an unknown dashboard with 404 and an over-long id with 400, as JSON errors', async () => {
    const missing = await get('/dashboards/no-such-dashboard');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      error: { code: 'NOT_FOUND', message: 'No dashboard "no-such-dashboard"; GET /dashboards lists them' },
    });
    const long = await get(`/dashboards/${'x'.repeat(61)}`);
    expect(long.status).toBe(400);
    expect(long.body.error.code).toBe('BAD_REQUEST');
  });

  it('is described in the OpenAPI document under the dashboards tag', async () => {
    const { body } = await get('/openapi.json');
    expect(body.paths['/dashboards'].get.tags).toEqual(['dashboards']);
    expect(body.paths['/dashboards/{id}'].get.responses).toHaveProperty('404');
  });
});
