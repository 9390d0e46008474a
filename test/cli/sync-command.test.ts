import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../support/db.ts';
import { type FakeCtgov, startFakeCtgov } from '../support/fake-ctgov.ts';
import { runCli } from '../support/run-cli.ts';

/** `cds sync`, `cds load`, `cds rebuild`, `cds runs` and `cds quarantine` on a real PostgreSQL database. */
describe('cds sync and cds load', () => {
  let api: FakeCtgov;
  let t: TestDb;
  let dataDir: string;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    api = await startFakeCtgov();
    t = await createTestDb();
    dataDir = await mkdtemp(path.join(tmpdir(), 'cds-sync-cli-'));
    Object.assign(process.env, {
      DATABASE_URL: t.url,
      CTGOV_API_URL: api.url,
      CDS_DATA_DIR: dataDir,
      CTGOV_RATE_PER_SEC: '1000',
      CTGOV_ATTEMPTS: '3',
    });
  });
  afterAll(async () => {
    process.env = { ...savedEnv };
    await api.close();
    await t.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const cds = (args: string[]) => runCli(...args);

  const countOf = (out: string, name: string) =>
    Number(new RegExp(`^${name}\\s+(\\d+)$`, 'm').exec(out)?.[1]);

  it('syncs the fixture registry: 206 studies inserted, the watermark set, the run recorded with its steps', async () => {
    const result = await cds(['sync', '--since', '2000-01-01']);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(countOf(result.out, 'fetched')).toBe(206);
    expect(countOf(result.out, 'inserted')).toBe(206);
    const { rows } = await t.db.query<{ n: number }>('select count(*)::int as n from studies');
    expect(rows[0]!.n).toBe(206);
    const watermark = await t.db.query<{ value: { dataTimestamp: string } }>(
      `select value from sync_state where key = 'watermark'`,
    );
    expect(watermark.rows[0]!.value.dataTimestamp).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const runs = await cds(['runs', '--json']);
    const [run] = JSON.parse(runs.out) as { id: string; kind: string; state: string }[];
    expect(run).toMatchObject({ kind: 'sync', state: 'succeeded' });
    const detail = JSON.parse((await cds(['runs', run!.id, '--json'])).out) as {
      steps: { step: string; state: string }[];
    };
    expect(detail.steps.map((s) => [s.step, s.state])).toEqual([
      ['download', 'succeeded'],
      ['load', 'succeeded'],
      ['index', 'succeeded'],
      ['publish', 'succeeded'],
    ]);
    const events = await t.db.query<{ n: number }>(
      `select count(*)::int as n from outbox where type = 'study.created'`,
    );
    expect(events.rows[0]!.n).toBe(206);
    const warehouse = await t.db.query<{ n: number }>(
      'select count(*)::int as n from warehouse.dim_study where is_current',
    );
    expect(warehouse.rows[0]!.n).toBe(206);
    const terms = await t.db.query<{ n: number }>('select count(*)::int as n from search_terms');
    expect(terms.rows[0]!.n).toBeGreaterThan(0);
  });

  it('loads the fixture files offline afterwards and finds all 206 unchanged', async () => {
    const result = await cds(['load', 'test/fixtures/ctgov/studies']);
    expect(result.code).toBe(0);
    expect(countOf(result.out, 'unchanged')).toBe(206);
    expect(countOf(result.out, 'inserted')).toBe(0);
    expect(countOf(result.out, 'updated')).toBe(0);
  });

  it('quarantines a broken record from an NDJSON file and lists it', async () => {
    const file = path.join(dataDir, 'broken.ndjson');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(file, '{"protocolSection":{"identificationModule":{"nctId":"NCT0000BAD"}}}\n{not json\n');
    const result = await cds(['load', file]);
    expect(result.code).toBe(0);
    expect(countOf(result.out, 'fetched')).toBe(2);
    expect(countOf(result.out, 'quarantined')).toBe(2);
    const listed = JSON.parse((await cds(['quarantine', '--json'])).out) as {
      source: string;
      message: string;
    }[];
    expect(listed).toHaveLength(2);
    expect(listed.map((q) => q.source)).toEqual(['broken.ndjson:1', 'broken.ndjson:2']);
  });

  it('rebuilds every study from the stored documents without changing their versions', async () => {
    const result = await cds(['rebuild']);
    expect(result.code).toBe(0);
    expect(countOf(result.out, 'rebuilt')).toBe(206);
    const { rows } = await t.db.query<{ n: number }>(
      'select count(*)::int as n from studies where version <> 1',
    );
    expect(rows[0]!.n).toBe(0);
  });

  it('fails with a clear message and exit code 2 for a path that does not exist', async () => {
    const result = await cds(['load', 'no/such/file.zip']);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/Cannot read no\/such\/file\.zip/);
  });
});
