import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FIRST_SYNC,
  firstVersion,
  loadRun,
  NOW_RECRUITING,
  SECOND_SYNC,
  secondVersion,
} from '../events/fixture-versions.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { runCli } from '../support/run-cli.ts';

const cds = runCli;

describe('cds history and cds asof', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
    process.env.DATABASE_URL = t.url;
    delete process.env.CDS_NATS_URL;
    // Both syncs loaded, no event delivered yet: the commands deliver them in-process first.
    await loadRun(t.db, FIRST_SYNC, firstVersion());
    await loadRun(t.db, SECOND_SYNC, secondVersion(), { snapshot: true });
  });
  afterAll(async () => t?.drop());

  it('lists the studies as of a date, saying where history starts', async () => {
    const before = await cds('asof', '2025-01-01', '--status', 'recruiting', '--condition', 'asthma');
    expect(before.code).toBe(0);
    expect(before.out).toContain('History starts at the first sync (2024-06-01T10:00:00.000000Z)');
    expect(before.out).toContain('0 studies as of 2025-01-01T23:59:59.999Z');
    const after = await cds('asof', '2025-06-01', '--status', 'RECRUITING', '--condition', 'asthma');
    expect(after.out).toContain('1 studies as of 2025-06-01T23:59:59.999Z');
    expect(after.out).toMatch(new RegExp(`${NOW_RECRUITING}\\s+2\\s+RECRUITING`));
    const json = JSON.parse(
      (await cds('asof', '2025-06-01', '--status', 'RECRUITING', '--limit', '100', '--json')).out,
    );
    expect(json.studies.map((s: { nct_id: string }) => s.nct_id)).toContain(NOW_RECRUITING);
  });

  it('shows every version of a study with what changed', async () => {
    const { code, out } = await cds('history', NOW_RECRUITING.toLowerCase());
    expect(code).toBe(0);
    expect(out).toContain('History starts at the first sync');
    expect(out).toMatch(
      /1\s+2024-06-01T10:00:00\.000000Z\s+2025-03-01T10:00:00\.000000Z\s+superseded\s+NOT_YET_RECRUITING\s+140/,
    );
    expect(out).toMatch(/2\s+2025-03-01T10:00:00\.000000Z\s+current\s+RECRUITING\s+150/);
    expect(out).toContain('status.overall: NOT_YET_RECRUITING → RECRUITING');
    expect(out).toContain('enrollment.count: 140 → 150');
  });

  it('refuses what is not an NCT id or a date, with exit code 2', async () => {
    const badId = await cds('history', 'NCT123');
    expect(badId).toMatchObject({ code: 2 });
    expect(badId.err).toContain('is not an NCT id');
    const badDate = await cds('asof', '2025-02-30');
    expect(badDate).toMatchObject({ code: 2 });
    expect(badDate.err).toContain('is not a date');
  });
});
