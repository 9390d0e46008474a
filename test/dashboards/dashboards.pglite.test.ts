import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARDS } from '../../src/dashboards/dashboards.ts';
import type { Db } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';
import { openPgliteDb } from '../../src/store/pglite-db.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { deliverFixtureSyncs } from '../warehouse/deliver-fixture-syncs.ts';

describe('dashboards on the embedded engine (PGlite)', () => {
  let pglite: Db;
  let t: TestDb;
  beforeAll(async () => {
    pglite = await openPgliteDb('memory://');
    await migrate(pglite);
    t = await createTestDb();
    await Promise.all([deliverFixtureSyncs(pglite), deliverFixtureSyncs(t.db)]);
  });
  afterAll(async () => {
    await pglite?.close();
    await t?.drop();
  });

  it('answers every dashboard with the same rows as PostgreSQL', async () => {
    for (const dashboard of DASHBOARDS) {
      const [embedded, server] = await Promise.all([dashboard.run(pglite), dashboard.run(t.db)]);
      expect(server.length, dashboard.id).toBeGreaterThan(0);
      expect(embedded, dashboard.id).toEqual(server);
    }
  });
});
