import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LandedRecord } from '../../src/landing/landed-record.ts';
import { loadStudies } from '../../src/store/load-studies.ts';
import { listForeignKeys, listSecondaryIndexes } from '../../src/store/secondary-indexes.ts';
import { createTestDb, type TestDb } from '../support/db.ts';
import { fixtureRecords, insertRun, stream, studyHashes, tableCounts } from './support/fixture-records.ts';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'support', 'load-fixtures-script.ts');

/** The fixtures, then the reader dies: what a crash of the input (or the process) looks like to the loader. */
async function* dyingAfter(records: readonly LandedRecord[], count: number): AsyncGenerator<LandedRecord> {
  for (const record of records.slice(0, count)) yield record;
  throw new Error('simulated crash of the reader');
}

describe('loadStudies after a crash', () => {
  let reference: TestDb;
  let expected: { counts: Record<string, number>; hashes: string[] };
  beforeAll(async () => {
    reference = await createTestDb();
    await insertRun(reference.db, 'ref');
    const result = await loadStudies(reference.db, stream(fixtureRecords()), { runId: 'ref', batchSize: 10 });
    expect(result.status).toBe('succeeded');
    expected = { counts: await tableCounts(reference.db), hashes: await studyHashes(reference.db) };
  });
  afterAll(async () => reference.drop());

  it('ends in the same database as an uninterrupted run when re-run after the input failed between batches', async () => {
    const t = await createTestDb();
    try {
      for (const run of ['a', 'b']) await insertRun(t.db, run);
      const crashed = await loadStudies(t.db, dyingAfter(fixtureRecords(), 95), {
        runId: 'a',
        batchSize: 10,
      });
      expect(crashed.status).toBe('failed');
      expect(crashed.errors.join()).toMatch(/simulated crash/);
      const partial = (await tableCounts(t.db)).studies!;
      expect(partial).toBeGreaterThan(0);
      expect(partial).toBeLessThan(206);

      const rerun = await loadStudies(t.db, stream(fixtureRecords()), { runId: 'b', batchSize: 10 });
      expect(rerun.status).toBe('succeeded');
      expect(rerun.counts).toMatchObject({ fetched: 206, unchanged: partial, inserted: 206 - partial });
      expect(await tableCounts(t.db)).toEqual(expected.counts);
      expect(await studyHashes(t.db)).toEqual(expected.hashes);
    } finally {
      await t.drop();
    }
  });

  it('ends in the same database as an uninterrupted run when re-run after an abort between batches', async () => {
    const t = await createTestDb();
    try {
      for (const run of ['a', 'b']) await insertRun(t.db, run);
      const controller = new AbortController();
      const aborted = await loadStudies(t.db, stream(fixtureRecords()), {
        runId: 'a',
        batchSize: 10,
        signal: controller.signal,
        onProgress: (p) => p.batches >= 4 && controller.abort(),
      });
      expect(aborted.status).toBe('aborted');
      const rerun = await loadStudies(t.db, stream(fixtureRecords()), { runId: 'b', batchSize: 10 });
      expect(rerun.counts.unchanged).toBe(aborted.counts.inserted);
      expect(await tableCounts(t.db)).toEqual(expected.counts);
      expect(await studyHashes(t.db)).toEqual(expected.hashes);
    } finally {
      await t.drop();
    }
  });

  it('ends in the same database as an uninterrupted run when re-run after kill -9 of the loading process', async () => {
    const t = await createTestDb();
    try {
      for (const run of ['killed', 'b']) await insertRun(t.db, run);
      // Its own process group, so kill -9 reaches npx, tsx and the node process running the load at once.
      const child = spawn('npx', ['tsx', SCRIPT, t.url, 'killed'], {
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child.on('exit', (_code, signal) => resolve(signal)),
      );
      // Killed after 5 committed batches, while it reads and writes the next ones.
      await new Promise<void>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (/^batch 5 /m.test(out)) resolve();
          if (/^done/m.test(out)) reject(new Error('the load finished before it could be killed'));
        });
        child.on('exit', () => reject(new Error(`the load script exited early: ${stderr}`)));
      });
      process.kill(-child.pid!, 'SIGKILL');
      expect(await exited).toBe('SIGKILL');

      const partial = (await tableCounts(t.db)).studies!;
      expect(partial).toBeGreaterThanOrEqual(50);
      expect(partial).toBeLessThan(206);
      const rerun = await loadStudies(t.db, stream(fixtureRecords()), { runId: 'b', batchSize: 10 });
      expect(rerun.status).toBe('succeeded');
      expect(rerun.counts).toMatchObject({ fetched: 206, unchanged: partial, inserted: 206 - partial });
      expect(await tableCounts(t.db)).toEqual(expected.counts);
      expect(await studyHashes(t.db)).toEqual(expected.hashes);
      // The killed initial load had dropped the secondary indexes and foreign keys; the re-run rebuilt them.
      expect((await listSecondaryIndexes(t.db)).map((i) => i.definition).sort()).toEqual(
        (await listSecondaryIndexes(reference.db)).map((i) => i.definition).sort(),
      );
      expect(await listForeignKeys(t.db)).toEqual(await listForeignKeys(reference.db));
      expect(await listForeignKeys(t.db)).toHaveLength(12);
    } finally {
      await t.drop();
    }
  });
});
