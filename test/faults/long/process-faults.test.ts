/**
 * Process faults through the whole flow: kill -9 of a running sync during download, inside and between
 * load batches and during the index rebuild; a full landing disk; the database restarting mid-run; two
 * `cds sync` started together. After each, the next run (after the stale run is failed, as the 50 s
 * heartbeat rule would) must end in the database a fault-free load gives: nothing lost, nothing twice.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.ts';
import { silentLogger } from '../../../src/log.ts';
import { failStaleRuns } from '../../../src/runs/run-log.ts';
import type { Db, Queryable } from '../../../src/store/db.ts';
import { migrate } from '../../../src/store/migrate.ts';
import { openPostgresDb } from '../../../src/store/postgres-db.ts';
import { listSecondaryIndexes } from '../../../src/store/secondary-indexes.ts';
import { runSync } from '../../../src/sync/run-sync.ts';
import { studyHashes, tableCounts } from '../../store/support/fixture-records.ts';
import { type FakeCtgov, startFakeCtgov } from '../../support/fake-ctgov.ts';
import { fastCtgovClient } from '../../support/fake-ctgov-client.ts';
import { type Expected, type FaultDb, fixtureSlice, openFaultDb, recordAudit } from '../support/audit.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../../..');
const CHILD = path.join(HERE, '../support/sync-child.ts');
const STUDIES = fixtureSlice(40, 3);

let fdb: FaultDb;
let expected: Expected;
let referenceIndexes: string[];
beforeAll(async () => {
  fdb = await openFaultDb();
  expected = await fdb.reference(STUDIES);
  referenceIndexes = (await listSecondaryIndexes(fdb.db)).map((i) => i.definition).sort();
});
afterAll(async () => fdb.drop());

interface Child {
  process: ChildProcess;
  out: () => string;
  err: () => string;
  /** Resolves when a stdout line matches (rejects if the child exits first). */
  waitFor(pattern: RegExp): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill9(): Promise<void>;
}

function startChild(command: string, args: string[], env: Record<string, string>): Child {
  // Its own process group, so kill -9 reaches every process of it at once.
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, CDS_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  let err = '';
  const waiters: { pattern: RegExp; resolve: () => void; reject: (e: Error) => void }[] = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    for (const w of [...waiters])
      if (w.pattern.test(out)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      for (const w of waiters.splice(0))
        w.reject(new Error(`child exited (${code ?? signal}) before ${w.pattern}:\n${out}\n${err}`));
      resolve({ code, signal });
    }),
  );
  return {
    process: child,
    out: () => out,
    err: () => err,
    exited,
    waitFor: (pattern) =>
      pattern.test(out)
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => waiters.push({ pattern, resolve, reject })),
    async kill9() {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      expect((await exited).signal).toBe('SIGKILL');
    },
  };
}

const childSync = (env: Record<string, string>) =>
  startChild(process.execPath, ['--import', 'tsx', CHILD], env);

/** Environment of a sync against `api` into the fault database, landing under `dataDir`. */
const syncEnv = (api: FakeCtgov, dataDir: string, url = fdb.url) => ({
  DATABASE_URL: url,
  CDS_DATA_DIR: dataDir,
  CTGOV_API_URL: api.url,
  CTGOV_RATE_PER_SEC: '1000',
  CTGOV_ATTEMPTS: '4',
  CTGOV_TIMEOUT_MS: '10000',
});

async function syncInProcess(db: Db, api: FakeCtgov, dataDir: string) {
  return runSync({
    db,
    config: loadConfig(syncEnv(api, dataDir)),
    logger: silentLogger,
    client: fastCtgovClient(api.url),
    mode: { kind: 'incremental', since: '2000-01-01' },
    pageSize: 8,
  });
}

async function runStates(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ state: string }>(
    `select state from runs where kind = 'sync' order by started_at, id`,
  );
  return rows.map((r) => r.state);
}

/**
 * kill -9 a child sync at `pause`, then fail its stale run and sync again in-process: the database must
 * equal the reference and the indexes must all be back.
 */
async function killCase(options: {
  name: string;
  faults: string;
  pause: string;
  waitFor: RegExp;
  slowPages?: boolean;
  check?: (ctx: { dataDir: string; partial: number; resumedRunDir: string }) => Promise<void> | void;
}) {
  await fdb.reset();
  const api = await startFakeCtgov({ studies: STUDIES });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cds-fault-kill-'));
  try {
    if (options.slowPages) api.inject({ kind: 'slow', delayMs: 400, times: 100, path: /pageToken=/ });
    const child = childSync({ ...syncEnv(api, dataDir), FAULT_PAUSE: options.pause });
    await child.waitFor(options.waitFor);
    await child.kill9();
    const partial = (await tableCounts(fdb.db)).studies ?? 0;
    expect(await runStates(fdb.db)).toEqual(['running']);
    // The dead run holds the one-writer lock until its heartbeat is stale (50 s); the scheduler's sweep
    // fails it then. The test does not wait: it fails it as the sweep would.
    expect(await failStaleRuns(fdb.db, 0)).toHaveLength(1);
    let survived = true;
    let resumedRunDir = '';
    try {
      const again = await syncInProcess(fdb.db, api, dataDir);
      resumedRunDir = again.runDir;
      const c = again.counts;
      expect(c.fetched).toBe((c.inserted ?? 0) + (c.unchanged ?? 0) + (c.duplicates ?? 0));
    } catch (error) {
      survived = false;
      throw error;
    } finally {
      const audit = await recordAudit(fdb.db, expected, {
        case: options.name,
        faults: options.faults,
        survived,
      });
      expect(audit.row).toMatchObject({ survived: true, lost: 0, duplicates: 0 });
      expect(audit.counts).toEqual(expected.counts);
    }
    expect(await studyHashes(fdb.db)).toEqual(expected.hashes);
    expect((await listSecondaryIndexes(fdb.db)).map((i) => i.definition).sort()).toEqual(referenceIndexes);
    expect(await runStates(fdb.db)).toEqual(['failed', 'succeeded']);
    await options.check?.({ dataDir, partial, resumedRunDir });
  } finally {
    await api.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe('process faults: nothing lost, nothing stored twice', () => {
  it('kill -9 during download: the next sync resumes the landing run and loads everything', () =>
    killCase({
      name: 'Process: kill -9 during download',
      faults: 'SIGKILL after page 2 landed, page 3 in flight',
      pause: 'page:2',
      waitFor: /^PAUSED page:2$/m,
      slowPages: true,
      check: ({ partial, resumedRunDir, dataDir }) => {
        expect(partial).toBe(0);
        // Resumed, not started over: the same landing run directory.
        expect(path.dirname(resumedRunDir)).toBe(path.join(dataDir, 'landing'));
        expect(
          execFileSync('ls', [path.join(dataDir, 'landing')])
            .toString()
            .trim()
            .split('\n'),
        ).toHaveLength(1);
      },
    }));

  it('kill -9 inside a load batch (rows written, not committed): rolled back, re-loaded whole', () =>
    killCase({
      name: 'Process: kill -9 inside a load batch',
      faults: 'SIGKILL inside the first batch transaction after its first COPY',
      pause: 'inside-batch',
      waitFor: /^PAUSED inside-batch/m,
      check: ({ partial }) => expect(partial).toBe(0),
    }));

  it('kill -9 between load batches: the committed batch stays, the rest is loaded by the next sync', () =>
    killCase({
      name: 'Process: kill -9 between load batches',
      faults: 'SIGKILL after batch 1 committed, before batch 2',
      pause: 'after-batch',
      waitFor: /^PAUSED after-batch/m,
      check: ({ partial }) => {
        expect(partial).toBeGreaterThan(0);
        expect(partial).toBeLessThan(STUDIES.length);
      },
    }));

  it('kill -9 during the index rebuild: the next sync rebuilds the missing indexes', () =>
    killCase({
      name: 'Process: kill -9 during index work',
      faults: 'SIGKILL in the index phase, 3 of the dropped indexes rebuilt',
      pause: 'index:4',
      waitFor: /^PAUSED index:4/m,
      check: ({ partial }) => expect(partial).toBe(STUDIES.length),
    }));

  it('two cds sync started together: one runs, the other is refused with LOCKED; nothing twice', async () => {
    await fdb.reset();
    const api = await startFakeCtgov({ studies: STUDIES });
    api.inject({ kind: 'slow', delayMs: 300, times: 100, path: /pageToken=/ });
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cds-fault-two-'));
    try {
      const cli = () =>
        startChild(process.execPath, ['bin/cds.js', 'sync', '--since', '2000-01-01'], syncEnv(api, dataDir));
      const [a, b] = [cli(), cli()];
      const results = await Promise.all([a.exited, b.exited]);
      const codes = results.map((r) => r.code).sort();
      const stderr = `${a.err()}\n${b.err()}`;
      const survived = codes[0] === 0 && codes[1] === 1 && /Another run is writing/.test(stderr);
      const audit = await recordAudit(fdb.db, expected, {
        case: 'Process: two cds sync started together',
        faults: 'two `cds sync` processes started at the same moment',
        survived,
      });
      expect({ codes, stderr: stderr.match(/cds: .*/)?.[0] }).toEqual({
        codes: [0, 1],
        stderr: expect.stringMatching(/Another run is writing to this database/),
      });
      expect(audit.row).toMatchObject({ survived: true, lost: 0, duplicates: 0 });
      expect(await studyHashes(fdb.db)).toEqual(expected.hashes);
      expect(await runStates(fdb.db)).toEqual(['succeeded']);
    } finally {
      await api.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('the landing disk full: the sync fails cleanly, and after space is freed the next one resumes', async () => {
    await fdb.reset();
    const api = await startFakeCtgov({ studies: STUDIES });
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cds-fault-disk-'));
    const landing = path.join(dataDir, 'landing');
    mkdirSync(landing);
    const full = await fillLanding(landing, 160 * 1024);
    try {
      let firstError: unknown;
      await syncInProcess(fdb.db, api, dataDir).catch((error: unknown) => {
        firstError = error;
      });
      expect(String((firstError as Error | undefined)?.message)).toMatch(/ENOSPC|no space/i);
      expect((await tableCounts(fdb.db)).studies).toBe(0);
      expect(await runStates(fdb.db)).toEqual(['failed']);
      await full.free();
      let survived = true;
      const again = await syncInProcess(fdb.db, api, dataDir).catch((error: unknown) => {
        survived = false;
        throw error;
      });
      const audit = await recordAudit(fdb.db, expected, {
        case: 'Process: landing disk full',
        faults: `${full.how}: ENOSPC while landing pages, then space freed`,
        survived,
      });
      expect(again.counts).toMatchObject({ inserted: STUDIES.length });
      expect(audit.row).toMatchObject({ survived: true, lost: 0, duplicates: 0 });
      expect(audit.counts).toEqual(expected.counts);
      expect(await runStates(fdb.db)).toEqual(['failed', 'succeeded']);
    } finally {
      full.release();
      await api.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('the database restarting mid-run (private cluster): the run fails, the next one loads everything', async () => {
    const cluster = await startPrivateCluster();
    const api = await startFakeCtgov({ studies: STUDIES });
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cds-fault-restart-'));
    const db = await openPostgresDb(cluster.url, { max: 4 });
    try {
      await migrate(db);
      let restarted = false;
      const restarting: Db = {
        engine: db.engine,
        kysely: db.kysely,
        parallelism: db.parallelism,
        query: (text, params) => db.query(text, params),
        exec: (script) => db.exec(script),
        copyFrom: (table, columns, text) => db.copyFrom(table, columns, text),
        readWith: (settings, text, params) => db.readWith(settings, text, params),
        close: () => db.close(),
        transaction: async (fn) => {
          if (!restarted) {
            restarted = true;
            cluster.restart();
          }
          return db.transaction(fn);
        },
      };
      let firstError: unknown;
      await syncInProcess(restarting, api, dataDir).catch((error: unknown) => {
        firstError = error;
      });
      expect(restarted).toBe(true);
      // Either the run failed cleanly (its connections died) and the next one loads everything, or it got
      // fresh connections and finished: both are survival; only a loss or a duplicate is not.
      let survived = true;
      if (firstError !== undefined) {
        await failStaleRuns(db, 0);
        await syncInProcess(db, api, dataDir).catch((error: unknown) => {
          survived = false;
          throw error;
        });
      }
      const audit = await recordAudit(db, expected, {
        case: 'Process: database restart mid-run',
        faults: `pg_ctl restart -m immediate at the first load transaction (${firstError ? 'run failed, next run' : 'run went on'})`,
        survived,
      });
      expect(audit.row).toMatchObject({ survived: true, lost: 0, duplicates: 0 });
      expect(audit.counts).toEqual(expected.counts);
      expect(await studyHashes(db)).toEqual(expected.hashes);
      expect((await runStates(db)).at(-1)).toBe('succeeded');
    } finally {
      await db.close().catch(() => {});
      await api.close();
      cluster.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

/**
 * A landing directory with only `bytes` of room: a tmpfs of that size where mounting is allowed, otherwise
 * ENOSPC injected at the landing writer (fs.promises.open patched for files under the directory).
 */
async function fillLanding(
  dir: string,
  bytes: number,
): Promise<{ how: string; free(): Promise<void>; release(): void }> {
  try {
    if (process.env.CDS_FAULT_NO_MOUNT) throw new Error('mounting disabled');
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { stdio: 'ignore' });
    let grown = false;
    let mounted = true;
    return {
      how: `tmpfs of ${bytes / 1024} KB`,
      async free() {
        if (grown) return;
        // Space freed: the same file system, grown (what was landed stays, the sync resumes).
        execFileSync('mount', ['-o', 'remount,size=64m', dir]);
        grown = true;
      },
      release() {
        if (mounted) execFileSync('umount', [dir], { stdio: 'ignore' });
        mounted = false;
      },
    };
  } catch {
    const { injectEnospc } = await import('../support/enospc.ts');
    const restore = injectEnospc(dir, bytes);
    return { how: `ENOSPC injected after ${bytes / 1024} KB`, free: async () => restore(), release: restore };
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const PG_BIN = '/usr/lib/postgresql/15/bin';

/** A private PostgreSQL 15 cluster on its own port and socket directory, owned by the postgres user. */
async function startPrivateCluster(): Promise<{ url: string; restart(): void; stop(): void }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cds-fault-pg-'));
  const { uid, gid } = userIds('postgres');
  chownSync(dir, uid, gid);
  const data = path.join(dir, 'data');
  const port = await freePort();
  const asPostgres = (args: string[]) =>
    execFileSync('runuser', ['-u', 'postgres', '--', ...args], { cwd: dir, stdio: 'pipe', timeout: 120_000 });
  asPostgres([`${PG_BIN}/initdb`, '-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=40`;
  const ctl = (...args: string[]) =>
    asPostgres([`${PG_BIN}/pg_ctl`, '-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', ...args]);
  ctl('start');
  execFileSync(
    'psql',
    ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-qc', 'create database cds'],
    {
      stdio: 'pipe',
    },
  );
  return {
    url: `postgres://postgres@127.0.0.1:${port}/cds`,
    restart: () => ctl('restart', '-m', 'immediate'),
    stop() {
      try {
        ctl('stop', '-m', 'immediate');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function userIds(name: string): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, name]).toString().trim());
  return { uid: id('-u'), gid: id('-g') };
}
