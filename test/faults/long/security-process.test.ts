/**
 * Security defaults on the real processes: `cds serve` listens on 127.0.0.1 only unless told otherwise and
 * refuses a public address without an admin token; `cds sync` never writes the database password or the
 * admin token, neither when it succeeds (debug logs) nor when it fails to connect.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../support/db.ts';
import { type FakeCtgov, startFakeCtgov } from '../../support/fake-ctgov.ts';
import { recordFault } from '../../support/fault-table.ts';
import { fixtureSlice } from '../support/audit.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const PASSWORD = 'S3cret-Pa55word';
const TOKEN = 'tok_b81d0c9e7f6a5b4c3d2e';

function cds(args: string[], env: Record<string, string>, until?: RegExp) {
  const child = spawn(process.execPath, ['bin/cds.js', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let matched: (() => void) | undefined;
  const seen = new Promise<void>((resolve) => {
    matched = resolve;
  });
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    if (until?.test(output)) matched?.();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited, seen: Promise.race([seen, exited.then(() => undefined)]) };
}

/** A GET to host:port; resolves the status or the connection error code. */
function probe(host: string, port: number): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request({ host, port, path: '/studies?pageSize=1&facets=false', timeout: 5000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

const externalAddresses = () =>
  Object.values(os.networkInterfaces())
    .flat()
    .filter((a) => a && a.family === 'IPv4' && !a.internal)
    .map((a) => a?.address ?? '');

describe('security defaults of the real processes', () => {
  let t: TestDb;
  let api: FakeCtgov;
  let dataDir: string;
  beforeAll(async () => {
    t = await createTestDb();
    api = await startFakeCtgov({ studies: fixtureSlice(10) });
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'cds-fault-sec-'));
  });
  afterAll(async () => {
    await api.close();
    await t.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('cds serve listens on 127.0.0.1 by default, and not on the external addresses', async () => {
    let survived = false;
    const serve = cds(
      ['serve', '--port', '0', '--no-worker'],
      { DATABASE_URL: t.url, CDS_DATA_DIR: dataDir, CDS_HOST: '' },
      /console at (http:\/\/\S+)\/console/,
    );
    try {
      await serve.seen;
      const address = /console at http:\/\/([^:/]+):(\d+)\/console/.exec(serve.output());
      expect(address?.[1]).toBe('127.0.0.1');
      const port = Number(address?.[2]);
      expect(await probe('127.0.0.1', port)).toBe(200);
      const external = externalAddresses();
      for (const host of external) expect(await probe(host, port)).toBe('ECONNREFUSED');
      // Beyond loopback without a token it does not start.
      const open = cds(['serve', '--host', '0.0.0.0', '--port', '0', '--no-worker'], {
        DATABASE_URL: t.url,
        CDS_DATA_DIR: dataDir,
        CDS_ADMIN_TOKEN: '',
      });
      expect(await open.exited).toBe(2);
      expect(open.output()).toMatch(/CDS_ADMIN_TOKEN/);
      survived = true;
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
      recordFault({
        case: 'Security: cds serve binds to 127.0.0.1',
        faults: `probed 127.0.0.1 and ${externalAddresses().length} external address(es); --host 0.0.0.0 without token`,
        survived,
        lost: 0,
        duplicates: 0,
      });
    }
  });

  it('cds sync writes no secret, on success with debug logs and on a failed connection', async () => {
    let survived = false;
    try {
      const url = new URL(t.url);
      url.password = PASSWORD; // trust authentication: accepted, never needed
      const env = {
        DATABASE_URL: url.toString(),
        CDS_DATA_DIR: dataDir,
        CTGOV_API_URL: api.url,
        CTGOV_RATE_PER_SEC: '1000',
        CDS_ADMIN_TOKEN: TOKEN,
        CDS_LOG_LEVEL: 'debug',
      };
      api.inject({ kind: 'status', status: 503, path: '/studies' });
      const ok = cds(['sync', '--since', '2000-01-01'], env);
      expect(await ok.exited).toBe(0);
      expect(ok.output()).toMatch(/succeeded/);
      url.port = '1';
      const failed = cds(['sync', '--since', '2000-01-01'], { ...env, DATABASE_URL: url.toString() });
      expect(await failed.exited).not.toBe(0);
      expect(failed.output()).toMatch(/Cannot connect to PostgreSQL/);
      for (const output of [ok.output(), failed.output()]) {
        expect(output).not.toContain(PASSWORD);
        expect(output).not.toContain(TOKEN);
      }
      survived = true;
    } finally {
      recordFault({
        case: 'Security: no secret in logs (cds sync)',
        faults: 'DATABASE_URL with a password, CDS_ADMIN_TOKEN, debug logs, a 503, a refused connection',
        survived,
        lost: 0,
        duplicates: 0,
      });
    }
  });
});
