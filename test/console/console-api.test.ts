import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertAdminTokenFor } from '../../src/api/admin-guard.ts';
import { registerConsole } from '../../src/api/register-console.ts';
import { isCdsError } from '../../src/errors.ts';
import { silentLogger } from '../../src/log.ts';
import type { RunNowResult, Scheduler } from '../../src/schedule/scheduler.ts';
import type { Db } from '../../src/store/db.ts';
import { createTestDb, type TestDb } from '../support/db.ts';

const TOKEN = 'a-long-admin-token-0123456789';
let t: TestDb;

/** A scheduler that records "run now" presses. */
function stubScheduler(): Scheduler & { presses: number } {
  const stub = {
    kind: 'in-process' as const,
    presses: 0,
    start: async () => {},
    stop: async () => {},
    runNow: async (): Promise<RunNowResult> => {
      stub.presses++;
      return { queued: true };
    },
    status: async () => ({
      kind: 'in-process' as const,
      cron: '0 10 * * *',
      nextTickAt: null,
      executes: true,
      pending: [],
    }),
  };
  return stub;
}

async function app(
  options: { host?: string; adminToken?: string; db?: Db; scheduler?: Scheduler | null } = {},
) {
  const instance: FastifyInstance = Fastify({ logger: false });
  await registerConsole(instance, {
    db: options.db ?? t.db,
    config: {
      host: options.host ?? '127.0.0.1',
      ...(options.adminToken ? { adminToken: options.adminToken } : {}),
    },
    logger: silentLogger,
    scheduler: options.scheduler === undefined ? stubScheduler() : options.scheduler,
  });
  return instance;
}

beforeAll(async () => {
  t = await createTestDb();
  await t.db.exec(`
    insert into runs (id, kind, trigger, state, finished_at, data_timestamp, counts)
      values ('20261128T100000Z-aaaa', 'sync', 'schedule', 'succeeded', now(), '2026-11-28T09:00:04', '{"fetched": 12}');
    insert into run_steps (run_id, step, attempt, state, counts) values
      ('20261128T100000Z-aaaa', 'download', 1, 'failed', '{}'),
      ('20261128T100000Z-aaaa', 'download', 2, 'succeeded', '{"studies": 12}'),
      ('20261128T100000Z-aaaa', 'load', 1, 'succeeded', '{"inserted": 12}');
    insert into sync_state (key, value) values ('watermark', '{"dataTimestamp": "2026-11-28T09:00:04", "runId": "20261128T100000Z-aaaa"}');
  `);
});
afterAll(async () => {
  await t.drop();
});

describe('run and sync API', () => {
  it('lists runs with their steps and retries in order, and shows one run', async () => {
    const server = await app();
    const list = (await server.inject('/runs')).json();
    expect(list.runs).toHaveLength(1);
    expect(
      list.runs[0].steps.map(
        (s: { step: string; attempt: number; state: string }) => `${s.step}#${s.attempt}:${s.state}`,
      ),
    ).toEqual(['download#1:failed', 'download#2:succeeded', 'load#1:succeeded']);
    const run = (await server.inject('/runs/20261128T100000Z-aaaa')).json();
    expect(run).toMatchObject({
      id: '20261128T100000Z-aaaa',
      state: 'succeeded',
      quarantined: 0,
      counts: { fetched: 12 },
    });
    expect(typeof run.duration_ms).toBe('number');
  });

  it('answers an unknown run with 404 and a malformed id with 400, as JSON errors', async () => {
    const server = await app();
    const missing = await server.inject('/runs/20200101T000000Z-0000');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'No run 20200101T000000Z-0000' } });
    const bad = await server.inject('/runs/a%20b');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('BAD_QUERY');
  });

  it('never sends a stack trace or an internal message: a failing query is a generic 500', async () => {
    const broken = {
      ...t.db,
      query: async () => Promise.reject(new Error('relation "secret_table" does not exist')),
    } as Db;
    const server = await app({ db: broken });
    const response = await server.inject('/runs');
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({
      error: { code: 'INTERNAL', message: 'Internal error; the server log has the details' },
    });
    expect(response.body).not.toContain('secret_table');
  });

  it('reports freshness with the source credit: dataTimestamp, last successful sync, schedule', async () => {
    const status = (await (await app()).inject('/sync/status')).json();
    expect(status).toMatchObject({
      source: { name: 'ClinicalTrials.gov', publisher: 'U.S. National Library of Medicine' },
      dataTimestamp: '2026-11-28T09:00:04',
      lastSuccessfulSync: { runId: '20261128T100000Z-aaaa', dataTimestamp: '2026-11-28T09:00:04' },
      runningSync: null,
      scheduler: { kind: 'in-process', cron: '0 10 * * *' },
    });
  });
});

describe('admin actions', () => {
  it('on loopback without a configured token, "run now" needs no token', async () => {
    const scheduler = stubScheduler();
    const response = await (await app({ scheduler })).inject({ method: 'POST', url: '/sync/run-now' });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ queued: true });
    expect(scheduler.presses).toBe(1);
  });

  it('on loopback without a token, refuses "run now" from another site and through a rebound host name', async () => {
    const scheduler = stubScheduler();
    const server = await app({ scheduler });
    const post = (headers: Record<string, string>) =>
      server.inject({ method: 'POST', url: '/sync/run-now', headers });
    expect((await post({ host: '127.0.0.1:8080', origin: 'https://evil.example' })).statusCode).toBe(403);
    expect((await post({ host: 'evil.example:8080', origin: 'http://evil.example:8080' })).statusCode).toBe(
      403,
    );
    expect(scheduler.presses).toBe(0);
    expect((await post({ host: 'localhost:8080', origin: 'http://localhost:8080' })).statusCode).toBe(202);
    expect(scheduler.presses).toBe(1);
  });

  it('beyond loopback, "run now" needs the bearer token and a wrong one is refused', async () => {
    const scheduler = stubScheduler();
    const server = await app({ host: '0.0.0.0', adminToken: TOKEN, scheduler });
    const none = await server.inject({ method: 'POST', url: '/sync/run-now' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    const wrong = await server.inject({
      method: 'POST',
      url: '/sync/run-now',
      headers: { authorization: `Bearer ${TOKEN}x` },
    });
    expect(wrong.statusCode).toBe(401);
    expect(scheduler.presses).toBe(0);
    const right = await server.inject({
      method: 'POST',
      url: '/sync/run-now',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(right.statusCode).toBe(202);
    expect(scheduler.presses).toBe(1);
  });

  it('refuses to serve beyond loopback without an admin token', () => {
    expect(() => assertAdminTokenFor({ host: '127.0.0.1' })).not.toThrow();
    try {
      assertAdminTokenFor({ host: '0.0.0.0' });
      expect.unreachable();
    } catch (error) {
      expect(isCdsError(error, 'CONFIG')).toBe(true);
      expect((error as Error).message).toContain('CDS_ADMIN_TOKEN');
    }
  });

  it('without a scheduler, "run now" answers 503 saying why', async () => {
    const response = await (await app({ scheduler: null })).inject({ method: 'POST', url: '/sync/run-now' });
    expect(response.statusCode).toBe(503);
    expect(response.json().error.code).toBe('NO_SCHEDULER');
  });
});

describe('console files', () => {
  it('serves the pages with a same-origin content security policy and no CORS header', async () => {
    const server = await app();
    const page = await server.inject({ url: '/console/', headers: { origin: 'https://elsewhere.example' } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['access-control-allow-origin']).toBeUndefined();
    expect(page.body).not.toMatch(/https?:\/\/(?!clinicaltrials\.gov)[^"'\s]+\.(js|css)/);
    expect((await server.inject('/')).headers.location).toBe('/console/');
  });

  it('serves the map outline and its decoder from the installed packages', async () => {
    const server = await app();
    const outline = await server.inject('/console/vendor/countries-110m.json');
    expect(outline.statusCode).toBe(200);
    expect(outline.json().type).toBe('Topology');
    const decoder = await server.inject('/console/vendor/topojson-client.js');
    expect(decoder.headers['content-type']).toContain('text/javascript');
    expect((await server.inject('/console/vendor/package.json')).statusCode).toBe(404);
  });
});
