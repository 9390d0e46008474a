/**
 * The API with the console's routes over a database holding both fixture syncs (the second derived from
 * the first: changed statuses, dates and enrollment, one study removed), with no event delivered yet:
 * warehouse-backed routes must catch up before they read.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/api/build-app.ts';
import { registerConsole } from '../../../src/api/register-console.ts';
import { silentLogger } from '../../../src/log.ts';
import {
  FIRST_SYNC,
  firstVersion,
  loadRun,
  SECOND_SYNC,
  secondVersion,
} from '../../events/fixture-versions.ts';
import { createTestDb, type TestDb } from '../../support/db.ts';

export interface TwoSyncsApi {
  t: TestDb;
  app: FastifyInstance;
  /** GET `url` by injection: the status and the JSON body. */
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies of several shapes, asserted field by field
  get(url: string): Promise<{ status: number; body: Record<string, any> }>;
  close(): Promise<void>;
}

export async function startTwoSyncsApi(): Promise<TwoSyncsApi> {
  const t = await createTestDb();
  await loadRun(t.db, FIRST_SYNC, firstVersion());
  await loadRun(t.db, SECOND_SYNC, secondVersion(), { snapshot: true });
  const app = await buildApp({ db: t.db, config: { searchTimeoutMs: 5000 }, logger: silentLogger });
  await registerConsole(app, {
    db: t.db,
    config: { host: '127.0.0.1' },
    logger: silentLogger,
    scheduler: null,
  });
  return {
    t,
    app,
    async get(url) {
      const response = await app.inject({ method: 'GET', url });
      return { status: response.statusCode, body: response.json() };
    },
    async close() {
      await app.close();
      await t.drop();
    },
  };
}
