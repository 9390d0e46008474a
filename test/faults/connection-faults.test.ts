/**
 * A database connection killed (pg_terminate_backend) inside a load transaction: the batch fails and rolls
 * back, the run fails cleanly — the process must not die of an unhandled 'error' event of the checked-out
 * client — and the next sync loads everything. (The long suite restarts a whole private cluster.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.ts';
import { failStaleRuns } from '../../src/runs/run-log.ts';
import type { Db, Queryable } from '../../src/store/db.ts';
import { runSync } from '../../src/sync/run-sync.ts';
import { startFakeCtgov } from '../support/fake-ctgov.ts';
import { fastCtgovClient } from '../support/fake-ctgov-client.ts';
import { type FaultDb, fixtureSlice, openFaultDb, recordAudit, syncHarness } from './support/audit.ts';

const STUDIES = fixtureSlice(20, 7);

let fdb: FaultDb;
beforeAll(async () => {
  fdb = await openFaultDb();
});
afterAll(async () => fdb.drop());

/** `db`, but the first transaction that writes with COPY has its connection killed after the COPY. */
function killingFirstCopy(db: Db): Db & { killed: () => boolean } {
  let killed = false;
  return {
    engine: db.engine,
    kysely: db.kysely,
    parallelism: db.parallelism,
    query: (text, params) => db.query(text, params),
    exec: (script) => db.exec(script),
    copyFrom: (table, columns, text) => db.copyFrom(table, columns, text),
    readWith: (settings, text, params) => db.readWith(settings, text, params),
    close: () => db.close(),
    killed: () => killed,
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) =>
      db.transaction((tx) =>
        fn({
          query: (text, params) => tx.query(text, params),
          exec: (script) => tx.exec(script),
          copyFrom: async (table, columns, text) => {
            await tx.copyFrom(table, columns, text);
            if (killed) return;
            killed = true;
            const { rows } = await tx.query<{ pid: number }>('select pg_backend_pid() as pid');
            await db.query('select pg_terminate_backend($1)', [rows[0]?.pid]);
            // Let the socket's end reach the client before the transaction goes on.
            await new Promise((resolve) => setTimeout(resolve, 200));
          },
        }),
      ),
  };
}

describe('database connection faults', () => {
  it('a connection killed inside a load transaction: the run fails cleanly, the next sync loads everything', async () => {
    const expected = await fdb.reference(STUDIES);
    const api = await startFakeCtgov({ studies: STUDIES });
    const h = await syncHarness(fdb, api);
    try {
      const db = killingFirstCopy(fdb.db);
      let firstError: unknown;
      await runSync({
        db,
        config: h.config,
        logger: silentLogger,
        client: fastCtgovClient(api.url),
        mode: { kind: 'incremental', since: '2000-01-01' },
        pageSize: 8,
      }).catch((error: unknown) => {
        firstError = error;
      });
      expect(db.killed()).toBe(true);
      expect(String(firstError)).toMatch(/terminat|connection/i);
      await failStaleRuns(fdb.db, 0);
      let survived = true;
      await h.sync().catch((error: unknown) => {
        survived = false;
        throw error;
      });
      const audit = await recordAudit(fdb.db, expected, {
        case: 'Process: DB connection killed mid-transaction',
        faults: 'pg_terminate_backend on the connection of the first load batch, after its first COPY',
        survived,
      });
      expect(audit.row).toMatchObject({ survived: true, lost: 0, duplicates: 0 });
      expect(audit.counts).toEqual(expected.counts);
      const { rows } = await fdb.db.query<{ state: string }>(
        `select state from runs where kind = 'sync' order by started_at, id`,
      );
      expect(rows.map((r) => r.state)).toEqual(['failed', 'succeeded']);
    } finally {
      await h.close();
      await api.close();
    }
  });
});
