/**
 * Child process for the kill -9 cases: `cds sync` (runSync, incremental since 2000-01-01, pages of 8)
 * configured from the environment like the CLI (DATABASE_URL, CDS_DATA_DIR, CTGOV_API_URL), with a pause
 * point where it prints `PAUSED <point>` and waits forever, for the parent to kill it there:
 *
 *   FAULT_PAUSE=page:<n>      prints PAUSED after page n is landed, and goes on (the parent slows the pages
 *                             down, so the kill lands while the next page is in flight)
 *   FAULT_PAUSE=inside-batch  inside the first batch transaction, after its first COPY (rows written, not committed)
 *   FAULT_PAUSE=after-batch   after the first batch committed, before the next one starts (batches serialized)
 *   FAULT_PAUSE=index:<n>     in the index phase, before the n-th CREATE INDEX (n-1 rebuilt and committed)
 *
 * Prints `PAGE <n>` per landed page, `BATCH <n>` per committed batch, and `DONE <json counts>` at the end.
 */
import { loadConfig } from '../../../src/config.ts';
import { silentLogger } from '../../../src/log.ts';
import type { Db, Queryable } from '../../../src/store/db.ts';
import { openPostgresDb } from '../../../src/store/postgres-db.ts';
import { runSync } from '../../../src/sync/run-sync.ts';
import { fastCtgovClient } from '../../support/fake-ctgov-client.ts';

const point = process.env.FAULT_PAUSE ?? 'none';
const say = (line: string) => process.stdout.write(`${line}\n`);
const hang = (what: string): Promise<never> => {
  say(`PAUSED ${what}`);
  return new Promise<never>(() => {
    setInterval(() => {}, 60_000);
  });
};

function pausing(db: Db): Db {
  let copies = 0;
  let batchesCommitted = 0;
  let indexes = 0;
  let queue: Promise<unknown> = Promise.resolve();
  const serialize = point === 'after-batch';
  const wrapTx = (tx: Queryable, usage: { copied: boolean }): Queryable => ({
    query: (text, params) => tx.query(text, params),
    exec: async (script) => {
      if (point.startsWith('index:') && /^\s*create (unique )?index/i.test(script)) {
        indexes++;
        if (indexes === Number(point.slice('index:'.length))) await hang(point);
      }
      return tx.exec(script);
    },
    copyFrom: async (table, columns, text) => {
      usage.copied = true;
      await tx.copyFrom(table, columns, text);
      copies++;
      if (point === 'inside-batch' && copies === 1) await hang(`${point} (${table})`);
    },
  });
  const run = async <T>(fn: (tx: Queryable) => Promise<T>): Promise<T> => {
    if (point === 'after-batch' && batchesCommitted >= 1) await hang(point);
    const usage = { copied: false };
    const result = await db.transaction((tx) => fn(wrapTx(tx, usage)));
    if (usage.copied) say(`BATCH ${++batchesCommitted}`);
    return result;
  };
  return {
    engine: db.engine,
    kysely: db.kysely,
    parallelism: db.parallelism,
    query: (text, params) => db.query(text, params),
    exec: (script) => db.exec(script),
    copyFrom: (table, columns, text) => db.copyFrom(table, columns, text),
    readWith: (settings, text, params) => db.readWith(settings, text, params),
    close: () => db.close(),
    transaction: <T>(fn: (tx: Queryable) => Promise<T>): Promise<T> => {
      if (!serialize) return run(fn);
      const next = queue.then(() => run(fn));
      queue = next.catch(() => {});
      return next;
    },
  };
}

const config = loadConfig(process.env);
if (!config.databaseUrl) throw new Error('DATABASE_URL is required');
const db = pausing(await openPostgresDb(config.databaseUrl, { max: 4 }));
const result = await runSync({
  db,
  config,
  logger: silentLogger,
  client: fastCtgovClient(config.apiUrl),
  mode: { kind: 'incremental', since: '2000-01-01' },
  pageSize: 8,
  onProgress: (p) => {
    if (p.step !== 'download' || p.phase !== 'page') return;
    say(`PAGE ${p.pages}`);
    if (point === `page:${p.pages}`) say(`PAUSED ${point}`);
  },
});
say(`DONE ${JSON.stringify(result.counts)}`);
await db.close();
