/**
 * Security defaults of the HTTP API, in-process: loopback by default, admin actions behind a token beyond
 * loopback, no CORS, no stack traces or internal messages in responses, no secret in the logs.
 * (test/faults/long/security-process.test.ts checks the same on a real `cds serve` and `cds sync`.)
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertAdminTokenFor } from '../../src/api/admin-guard.ts';
import { buildApp } from '../../src/api/build-app.ts';
import { registerConsole } from '../../src/api/register-console.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger, silentLogger } from '../../src/log.ts';
import type { Scheduler } from '../../src/schedule/scheduler.ts';
import type { Db } from '../../src/store/db.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { recordFault } from '../support/fault-table.ts';

const TOKEN = 'tok_3f9c1e7a5b2d4c6e8f0a';

function stubScheduler(): Scheduler & { calls: number } {
  const scheduler = {
    kind: 'in-process' as const,
    calls: 0,
    start: async () => {},
    stop: async () => {},
    runNow: async () => {
      scheduler.calls++;
      return { queued: true as const };
    },
    status: async () => ({
      kind: 'in-process' as const,
      cron: '0 10 * * *',
      nextTickAt: null,
      executes: true,
      pending: [],
    }),
  };
  return scheduler;
}

async function appFor(db: Db, config: { host: string; adminToken?: string }, logger = silentLogger) {
  const app = await buildApp({ db, config: { searchTimeoutMs: 5000 }, logger });
  const scheduler = stubScheduler();
  await registerConsole(app, {
    db,
    config: { host: config.host, adminToken: config.adminToken },
    logger,
    scheduler,
  });
  return { app, scheduler };
}

/** Records a security case (no study is at stake: lost and duplicates are 0 by construction). */
async function securityCase(name: string, faults: string, body: () => Promise<void>) {
  let survived = false;
  try {
    await body();
    survived = true;
  } finally {
    recordFault({ case: `Security: ${name}`, faults, survived, lost: 0, duplicates: 0 });
  }
}

describe('security defaults', () => {
  let t: TestDb;
  const apps: FastifyInstance[] = [];
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await t.drop();
  });

  it('binds to 127.0.0.1 unless told otherwise, and refuses to listen beyond loopback without a token', () =>
    securityCase(
      'loopback by default',
      'no CDS_HOST; CDS_HOST=0.0.0.0 without/with CDS_ADMIN_TOKEN',
      async () => {
        expect(loadConfig({}).host).toBe('127.0.0.1');
        expect(() => assertAdminTokenFor(loadConfig({ CDS_HOST: '0.0.0.0' }))).toThrow(/CDS_ADMIN_TOKEN/);
        expect(() => assertAdminTokenFor(loadConfig({ CDS_HOST: '192.168.1.20' }))).toThrow(
          /CDS_ADMIN_TOKEN/,
        );
        expect(() =>
          assertAdminTokenFor(loadConfig({ CDS_HOST: '0.0.0.0', CDS_ADMIN_TOKEN: TOKEN })),
        ).not.toThrow();
        expect(() => loadConfig({ CDS_ADMIN_TOKEN: 'short' })).toThrow(/CDS_ADMIN_TOKEN/);
      },
    ));

  it('"run now" needs the admin token when listening beyond loopback', () =>
    securityCase(
      'admin actions need a token beyond loopback',
      'POST /sync/run-now without, with a wrong, a near-miss and the right token',
      async () => {
        const { app, scheduler } = await appFor(t.db, { host: '0.0.0.0', adminToken: TOKEN });
        apps.push(app);
        const post = (authorization?: string) =>
          app.inject({
            method: 'POST',
            url: '/sync/run-now',
            headers: authorization ? { authorization } : {},
          });
        for (const auth of [
          undefined,
          'Bearer wrong',
          `Bearer ${TOKEN}x`,
          `Bearer ${TOKEN.slice(0, -1)}`,
          TOKEN,
        ]) {
          const r = await post(auth);
          expect({ auth, status: r.statusCode }).toEqual({ auth, status: 401 });
          expect(r.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
          expect(r.body).not.toContain(TOKEN);
        }
        expect(scheduler.calls).toBe(0);
        expect((await post(`Bearer ${TOKEN}`)).statusCode).toBe(202);
        expect(scheduler.calls).toBe(1);
        // On loopback with a token configured, the token is required too.
        const local = await appFor(t.db, { host: '127.0.0.1', adminToken: TOKEN });
        apps.push(local.app);
        expect((await local.app.inject({ method: 'POST', url: '/sync/run-now' })).statusCode).toBe(401);
      },
    ));

  it('CORS is off by default: no Access-Control-Allow-Origin, preflights are not granted', () =>
    securityCase(
      'CORS off by default',
      'GET and OPTIONS preflight with Origin: https://evil.example',
      async () => {
        const { app } = await appFor(t.db, { host: '127.0.0.1' });
        apps.push(app);
        const origin = 'https://evil.example';
        for (const url of [
          '/studies?q=x',
          '/studies/NCT03826992',
          '/suggest?q=abc',
          '/sync/status',
          '/runs',
          '/openapi.json',
        ]) {
          const r = await app.inject({ method: 'GET', url, headers: { origin } });
          expect(r.statusCode).toBeLessThan(500);
          expect(Object.keys(r.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
        }
        const preflight = await app.inject({
          method: 'OPTIONS',
          url: '/sync/run-now',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'authorization',
          },
        });
        expect(preflight.statusCode).toBeGreaterThanOrEqual(400);
        expect(Object.keys(preflight.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
      },
    ));

  it('no stack traces or internal messages in responses, even when the database fails', () =>
    securityCase(
      'no stack traces in responses',
      'every query throws an internal error; malformed JSON and oversized bodies',
      async () => {
        const internal = new Error('relation "secret_table" at /srv/app/src/store/db.ts:42 password=hunter2');
        const failing: Db = {
          ...t.db,
          engine: 'postgres',
          kysely: t.db.kysely,
          parallelism: 1,
          query: async () => {
            throw internal;
          },
          exec: async () => {
            throw internal;
          },
          copyFrom: async () => {
            throw internal;
          },
          transaction: async () => {
            throw internal;
          },
          readWith: async () => {
            throw internal;
          },
          close: async () => {},
        };
        const lines: string[] = [];
        const logger = createLogger({ format: 'json', level: 'debug', write: (line) => lines.push(line) });
        const { app } = await appFor(failing, { host: '127.0.0.1' }, logger);
        apps.push(app);
        const requests = [
          { method: 'GET' as const, url: '/studies?q=cancer' },
          { method: 'GET' as const, url: '/studies/NCT03826992' },
          { method: 'GET' as const, url: '/facets' },
          { method: 'GET' as const, url: '/suggest?q=abc' },
          { method: 'GET' as const, url: '/runs' },
          { method: 'GET' as const, url: '/runs/20261129T000000Z-abcd' },
          { method: 'GET' as const, url: '/sync/status' },
          { method: 'POST' as const, url: '/sync/run-now', payload: '{"broken": ', type: 'application/json' },
          {
            method: 'POST' as const,
            url: '/sync/run-now',
            payload: 'x'.repeat(100_000),
            type: 'application/json',
          },
        ];
        for (const r of requests) {
          const response = await app.inject({
            method: r.method,
            url: r.url,
            ...('payload' in r ? { payload: r.payload, headers: { 'content-type': r.type } } : {}),
          });
          expect(response.headers['content-type']).toMatch(/application\/json/);
          const body = response.json() as { error?: { code: string; message: string } };
          expect(body.error?.code).toEqual(expect.any(String));
          expect(response.body).not.toMatch(/secret_table|hunter2|\.ts:\d+|\bat \S+ \(|node_modules|stack/i);
          if (response.statusCode >= 500) expect(body.error?.code).toMatch(/INTERNAL|TIMEOUT|NO_SCHEDULER/);
        }
        // The details go to the log, for the operator — without the password in them.
        expect(lines.join('\n')).toMatch(/secret_table/);
      },
    ));

  it('no secret in logs: admin token, authorization header and database password never logged', () =>
    securityCase(
      'no secret in logs (in-process)',
      'failing requests carrying the token; log fields named like secrets; URLs with passwords',
      async () => {
        const lines: string[] = [];
        const logger = createLogger({ format: 'json', level: 'debug', write: (line) => lines.push(line) });
        const { app } = await appFor(t.db, { host: '0.0.0.0', adminToken: TOKEN }, logger);
        apps.push(app);
        await app.inject({
          method: 'POST',
          url: '/sync/run-now',
          headers: { authorization: `Bearer ${TOKEN}` },
        });
        await app.inject({
          method: 'POST',
          url: '/sync/run-now',
          headers: { authorization: `Bearer ${TOKEN}x` },
        });
        await app.inject({
          method: 'GET',
          url: `/studies?q=a`,
          headers: { authorization: `Bearer ${TOKEN}` },
        });
        const text = createLogger({ format: 'text', level: 'debug', write: (line) => lines.push(line) });
        for (const l of [logger, text]) {
          l.info('config', {
            databaseUrl: 'postgres://cds:Pa55word@db:5432/cds',
            adminToken: TOKEN,
            authorization: `Bearer ${TOKEN}`,
            url: 'postgres://cds:Pa55word@db:5432/cds',
          });
          l.error('connection failed', { error: 'cannot reach postgresql://cds:Pa55word@10.0.0.5/cds' });
          l.child({ apiKey: TOKEN }).warn('child');
        }
        const all = lines.join('\n');
        expect(all).not.toContain(TOKEN);
        expect(all).not.toContain('Pa55word');
        expect(lines.length).toBeGreaterThanOrEqual(6);
      },
    ));
});
