/**
 * Hostile use of the search API on the 206 fixture studies: SQL injection in every parameter, oversized
 * queries, deep pagination (every study exactly once), forged cursors, and sustained load from a second
 * process on loopback. Never a 5xx, never internals in a response, and the database unchanged.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/build-app.ts';
import { registerConsole } from '../../src/api/register-console.ts';
import { studiesQuerystring, suggestQuerystring } from '../../src/api/search-params.ts';
import { silentLogger } from '../../src/log.ts';
import { studyHashes, tableCounts } from '../store/support/fixture-records.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { recordFault } from '../support/fault-table.ts';
import { loadFixtures } from '../support/load-fixtures.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const LOAD_CLIENT = path.join(HERE, 'support', 'load-client.ts');
const ALL = 206;

/** What a response must never show: stack frames, file paths, SQL or driver errors. */
const INTERNALS =
  /node_modules|\bat \S+ \(|\.ts:\d+|syntax error at|postgres|relation "|SQLSTATE|\bstack\b|invalid byte sequence|invalid input syntax|violates/i;

const INJECTIONS = [
  "'",
  "' OR '1'='1",
  "'; drop table studies; --",
  "'; update studies set brief_title = 'pwned'; --",
  '1; select pg_sleep(3) --',
  "1' union select nct_id, document::text from study_documents --",
  '" or ""="',
  "') or ('a'='a",
  '$1',
  '\\',
  '%',
  '_',
  '*',
  '::text',
  "NCT00000001' or 1=1 --",
  "2024-01-01' or '1'='1",
  "40.7,-74.0,10km'; --",
  '{"$gt": ""}',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '\u0000',
  ')(&(|',
];

describe('search API under abuse', () => {
  let t: TestDb;
  let app: FastifyInstance;
  let before: { counts: Record<string, number>; hashes: string[] };
  beforeAll(async () => {
    t = await createTestDb();
    await loadFixtures(t.db);
    app = await buildApp({ db: t.db, config: { searchTimeoutMs: 5000 }, logger: silentLogger });
    await registerConsole(app, {
      db: t.db,
      config: { host: '127.0.0.1', adminToken: undefined },
      logger: silentLogger,
      scheduler: null,
    });
    before = { counts: await tableCounts(t.db), hashes: await studyHashes(t.db) };
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  const get = async (url: string) => {
    const started = performance.now();
    const response = await app.inject({ method: 'GET', url });
    return { status: response.statusCode, text: response.body, ms: performance.now() - started };
  };

  /** Studies lost or changed by the abuse: compared with the database before it. */
  const damage = async () => {
    const hashes = await studyHashes(t.db);
    const counts = await tableCounts(t.db);
    const lost = before.hashes.filter((line) => !hashes.includes(line)).length;
    const extra = Object.entries(counts).reduce(
      (n, [table, c]) => n + Math.max(0, c - (before.counts[table] ?? 0)),
      0,
    );
    return { lost, extra, counts, hashes };
  };

  it('SQL injection in every parameter: a 200 or a 400, never a 5xx, the database unchanged', async () => {
    const params: [route: string, param: string][] = [
      ...Object.keys(studiesQuerystring.shape).map((p): [string, string] => ['/studies', p]),
      ...Object.keys(suggestQuerystring.shape).map((p): [string, string] => ['/suggest', p]),
      ...Object.keys(studiesQuerystring.shape).map((p): [string, string] => ['/facets', p]),
    ];
    const failures: string[] = [];
    let requests = 0;
    const check = async (url: string) => {
      requests++;
      const r = await get(url);
      if (r.status >= 500 || ![200, 400, 404].includes(r.status)) failures.push(`${r.status} ${url}`);
      if (INTERNALS.test(r.text)) failures.push(`internals in ${url}: ${r.text.slice(0, 200)}`);
      if (r.ms > 4000) failures.push(`${Math.round(r.ms)} ms for ${url}`);
    };
    for (const [route, param] of params)
      for (const payload of INJECTIONS) {
        const base =
          route === '/suggest' ? (param === 'q' ? '' : 'q=abc&') : param === 'facets' ? '' : 'facets=false&';
        await check(`${route}?${base}${param}=${encodeURIComponent(payload)}`);
      }
    for (const payload of INJECTIONS) {
      await check(`/studies/${encodeURIComponent(payload)}`);
      await check(`/runs/${encodeURIComponent(payload)}`);
      await check(`/runs/${encodeURIComponent(payload)}/quarantine`);
      await check(`/runs?before=${encodeURIComponent(payload)}`);
    }
    const { lost, extra, hashes } = await damage();
    const { rows } = await t.db.query<{ n: number }>(
      `select count(*)::int as n from studies where brief_title = 'pwned'`,
    );
    recordFault({
      case: 'Search: SQL injection in every parameter',
      faults: `${requests} requests: ${INJECTIONS.length} payloads in ${params.length} query parameters and 4 paths`,
      survived: failures.length === 0 && rows[0]?.n === 0,
      lost,
      duplicates: extra,
    });
    expect(failures).toEqual([]);
    expect(rows[0]?.n).toBe(0);
    expect(hashes).toEqual(before.hashes);
    expect(lost + extra).toBe(0);
  });

  it('oversized queries: refused with a 4xx, quickly, never a 5xx', async () => {
    const many = (name: string, n: number, value: (i: number) => string) =>
      Array.from({ length: n }, (_, i) => `${name}=${encodeURIComponent(value(i))}`).join('&');
    const urls = [
      `/studies?q=${'x'.repeat(501)}`,
      `/studies?q=${'cancer '.repeat(2000)}`,
      `/studies?${many('ids', 101, (i) => `NCT${String(i).padStart(8, '0')}`)}`,
      `/studies?ids=${Array.from({ length: 500 }, (_, i) => `NCT${String(i).padStart(8, '0')}`).join(',')}`,
      `/studies?${many('country', 51, (i) => `Country ${i}`)}`,
      `/studies?${many('status', 200, () => 'RECRUITING')}`,
      `/studies?${many('zz', 3000, (i) => String(i))}`,
      '/studies?pageSize=1000000000',
      '/studies?pageSize=1e308',
      '/studies?ageMin=1e308&ageMax=-1e308',
      '/studies?near=0,0,1e308km',
      `/studies?cursor=${'A'.repeat(1001)}`,
      `/suggest?q=${'x'.repeat(101)}`,
      `/suggest?q=abc&limit=${'9'.repeat(4)}`,
      `/studies/${'N'.repeat(5000)}`,
      `/runs/${'r'.repeat(500)}`,
      `/studies?q=${'y'.repeat(100_000)}`,
    ];
    // At the limits but allowed: an answer (or a 400), in time.
    const heavy = [
      `/studies?q=${encodeURIComponent('a OR '.repeat(99))}b`,
      `/studies?q=${encodeURIComponent('('.repeat(250) + ')'.repeat(250))}`,
      `/studies?q=${encodeURIComponent('-x '.repeat(166))}`,
      `/studies?q=${encodeURIComponent('"'.repeat(500))}`,
      `/studies?q=${encodeURIComponent('ab* '.repeat(125))}`,
      `/studies?ids=${Array.from({ length: 100 }, (_, i) => `NCT${String(i).padStart(8, '0')}`).join(',')}`,
      `/studies?q=${'z'.repeat(500)}&condition=${'c'.repeat(500)}&sponsor=${'s'.repeat(500)}&location=${'l'.repeat(500)}`,
    ];
    const failures: string[] = [];
    for (const url of heavy) {
      const r = await get(url);
      if (![200, 400].includes(r.status)) failures.push(`${r.status} for ${url.slice(0, 80)}`);
      if (INTERNALS.test(r.text)) failures.push(`internals for ${url.slice(0, 80)}: ${r.text.slice(0, 200)}`);
      if (r.ms > 4000) failures.push(`${Math.round(r.ms)} ms for ${url.slice(0, 80)}`);
    }
    for (const url of urls) {
      const r = await get(url);
      if (r.status < 400 || r.status >= 500) failures.push(`${r.status} for ${url.slice(0, 80)}`);
      if (INTERNALS.test(r.text)) failures.push(`internals for ${url.slice(0, 80)}: ${r.text.slice(0, 200)}`);
      if (r.ms > 4000) failures.push(`${Math.round(r.ms)} ms for ${url.slice(0, 80)}`);
    }
    const { lost, extra } = await damage();
    recordFault({
      case: 'Search: oversized queries',
      faults: `${urls.length} oversized requests (100 KB q, 3,000 parameters, 500 ids…), ${heavy.length} at the limits`,
      survived: failures.length === 0,
      lost,
      duplicates: extra,
    });
    expect(failures).toEqual([]);
  });

  it('deep pagination: walking every page of every sort returns each study exactly once', async () => {
    const walks = [
      'sort=last_update&order=asc',
      'sort=last_update&order=desc',
      'sort=start_date&order=asc',
      'sort=start_date&order=desc',
      'sort=completion_date&order=desc',
      'sort=enrollment&order=asc',
      'sort=enrollment&order=desc',
      'q=study',
      'q=cancer%20OR%20disease%20OR%20treatment',
      'near=0,0,20000km&sort=distance',
    ];
    let lost = 0;
    let duplicates = 0;
    let pages = 0;
    const failures: string[] = [];
    for (const walk of walks) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let total = -1;
      do {
        const url = `/studies?${walk}&pageSize=7&facets=false${cursor ? `&cursor=${cursor}` : ''}`;
        const r = await get(url);
        pages++;
        if (r.status !== 200) {
          failures.push(`${r.status} ${url}: ${r.text.slice(0, 200)}`);
          break;
        }
        const body = JSON.parse(r.text) as {
          total: number;
          studies: { nctId: string }[];
          nextCursor: string | null;
        };
        if (total < 0) total = body.total;
        seen.push(...body.studies.map((s) => s.nctId));
        cursor = body.nextCursor;
        if (pages > 2000) throw new Error('pagination does not end');
      } while (cursor);
      const unique = new Set(seen).size;
      lost += Math.max(0, total - unique);
      duplicates += seen.length - unique;
      if (unique !== total) failures.push(`${walk}: ${unique} distinct studies, total ${total}`);
      if (!walk.startsWith('q=') && !walk.startsWith('near=') && total !== ALL)
        failures.push(`${walk}: total ${total}, not ${ALL}`);
    }
    recordFault({
      case: 'Search: deep pagination',
      faults: `${walks.length} sorts walked to the end in pages of 7 (${pages} pages)`,
      survived: failures.length === 0,
      lost,
      duplicates,
    });
    expect(failures).toEqual([]);
    expect({ lost, duplicates }).toEqual({ lost: 0, duplicates: 0 });
  });

  it('forged cursors: a 400 saying to start again, or a valid page; never a 5xx', async () => {
    const first = JSON.parse((await get('/studies?sort=start_date&pageSize=5&facets=false')).text) as {
      nextCursor: string;
    };
    const real = JSON.parse(Buffer.from(first.nextCursor, 'base64url').toString()) as Record<string, unknown>;
    const forge = (change: Record<string, unknown>) =>
      Buffer.from(JSON.stringify({ ...real, ...change })).toString('base64url');
    const relevance = JSON.parse((await get('/studies?q=study&pageSize=5&facets=false')).text) as {
      nextCursor: string;
    };
    const cursors = [
      'abc',
      '!!!',
      '%27%20or%201%3D1',
      Buffer.from('{}').toString('base64url'),
      Buffer.from('null').toString('base64url'),
      Buffer.from('[1,2,3]').toString('base64url'),
      Buffer.from('x'.repeat(700)).toString('base64url').slice(0, 1000),
      forge({ f: '0000000000000000' }),
      forge({ k: "2020-01-01' or '1'='1" }),
      forge({ k: 'infinity' }),
      forge({ k: '-infinity' }),
      forge({ k: '9999-12-31' }),
      forge({ k: '2024-02-30' }),
      forge({ k: 1e308 }),
      forge({ k: { $gt: '' } }),
      forge({ k: ['a'] }),
      forge({ id: "NCT00000000' --" }),
      forge({ id: 'NCT99999999' }),
      forge({ v: 2 }),
      forge({ extra: 'field' }),
      relevance.nextCursor,
    ];
    const failures: string[] = [];
    for (const cursor of cursors) {
      const r = await get(`/studies?sort=start_date&pageSize=5&facets=false&cursor=${cursor}`);
      if (![200, 400].includes(r.status)) failures.push(`${r.status} for cursor ${cursor.slice(0, 60)}`);
      if (INTERNALS.test(r.text))
        failures.push(`internals for ${cursor.slice(0, 60)}: ${r.text.slice(0, 200)}`);
      if (r.status === 400 && !/cursor/i.test(r.text))
        failures.push(`unclear 400 for ${cursor.slice(0, 60)}`);
    }
    const { lost, extra } = await damage();
    recordFault({
      case: 'Search: forged cursors',
      faults: `${cursors.length} cursors: garbage, foreign query, tampered key/id/version, SQL in the key`,
      survived: failures.length === 0,
      lost,
      duplicates: extra,
    });
    expect(failures).toEqual([]);
  });

  it('sustained load from a second process on loopback: no 5xx, p99 reported', async () => {
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const child = spawn(process.execPath, ['--import', 'tsx', LOAD_CLIENT, address, '8000', '4000', '6'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect({ code, err }).toEqual({ code: 0, err: '' });
    const report = JSON.parse(out) as {
      requests: number;
      statuses: Record<string, number>;
      networkErrors: number;
      p50: number;
      p95: number;
      p99: number;
    };
    const fiveXX = Object.entries(report.statuses)
      .filter(([status]) => Number(status) >= 500)
      .reduce((n, [, count]) => n + count, 0);
    const { lost, extra } = await damage();
    recordFault({
      case: 'Search: sustained load (second process)',
      faults: `${report.requests} requests in ≤8 s, 6 concurrent: p50 ${report.p50} ms, p95 ${report.p95} ms, p99 ${report.p99} ms, ${fiveXX} 5xx`,
      survived: fiveXX === 0 && report.networkErrors === 0,
      lost,
      duplicates: extra,
    });
    process.stdout.write(`sustained load: ${JSON.stringify(report)}\n`);
    expect(fiveXX).toBe(0);
    expect(report.networkErrors).toBe(0);
    expect(report.requests).toBeGreaterThan(20);
    expect(report.statuses['200']).toBeGreaterThan(0);
    expect(Number.isFinite(report.p99)).toBe(true);
  });
});
