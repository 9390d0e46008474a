import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ENROLLMENT_CHANGED,
  FIRST_SYNC,
  firstVersion,
  loadRun,
  NOW_RECRUITING,
  SECOND_SYNC,
  STOPPED_RECRUITING,
  secondVersion,
} from '../events/fixture-versions.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { runCli } from '../support/run-cli.ts';

const cds = runCli;

describe('cds searches and cds events consume', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
    process.env.DATABASE_URL = t.url;
    process.env.CDS_LOG_LEVEL = 'warn';
    delete process.env.CDS_NATS_URL;
    await loadRun(t.db, FIRST_SYNC, firstVersion());
    expect((await cds('events', 'consume')).code).toBe(0);
  });
  afterAll(async () => t?.drop());

  it('saves a search and lists it with the studies it matches now', async () => {
    const saved = await cds('searches', 'save', 'recruiting', '{"status":["RECRUITING"]}');
    expect(saved).toMatchObject({ code: 0, out: 'saved search 1 "recruiting": 52 studies match now\n' });
    expect((await cds('searches', 'list')).out).toMatch(
      /1\s+recruiting\s+52\s+\{"status":\["RECRUITING"\]\}/,
    );
  });

  it('shows the alerts of the next sync once the consumers ran', async () => {
    await loadRun(t.db, SECOND_SYNC, secondVersion(), { snapshot: true });
    expect((await cds('events', 'consume')).code).toBe(0);
    const { code, out } = await cds('searches', 'alerts', 'recruiting');
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`added\\s+${NOW_RECRUITING}\\s+2\\s+status.overall`));
    expect(out).toMatch(new RegExp(`changed\\s+${ENROLLMENT_CHANGED}\\s+2\\s+enrollment.count\\s+none`));
    expect(out).toMatch(new RegExp(`removed\\s+${STOPPED_RECRUITING}\\s+2\\s+no_longer_matches`));
    const warehouse = await t.db.query<{ n: number }>('select count(*)::int as n from warehouse.dim_study');
    expect(warehouse.rows[0]!.n).toBe(210);
  });

  it('refuses a query that is not JSON and an unknown search, with their exit codes', async () => {
    const bad = await cds('searches', 'save', 'x', '{status');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('The query is not JSON');
    const unknown = await cds('searches', 'alerts', 'nope');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('No saved search "nope"');
  });
});
