import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { shardPath, writeCorpus } from '../../bench/corpus/corpus-writer.ts';
import { type FixturePool, loadFixturePool } from '../../bench/corpus/fixture-pool.ts';
import { generateRecords } from '../../bench/corpus/study-generator.ts';
import { ZipWriter } from '../../bench/corpus/zip-writer.ts';

let pool: FixturePool;
let dir: string;
beforeAll(() => {
  pool = loadFixturePool();
  dir = mkdtempSync(join(tmpdir(), 'corpus-writer-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function readZip(file: string): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const entries = new Map<string, string>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            entries.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

describe('writeCorpus', () => {
  it('writes a json.zip laid out like the bulk file that yauzl reads back entry for entry', async () => {
    const out = join(dir, 'ctg-studies.json.zip');
    const result = await writeCorpus({ count: 400, seed: 42, brokenShare: 0.01, format: 'zip', out, pool });
    const entries = await readZip(out);
    const records = [...generateRecords({ count: 400, seed: 42, brokenShare: 0.01, pool })];
    expect(entries.size).toBe(400);
    expect([...entries.keys()]).toEqual(records.map((r) => shardPath(r.nctId)));
    for (const name of entries.keys()) expect(name).toMatch(/^(\d{2})\/NCT\d{6}\1\.json$/);
    expect([...entries.values()]).toEqual(records.map((r) => r.json));
    expect(result).toMatchObject({
      studies: 400,
      bytes: records.reduce((n, r) => n + Buffer.byteLength(r.json), 0),
    });
    expect(result.fileBytes).toBeLessThan(result.bytes / 2);
    expect(result.dataTimestamp).toBe('2026-10-02T09:00:04');
  });

  it('names every zip entry after its study, in the shard of the last two digits of the NCT number', () => {
    expect(shardPath('NCT02252835')).toBe('35/NCT02252835.json');
    expect(shardPath('NCT00100000')).toBe('00/NCT00100000.json');
  });

  it('writes byte-identical zip files for the same seed and options', async () => {
    const a = join(dir, 'a.json.zip');
    const b = join(dir, 'b.json.zip');
    await writeCorpus({ count: 150, seed: 9, format: 'zip', out: a, pool });
    await writeCorpus({ count: 150, seed: 9, format: 'zip', out: b, pool });
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
  });

  it('writes a ZIP64 archive (more than 65,535 entries) whose end records yauzl reads', async () => {
    const out = join(dir, 'many.zip');
    const zip = await ZipWriter.create(out, { level: 0 });
    for (let i = 0; i < 70_000; i++)
      await zip.add(`${String(i % 100).padStart(2, '0')}/e${i}.json`, Buffer.from(`{"i":${i}}`));
    expect((await zip.close()).entries).toBe(70_000);
    const first = await new Promise<{ count: number; name: string; text: string }>((resolve, reject) => {
      yauzl.open(out, { lazyEntries: true }, (error, file) => {
        if (error) return reject(error);
        file.once('entry', (entry: yauzl.Entry) => {
          file.openReadStream(entry, (streamError, stream) => {
            if (streamError) return reject(streamError);
            const chunks: Buffer[] = [];
            stream.on('data', (chunk: Buffer) => chunks.push(chunk));
            stream.on('end', () => {
              resolve({
                count: file.entryCount,
                name: entry.fileName,
                text: Buffer.concat(chunks).toString(),
              });
              file.close();
            });
          });
        });
        file.readEntry();
      });
    });
    expect(first).toEqual({ count: 70_000, name: '00/e0.json', text: '{"i":0}' });
  });

  it('writes NDJSON with one record per line, broken records included as they are', async () => {
    const out = join(dir, 'corpus.ndjson');
    await writeCorpus({ count: 300, seed: 5, brokenShare: 0.05, format: 'ndjson', out, pool });
    const lines = readFileSync(out, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toEqual(
      [...generateRecords({ count: 300, seed: 5, brokenShare: 0.05, pool })].map((r) => r.json),
    );
  });

  it('writes a directory sharded like the bulk zip', async () => {
    const out = join(dir, 'studies');
    await writeCorpus({ count: 200, seed: 5, format: 'dir', out, pool });
    const records = [...generateRecords({ count: 200, seed: 5, pool })];
    expect(readdirSync(out)).toHaveLength(100);
    for (const record of records)
      expect(readFileSync(join(out, shardPath(record.nctId)), 'utf8')).toBe(record.json);
  });
});
