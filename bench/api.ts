/**
 * API under load: the HTTP API in a second process on loopback, driven by concurrent clients with a fixed
 * mix of requests; against the same requests answered in-process by the search library, one at a time.
 *
 *   npx tsx bench/api.ts --quick                    its own database of 2,000 studies, 20 s of load
 *   npx tsx bench/api.ts [--studies 20000]          its own database of N studies, 60 s
 *   npx tsx bench/api.ts --db <name>                an existing mirror (e.g. the registry-size one), 60 s
 *       [--concurrency 8] [--seconds 60] [--rounds 3]
 *
 * - Database (untimed): without --db, N generated studies (bench/corpus, seed 42) loaded by the real loader
 *   into a fresh database, dropped afterwards. With --db, the database as it is, never dropped; if its load
 *   left the typeahead terms unbuilt and change events undelivered (bench/load.ts --keep-as), they are first
 *   (settleMirror), since /suggest answers from those terms.
 * - Server: buildApp (src/api/build-app.ts: the search routes, zod validation and serialization, the error
 *   handler) on the database opened as `cds serve` opens it (openMigratedDb, a pool of 4), listening on
 *   127.0.0.1 on a free port, in a child process of its own, so it has its own CPU, event loop and memory.
 *   It reports its peak RSS (the kernel's maxRSS of its whole life) and CPU time over IPC.
 * - Load (timed): --concurrency clients (undici Pool, one connection each) send the mix in a fixed
 *   round-robin order for --seconds after one warm-up pass: the 25 GET /studies queries of bench/search.ts as
 *   query strings (narrow, broad, fielded, filtered, geo, date-sorted, browse), 5 GET /suggest prefixes and 5
 *   GET /studies/{nctId}. Latency is from sending to the last byte of the body. Any non-2xx answer or
 *   network error counts as an error and is reported by status; the mix sends no invalid request on purpose.
 * - Reference (timed, same run): the same 35 requests, parsed by the same query-string schemas, answered
 *   in-process by the library (searchStudies, suggestTerms, getStudy), sequentially, --rounds times after a
 *   warm-up pass. The p50 ratio is the cost of HTTP, validation, serialization and concurrency on 2 cores.
 *
 * Prints requests/s, p50/p95/p99 overall and per endpoint, errors and the server's peak RSS, and writes
 * bench/results/api-<N>.json. Targets: no errors; server peak RSS ≤ 1 GiB (the bound the loader has too).
 * Latency has no target of its own here: bench/search.ts holds the single-client search targets.
 * Server: CDS_BENCH_PG_URL, else DATABASE_URL, else the local test server.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { buildApp } from '../src/api/build-app.ts';
import { suggestQuerystring, toSuggestQuery } from '../src/api/search-params.ts';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/log.ts';
import { getStudy } from '../src/search/get-study.ts';
import { searchStudies } from '../src/search/search-studies.ts';
import { suggestTerms } from '../src/search/suggest-terms.ts';
import type { Db } from '../src/store/db.ts';
import { migrate } from '../src/store/migrate.ts';
import { openMigratedDb } from '../src/store/open-migrated-db.ts';
import { openPostgresDb } from '../src/store/postgres-db.ts';
import { SEARCH_MIX, searchMixQuery } from './search/query-mix.ts';
import {
  benchDatabaseUrl,
  createBenchDatabase,
  databaseExists,
  databaseOption,
  dropBenchDatabase,
} from './support/bench-database.ts';
import { loadGeneratedBase, settleMirror } from './support/generated-base.ts';
import { type LatencySummary, summarizeLatencies } from './support/latency-summary.ts';
import { formatResultTable, RESULTS_DIR, type ResultRow } from './support/result-table.ts';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const value = Number(args[i + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} takes a positive number`);
  return value;
};
const quick = flag('--quick');
const concurrency = option('--concurrency', 8);
const durationSeconds = option('--seconds', quick ? 20 : 60);
const rounds = option('--rounds', 3);
/** Search statement timeout of the server and the reference, as `cds serve` has it by default. */
const SEARCH_TIMEOUT_MS = loadConfig({}).searchTimeoutMs;
const MAX_RSS_MIB = 1024;

type Kind = 'search' | 'suggest' | 'study';
interface MixRequest {
  name: string;
  kind: Kind;
  /** Path and query string, e.g. /studies?q=asthma&status=RECRUITING. */
  path: string;
  /** The same request answered by the library. */
  call: (db: Db) => Promise<unknown>;
}

const SUGGEST_PREFIXES = ['canc', 'diab', 'pembro', 'asthm', 'novar'];
const STUDY_LOOKUPS = 5;

const queryString = (params: Record<string, string>) => {
  const text = new URLSearchParams(params).toString();
  return text === '' ? '' : `?${text}`;
};

/** The fixed mix: every search, every suggest prefix, and `STUDY_LOOKUPS` studies of the database. */
async function buildMix(db: Db): Promise<MixRequest[]> {
  const mix: MixRequest[] = Object.entries(SEARCH_MIX).map(([name, params]) => ({
    name,
    kind: 'search',
    path: `/studies${queryString(params)}`,
    call: (d) => searchStudies(d, searchMixQuery(params), { timeoutMs: SEARCH_TIMEOUT_MS }),
  }));
  for (const q of SUGGEST_PREFIXES)
    mix.push({
      name: `suggest ${q}`,
      kind: 'suggest',
      path: `/suggest${queryString({ q })}`,
      call: (d) => suggestTerms(d, toSuggestQuery(suggestQuerystring.parse({ q })), SEARCH_TIMEOUT_MS),
    });
  // A deterministic spread of ids: the 1-in-8 search sample, in id order.
  const { rows } = await db.query<{ nct_id: string }>(
    `select nct_id from studies where search_sample and removed_at is null order by nct_id limit $1`,
    [STUDY_LOOKUPS],
  );
  for (const { nct_id } of rows)
    mix.push({
      name: `study ${nct_id}`,
      kind: 'study',
      path: `/studies/${nct_id}`,
      call: (d) => getStudy(d, nct_id),
    });
  return mix;
}

interface Sample {
  request: MixRequest;
  ms: number;
}

function byKind(samples: readonly Sample[]): Record<string, LatencySummary> {
  const out: Record<string, LatencySummary> = {};
  for (const kind of ['search', 'suggest', 'study'] as const) {
    const ms = samples.filter((s) => s.request.kind === kind).map((s) => s.ms);
    if (ms.length > 0) out[kind] = summarizeLatencies(ms);
  }
  return out;
}

/**
 * The library, in this process, one request at a time: a warm-up pass, then `rounds` timed passes. A call
 * that throws (a search over the statement timeout) is counted by request, not timed.
 */
async function measureInProcess(
  db: Db,
  mix: readonly MixRequest[],
): Promise<{ samples: Sample[]; errors: Record<string, number> }> {
  const samples: Sample[] = [];
  const errors: Record<string, number> = {};
  for (let round = 0; round <= rounds; round++)
    for (const request of mix) {
      const started = performance.now();
      try {
        await request.call(db);
        if (round > 0) samples.push({ request, ms: performance.now() - started });
      } catch (error) {
        if (round > 0) errors[request.name] = (errors[request.name] ?? 0) + 1;
        if (round === 0) console.log(`  ${request.name}: ${(error as Error).message}`);
      }
    }
  return { samples, errors };
}

interface LoadOutcome {
  samples: Sample[];
  seconds: number;
  /** Non-2xx answers by status and network errors by code, during the timed load. */
  errors: Record<string, number>;
  errorsByRequest: Record<string, number>;
  /** The same, during the warm-up pass (not in the figures, reported). */
  warmUpErrors: Record<string, number>;
}

/** `concurrency` clients sending the mix round-robin until `durationSeconds` have passed. */
async function driveLoad(origin: string, mix: readonly MixRequest[]): Promise<LoadOutcome> {
  const pool = new Pool(origin, { connections: concurrency, pipelining: 1 });
  const outcome: LoadOutcome = { samples: [], seconds: 0, errors: {}, errorsByRequest: {}, warmUpErrors: {} };
  /** Milliseconds to the last byte of a 2xx answer; undefined (and counted in `errors`) otherwise. */
  const send = async (request: MixRequest, errors: Record<string, number>): Promise<number | undefined> => {
    const started = performance.now();
    let status: string;
    try {
      const response = await pool.request({ path: request.path, method: 'GET' });
      await response.body.arrayBuffer();
      if (response.statusCode >= 200 && response.statusCode < 300) return performance.now() - started;
      status = String(response.statusCode);
    } catch (error) {
      status = `network: ${(error as { code?: string }).code ?? (error as Error).message}`;
    }
    errors[status] = (errors[status] ?? 0) + 1;
    if (errors === outcome.errors)
      outcome.errorsByRequest[request.name] = (outcome.errorsByRequest[request.name] ?? 0) + 1;
    return undefined;
  };
  try {
    for (const request of mix) await send(request, outcome.warmUpErrors);
    let next = 0;
    const started = performance.now();
    const deadline = started + durationSeconds * 1000;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < deadline) {
          const request = mix[next++ % mix.length]!;
          const ms = await send(request, outcome.errors);
          if (ms !== undefined) outcome.samples.push({ request, ms });
        }
      }),
    );
    outcome.seconds = (performance.now() - started) / 1000;
    return outcome;
  } finally {
    await pool.close();
  }
}

interface ServerReport {
  type: 'report';
  maxRssKiB: number;
  cpuMicros: number;
}

/** Starts the API in a child process; resolves once it listens. */
async function startServer(url: string): Promise<{ child: ChildProcess; origin: string }> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve', url], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { type: string; port: number }) => resolve(message.port));
    child.once('exit', (code) => reject(new Error(`the API process exited with ${code} before listening`)));
  });
  return { child, origin: `http://127.0.0.1:${port}` };
}

function askServer(child: ChildProcess): Promise<ServerReport> {
  return new Promise((resolve) => {
    child.once('message', (message: ServerReport) => resolve(message));
    child.send({ type: 'report' });
  });
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.send({ type: 'close' });
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Child side: the API on the database at `url`, as `cds serve` builds it (search routes only). */
async function serve(url: string): Promise<void> {
  const config = loadConfig({}, { databaseUrl: url });
  const db = await openMigratedDb(config);
  const app = await buildApp({ db, config, logger: silentLogger });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const close = async () => {
    await app.close();
    await db.close();
    process.exit(0);
  };
  process.on('message', (message: { type: string }) => {
    if (message.type === 'close') void close();
    if (message.type === 'report') {
      const cpu = process.cpuUsage();
      process.send?.({
        type: 'report',
        maxRssKiB: process.resourceUsage().maxRSS,
        cpuMicros: cpu.user + cpu.system,
      } satisfies ServerReport);
    }
  });
  process.on('disconnect', () => void close());
  process.send?.({ type: 'listening', port: (app.server.address() as AddressInfo).port });
}

async function main(): Promise<void> {
  const load0 = loadavg()[0]!;
  const givenDb = databaseOption(args);
  const ownName = `cds_bench_api_${process.pid}`;
  if (givenDb !== undefined && !(await databaseExists(givenDb)))
    throw new Error(`--db ${givenDb}: no such database`);
  const url = givenDb === undefined ? await createBenchDatabase(ownName) : benchDatabaseUrl(givenDb);
  const db = await openPostgresDb(url, { max: 4 });
  let server: ChildProcess | undefined;
  try {
    await migrate(db);
    let setup: Record<string, unknown>;
    if (givenDb === undefined) {
      const count = option('--studies', quick ? 2_000 : 20_000);
      console.log(`loading ${count} generated studies with the real loader (untimed)…`);
      setup = { loadedBy: 'loadGeneratedBase', ...(await loadGeneratedBase(db, count)) };
    } else {
      const settled = await settleMirror(db);
      setup = { database: givenDb, settle: settled };
      console.log(
        `settled ${givenDb}: ${settled.published} pending change events delivered, typeahead terms ` +
          `${settled.termsRefreshed ? 'built' : 'already built'} (${settled.seconds.toFixed(1)} s, untimed)`,
      );
    }
    const { rows } = await db.query<{ n: number }>(
      'select count(*)::int as n from studies where removed_at is null',
    );
    const studies = rows[0]!.n;
    const mix = await buildMix(db);

    console.log(`in-process reference: ${mix.length} requests × ${rounds}, sequential…`);
    const { samples: inProcess, errors: libraryErrors } = await measureInProcess(db, mix);

    const started = await startServer(url);
    server = started.child;
    const before = await askServer(server);
    console.log(
      `${concurrency} clients on ${started.origin} for ${durationSeconds} s (${mix.length} requests round-robin)…`,
    );
    const load = await driveLoad(started.origin, mix);
    const after = await askServer(server);

    if (load.samples.length === 0 || inProcess.length === 0)
      throw new Error(
        `no request succeeded: HTTP errors ${JSON.stringify(load.errors)}, library errors ${JSON.stringify(libraryErrors)}`,
      );
    const http = summarizeLatencies(load.samples.map((s) => s.ms));
    const lib = summarizeLatencies(inProcess.map((s) => s.ms));
    const requestsPerSecond = load.samples.length / load.seconds;
    const libPerSecond = 1000 / lib.mean;
    const errorCount = Object.values(load.errors).reduce((a, b) => a + b, 0);
    const serverPeakRssMiB = Math.round(after.maxRssKiB / 1024);
    const serverCpuMsPerRequest = (after.cpuMicros - before.cpuMicros) / 1000 / load.samples.length;
    const tableRows: ResultRow[] = [
      {
        figure: `api: ${studies.toLocaleString('en-US')} studies, ${concurrency} clients on loopback, requests/s vs library in-process sequential`,
        ours: round1(requestsPerSecond),
        unit: 'req/s',
        reference: round1(libPerSecond),
      },
      { figure: 'api: p50 latency vs library p50', ours: http.p50, unit: 'ms', reference: lib.p50 },
      { figure: 'api: p95 latency vs library p95', ours: http.p95, unit: 'ms', reference: lib.p95 },
      { figure: 'api: p99 latency vs library p99', ours: http.p99, unit: 'ms', reference: lib.p99 },
      { figure: 'api: errors (non-2xx, network)', ours: errorCount, target: { op: '<=', value: 0 } },
      {
        figure: 'api: server peak RSS',
        ours: serverPeakRssMiB,
        unit: 'MiB',
        target: { op: '<=', value: MAX_RSS_MIB },
      },
    ];
    const summaryOf = (samples: readonly Sample[], request: MixRequest) => {
      const ms = samples.filter((s) => s.request === request).map((s) => s.ms);
      return ms.length > 0 ? summarizeLatencies(ms) : null;
    };
    const perRequest: Record<string, { http: LatencySummary | null; library: LatencySummary | null }> = {};
    for (const request of mix)
      perRequest[request.name] = {
        http: summaryOf(load.samples, request),
        library: summaryOf(inProcess, request),
      };
    const report = {
      studies,
      database: givenDb ?? null,
      setup,
      concurrency,
      seconds: round1(load.seconds),
      requests: load.samples.length,
      requestsPerSecond: round1(requestsPerSecond),
      latency: { all: http, ...byKind(load.samples) },
      library: {
        rounds,
        all: lib,
        ...byKind(inProcess),
        requestsPerSecond: round1(libPerSecond),
        errors: libraryErrors,
      },
      p50Ratio: Number((http.p50 / lib.p50).toFixed(2)),
      errors: load.errors,
      errorsByRequest: load.errorsByRequest,
      warmUpErrors: load.warmUpErrors,
      server: {
        peakRssMiB: serverPeakRssMiB,
        cpuMsPerRequest: Number(serverCpuMsPerRequest.toFixed(2)),
      },
      perRequest,
      rows: tableRows,
      loadAverage: { before: Number(load0.toFixed(2)), after: Number(loadavg()[0]!.toFixed(2)) },
      at: new Date().toISOString(),
    };
    const kinds = (summaries: Record<string, LatencySummary>) =>
      Object.entries(summaries)
        .map(([kind, s]) => `${kind} p50 ${s.p50} / p95 ${s.p95} / p99 ${s.p99} ms (${s.count})`)
        .join('; ');
    console.log(
      [
        `HTTP: ${report.requests} requests in ${report.seconds} s = ${report.requestsPerSecond}/s; ${kinds(byKind(load.samples))}`,
        `library in-process, sequential: ${kinds(byKind(inProcess))}` +
          (Object.keys(libraryErrors).length > 0 ? `; failed: ${JSON.stringify(libraryErrors)}` : ''),
        `errors: ${errorCount === 0 ? 'none' : JSON.stringify(load.errors)}; server peak RSS ${serverPeakRssMiB} MiB, ` +
          `${report.server.cpuMsPerRequest} ms CPU per request; load average ${report.loadAverage.before} → ${report.loadAverage.after}`,
        '',
        formatResultTable('api', tableRows),
      ].join('\n'),
    );
    mkdirSync(RESULTS_DIR, { recursive: true });
    const out = path.join(RESULTS_DIR, `api-${studies}.json`);
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`written ${out}`);
  } finally {
    if (server) await stopServer(server);
    await db.close();
    if (givenDb === undefined) await dropBenchDatabase(ownName);
  }
}

const round1 = (n: number) => Math.round(n * 10) / 10;

const serveIndex = args.indexOf('--serve');
if (serveIndex >= 0) await serve(args[serveIndex + 1]!);
else await main();
