import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, setLocalScript } from '../../src/store/db.ts';
import { openPgliteDb } from '../../src/store/pglite-db.ts';
import { createTestDb, type TestDb } from '../support/db.ts';

/** Db.readWith on both engines: the settings hold for the statement alone, and a failure loses nothing. */
const engines: [string, () => Promise<{ db: Db; close: () => Promise<void> }>][] = [
  [
    'postgres',
    async () => {
      const t: TestDb = await createTestDb({ template: null });
      return { db: t.db, close: () => t.drop() };
    },
  ],
  [
    'pglite',
    async () => {
      const db = await openPgliteDb('memory://');
      return { db, close: () => db.close() };
    },
  ],
];

describe.each(engines)('Db.readWith on %s', (_engine, open) => {
  let db: Db;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await open());
  });
  afterAll(async () => close());

  const setting = async (name: string) =>
    (await db.query<{ v: string }>('select current_setting($1) as v', [name])).rows[0]?.v;

  it('runs the statement under its settings, with its parameters, and leaves the connection as it was', async () => {
    const before = await setting('work_mem');
    const { rows } = await db.readWith<{ work_mem: string; seqscan: string; echo: string }>(
      { work_mem: '17MB', enable_seqscan: 'off' },
      `select current_setting('work_mem') as work_mem, current_setting('enable_seqscan') as seqscan,
        $1::text as echo`,
      ["x'; drop table t; --"],
    );
    expect(rows).toEqual([{ work_mem: '17MB', seqscan: 'off', echo: "x'; drop table t; --" }]);
    // Every pooled connection is back to its defaults (SET LOCAL ends with the transaction).
    const after = await Promise.all(Array.from({ length: db.parallelism * 2 }, () => setting('work_mem')));
    expect(new Set(after)).toEqual(new Set([before]));
  });

  it('fails with the statement, under its statement_timeout, and the connections stay usable', async () => {
    // PGlite runs single-threaded in WebAssembly, with no timer to cancel a statement: no timeout there.
    if (db.engine === 'postgres')
      await expect(db.readWith({ statement_timeout: '50' }, 'select pg_sleep(2)')).rejects.toThrow(
        /timeout/i,
      );
    await expect(db.readWith({}, 'select * from no_such_table')).rejects.toThrow(/no_such_table/);
    const counts = await Promise.all(
      Array.from({ length: db.parallelism * 2 }, () => db.readWith<{ n: number }>({}, 'select 1 as n')),
    );
    expect(counts.map((c) => c.rows)).toEqual(counts.map(() => [{ n: 1 }]));
  });

  it('takes settings from code only: a name or value that could carry SQL is refused before sending', () => {
    expect(() => setLocalScript({ work_mem: "1MB'; drop table studies; --" })).toThrow(/Invalid setting/);
    expect(() => setLocalScript({ 'work_mem = 1; drop': '1MB' })).toThrow(/Invalid setting/);
    expect(setLocalScript({ jit: 'off', work_mem: '32MB' })).toBe(
      "set local jit = 'off'; set local work_mem = '32MB'",
    );
  });
});
