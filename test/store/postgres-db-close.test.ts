import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openPostgresDb } from '../../src/store/postgres-db.ts';
import { adminQuery, createTestDb, TEST_SERVER_URL } from '../support/db.ts';

/**
 * Db.close on PostgreSQL returns once every connection of its pool has ended, those whose COMMIT readWith
 * left in flight included, and whether or not Kysely ever used the pool: the server has no backend of it
 * left. A backend that outlived close() and was then terminated (DROP DATABASE … WITH (FORCE), as the
 * tests' teardown does) sent 57P01 to a client no longer listening for errors, an uncaught 'error' event.
 */
describe('Db.close on PostgreSQL', () => {
  it('returns after the server has ended every connection of the pool', async () => {
    const t = await createTestDb({ template: null });
    const admin = new pg.Client({ connectionString: TEST_SERVER_URL });
    await admin.connect();
    const backends = async () =>
      (
        await admin.query<{ n: number }>(
          'select count(*)::int as n from pg_stat_activity where datname = $1',
          [t.name],
        )
      ).rows[0]!.n;
    try {
      for (let round = 0; round < 5; round++) {
        const db = round === 0 ? t.db : await openPostgresDb(t.url, { max: 4 });
        // Every connection checked out, each read returning before its COMMIT is answered.
        const reads = await Promise.all(
          Array.from({ length: db.parallelism }, () => db.readWith<{ n: number }>({}, 'select 1 as n')),
        );
        expect(reads.map((r) => r.rows)).toEqual(reads.map(() => [{ n: 1 }]));
        if (round % 2 === 1) await db.kysely.selectNoFrom((eb) => eb.lit(1).as('n')).execute();
        expect(await backends()).toBe(db.parallelism);
        await db.close();
        expect(await backends()).toBe(0);
      }
    } finally {
      await admin.end();
      await adminQuery(`drop database if exists ${t.name} with (force)`);
    }
  });
});
