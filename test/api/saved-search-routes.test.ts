import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/build-app.ts';
import { registerConsole } from '../../src/api/register-console.ts';
import { silentLogger } from '../../src/log.ts';
import type { Db } from '../../src/store/db.ts';
import {
  ENROLLMENT_CHANGED,
  FIRST_SYNC,
  firstVersion,
  loadRun,
  NOW_RECRUITING,
  REMOVED,
  SECOND_SYNC,
  STOPPED_RECRUITING,
  secondVersion,
} from '../events/fixture-versions.ts';
import { fixtureStudies } from '../store/support/fixture-records.ts';
import { createTestDb, type TestDb } from '../support/db.ts';

const TOKEN = 'a-long-admin-token-0123456789';
const WEBHOOK = 'https://hooks.example.org/services/T000/secret-path-token';

const recruitingCount = fixtureStudies().filter(
  (s) => (s.protocolSection.statusModule as { overallStatus?: string }).overallStatus === 'RECRUITING',
).length;

async function appFor(db: Db, config: { host: string; adminToken?: string }): Promise<FastifyInstance> {
  const app = await buildApp({ db, config: { searchTimeoutMs: 5000 }, logger: silentLogger });
  await registerConsole(app, { db, config, logger: silentLogger, scheduler: null });
  return app;
}

describe('saved searches API', () => {
  let t: TestDb;
  let app: FastifyInstance;
  const ids: Record<string, number> = {};
  beforeAll(async () => {
    t = await createTestDb();
    // The first sync loaded, its events not delivered: saving a search delivers them first.
    await loadRun(t.db, FIRST_SYNC, firstVersion());
    app = await appFor(t.db, { host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  const call = async (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown, headers = {}) => {
    const response = await app.inject({
      method,
      url,
      headers: { host: '127.0.0.1', ...headers },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    return {
      status: response.statusCode,
      headers: response.headers,
      // biome-ignore lint/suspicious/noExplicitAny: JSON bodies of several shapes, asserted field by field
      body: (response.body ? response.json() : null) as Record<string, any>,
      text: response.body,
    };
  };

  it('POST /searches saves a search given as GET /studies parameters or as the query model (201)', async () => {
    const recruiting = await call('POST', '/searches', {
      name: 'recruiting',
      query: 'status=RECRUITING&cursor=abc&page=3',
      webhookUrl: WEBHOOK,
    });
    expect(recruiting.status).toBe(201);
    expect(recruiting.body).toMatchObject({
      name: 'recruiting',
      query: { status: ['RECRUITING'] },
      webhookOrigin: 'https://hooks.example.org',
      matches: recruitingCount,
    });
    expect(recruiting.body.query.cursor).toBeUndefined();
    expect(recruiting.headers.location).toBe(`/searches/${recruiting.body.id}`);
    expect(recruiting.text).not.toContain('secret-path-token');
    ids.recruiting = recruiting.body.id;

    const asthma = await call('POST', '/searches', { name: ' asthma ', query: { condition: 'asthma' } });
    expect(asthma.status).toBe(201);
    expect(asthma.body).toMatchObject({ name: 'asthma', webhookOrigin: null });
    expect(asthma.body.matches).toBeGreaterThan(5);
    ids.asthma = asthma.body.id;
    const { rows } = await t.db.query<{ n: number }>('select count(*)::int as n from warehouse.dim_study');
    expect(rows[0]!.n).toBe(206);
  });

  it('GET /searches lists them, GET /searches/{id} shows one, unknown ids are 404 and malformed 400', async () => {
    const list = await call('GET', '/searches');
    expect(list.status).toBe(200);
    expect(list.body.searches.map((s: { name: string; matches: number }) => [s.name, s.matches])).toEqual([
      ['recruiting', recruitingCount],
      ['asthma', expect.any(Number)],
    ]);
    expect(list.text).not.toContain('secret-path-token');
    const one = await call('GET', `/searches/${ids.asthma}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: ids.asthma, name: 'asthma', query: { condition: 'asthma' } });
    expect(one.body.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    for (const url of ['/searches/999999', '/searches/999999/alerts']) {
      const missing = await call('GET', url);
      expect(missing.status, url).toBe(404);
      expect(missing.body.error.code).toBe('NOT_FOUND');
    }
    for (const url of [
      '/searches/abc',
      '/searches/-1',
      '/searches/1.5/alerts',
      `/searches/${'9'.repeat(16)}`,
    ])
      expect((await call('GET', url)).status, url).toBe(400);
  });

  it('refuses a bad query, webhook, name or body with a 400 saying why, and saves nothing', async () => {
    const cases: [unknown, string][] = [
      [{ name: 'bad', query: { status: ['RUNNING'] } }, 'status'],
      [{ name: 'bad', query: 'status=RUNNING' }, 'status'],
      [{ name: 'bad', query: 'colour=red' }, 'colour'],
      [{ name: 'bad', query: { colour: 'red' } }, 'colour'],
      [{ name: 'bad', query: {}, webhookUrl: 'ftp://example.org/hook' }, 'http(s)'],
      [{ name: 'bad', query: {}, webhookUrl: 'not a url' }, 'not a URL'],
      [{ name: 'x'.repeat(201), query: {} }, 'name'],
      [{ name: '   ', query: {} }, 'name'],
      [{ name: 'a\u0000b', query: {} }, 'control characters'],
      [{ name: 'asthma', query: {} }, 'exists already'],
      [{ name: 'bad', query: {}, extra: 1 }, 'extra'],
      [{ query: {} }, 'name'],
    ];
    for (const [payload, message] of cases) {
      const { status, body } = await call('POST', '/searches', payload);
      expect(status, JSON.stringify(payload)).toBe(400);
      expect(body.error.message, JSON.stringify(payload)).toContain(message);
    }
    expect((await call('GET', '/searches')).body.searches).toHaveLength(2);
  });

  it('accepts saving and deleting only from its own pages on loopback, and only with the token when one is set', async () => {
    const foreign = { origin: 'https://evil.example' };
    const post = await call('POST', '/searches', { name: 'x', query: {} }, foreign);
    expect(post.status).toBe(403);
    // The guard answers before the body is read: an invalid body from elsewhere is a 403 too.
    expect((await call('POST', '/searches', { name: 5 }, foreign)).status).toBe(403);
    expect((await call('DELETE', `/searches/${ids.asthma}`, undefined, foreign)).status).toBe(403);
    expect(
      (await call('POST', '/searches', { name: 'x', query: {} }, { host: 'rebound.example' })).status,
    ).toBe(403);
    expect((await call('GET', '/searches', undefined, foreign)).status).toBe(200);

    const guarded = await appFor(t.db, { host: '0.0.0.0', adminToken: TOKEN });
    try {
      const without = await guarded.inject({
        method: 'POST',
        url: '/searches',
        payload: { name: 'y', query: {} },
      });
      expect(without.statusCode).toBe(401);
      const wrong = await guarded.inject({
        method: 'DELETE',
        url: `/searches/${ids.asthma}`,
        headers: { authorization: 'Bearer wrong' },
      });
      expect(wrong.statusCode).toBe(401);
      const withToken = await guarded.inject({
        method: 'POST',
        url: '/searches',
        headers: { authorization: `Bearer ${TOKEN}` },
        payload: { name: 'with token', query: { condition: 'asthma', status: ['RECRUITING'] } },
      });
      expect(withToken.statusCode).toBe(201);
      ids['recruiting asthma'] = withToken.json().id;
    } finally {
      await guarded.close();
    }
    expect((await call('GET', '/searches')).body.searches).toHaveLength(3);
  });

  it('GET /searches/{id}/alerts returns what the next sync added, changed (with the diff) and removed', async () => {
    for (const id of Object.values(ids))
      expect((await call('GET', `/searches/${id}/alerts`)).body).toEqual({
        searchId: id,
        alerts: [],
        nextBefore: null,
      });
    // The second sync's events are delivered by the next request.
    await loadRun(t.db, SECOND_SYNC, secondVersion(), { snapshot: true });
    const alertsOf = async (name: string) => {
      const { status, body } = await call('GET', `/searches/${ids[name]}/alerts`);
      expect(status).toBe(200);
      return body.alerts as {
        kind: string;
        nctId: string;
        reason: string | null;
        changes: unknown[];
        webhook: string;
      }[];
    };
    const summary = (alerts: Awaited<ReturnType<typeof alertsOf>>) =>
      alerts.map((a) => [a.kind, a.nctId, a.reason]).sort();

    const recruiting = await alertsOf('recruiting');
    expect(summary(recruiting)).toEqual(
      [
        ['added', NOW_RECRUITING, null],
        ['changed', ENROLLMENT_CHANGED, null],
        ['removed', STOPPED_RECRUITING, 'no_longer_matches'],
      ].sort(),
    );
    expect(recruiting.find((a) => a.kind === 'changed')).toMatchObject({
      version: 2,
      occurredAt: '2025-03-01T10:00:00.000000Z',
      changes: [{ path: 'enrollment.count', before: 20, after: 25 }],
      webhook: 'pending',
    });
    expect(recruiting.find((a) => a.kind === 'added')!.changes).toContainEqual({
      path: 'status.overall',
      before: 'NOT_YET_RECRUITING',
      after: 'RECRUITING',
    });
    expect(summary(await alertsOf('asthma'))).toEqual(
      [
        ['changed', NOW_RECRUITING, null],
        ['removed', REMOVED, 'missing_from_snapshot'],
      ].sort(),
    );
    expect((await alertsOf('asthma')).map((a) => a.webhook)).toEqual(['none', 'none']);
    expect(summary(await alertsOf('recruiting asthma'))).toEqual([['added', NOW_RECRUITING, null]]);
  });

  it('pages the alerts newest first with limit and before', async () => {
    const all = (await call('GET', `/searches/${ids.recruiting}/alerts`)).body;
    expect(all.alerts).toHaveLength(3);
    const first = (await call('GET', `/searches/${ids.recruiting}/alerts?limit=2`)).body;
    expect(first.alerts).toEqual(all.alerts.slice(0, 2));
    expect(first.nextBefore).toBe(all.alerts[1].id);
    const rest = (await call('GET', `/searches/${ids.recruiting}/alerts?limit=2&before=${first.nextBefore}`))
      .body;
    expect(rest).toMatchObject({ alerts: all.alerts.slice(2), nextBefore: null });
    expect(all.alerts.map((a: { id: number }) => a.id)).toEqual(
      [...all.alerts.map((a: { id: number }) => a.id)].sort((a, b) => b - a),
    );
    for (const query of ['limit=0', 'limit=501', 'before=abc', 'colour=red'])
      expect((await call('GET', `/searches/${ids.recruiting}/alerts?${query}`)).status, query).toBe(400);
  });

  it('DELETE /searches/{id} deletes a search and its alerts (204), then answers 404', async () => {
    const deleted = await call('DELETE', `/searches/${ids.asthma}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect((await call('GET', `/searches/${ids.asthma}`)).status).toBe(404);
    expect((await call('DELETE', `/searches/${ids.asthma}`)).status).toBe(404);
    const { rows } = await t.db.query<{ n: number }>(
      'select count(*)::int as n from search_alerts where search_id = $1',
      [ids.asthma],
    );
    expect(rows[0]!.n).toBe(0);
    expect((await call('GET', '/searches')).body.searches.map((s: { name: string }) => s.name)).toEqual([
      'recruiting',
      'with token',
    ]);
  });

  it('describes the routes in the OpenAPI document under the saved searches tag', async () => {
    const { body } = await call('GET', '/openapi.json');
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining(['/searches', '/searches/{id}', '/searches/{id}/alerts']),
    );
    expect(body.paths['/searches'].post.tags).toEqual(['saved searches']);
    expect(Object.keys(body.paths['/searches/{id}'])).toEqual(['get', 'delete']);
  });
});
