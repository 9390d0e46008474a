import { once } from 'node:events';
import { createWriteStream, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type CorpusOptions, createCorpusContext, generateRecord, nctIdFor } from './study-generator.ts';
import { ZipWriter } from './zip-writer.ts';

/**
 * Writes generated records the three ways the pipeline reads them: NDJSON (one compact study per line), a
 * directory sharded like the bulk zip, and a json.zip laid out like the real bulk file
 * (`35/NCT02252835.json`, one compact study per entry). Records stream through: nothing holds the corpus.
 */
export type CorpusFormat = 'ndjson' | 'dir' | 'zip';
export const CORPUS_FORMATS: readonly CorpusFormat[] = ['ndjson', 'dir', 'zip'];

/** `35/NCT02252835.json`: the bulk file's 100 shard directories by the last two digits of the NCT number. */
export function shardPath(nctId: string): string {
  return `${nctId.slice(-2)}/${nctId}.json`;
}

export interface RecordSink {
  add(record: { nctId: string; json: string }): Promise<void>;
  /** Closes the output; returns the size on disk in bytes. */
  close(): Promise<number>;
}

function ndjsonSink(path: string): RecordSink {
  mkdirSync(dirname(path), { recursive: true });
  const stream = createWriteStream(path);
  let pending: string[] = [];
  let pendingBytes = 0;
  const flush = async () => {
    if (pending.length === 0) return;
    const ok = stream.write(pending.join(''));
    pending = [];
    pendingBytes = 0;
    if (!ok) await once(stream, 'drain');
  };
  return {
    async add(record) {
      pending.push(`${record.json}\n`);
      pendingBytes += record.json.length + 1;
      if (pendingBytes >= 1 << 20) await flush();
    },
    async close() {
      await flush();
      stream.end();
      await once(stream, 'finish');
      return statSync(path).size;
    },
  };
}

function dirSink(path: string): RecordSink {
  rmSync(path, { recursive: true, force: true });
  for (let shard = 0; shard < 100; shard++)
    mkdirSync(join(path, String(shard).padStart(2, '0')), { recursive: true });
  let bytes = 0;
  return {
    async add(record) {
      // Synchronous on purpose: one small file per study, and the async round trip costs more than the write.
      writeFileSync(join(path, shardPath(record.nctId)), record.json);
      bytes += Buffer.byteLength(record.json);
    },
    async close() {
      return bytes;
    },
  };
}

async function zipSink(path: string, mtime: Date): Promise<RecordSink> {
  mkdirSync(dirname(path), { recursive: true });
  const zip = await ZipWriter.create(path, { mtime });
  return {
    add: (record) => zip.add(shardPath(record.nctId), Buffer.from(record.json, 'utf8')),
    close: async () => (await zip.close()).bytes,
  };
}

/** Opens an output of the given format; `mtime` is stamped on zip entries (fixed, for identical bytes). */
export async function openRecordSink(format: CorpusFormat, path: string, mtime: Date): Promise<RecordSink> {
  if (format === 'ndjson') return ndjsonSink(path);
  if (format === 'dir') return dirSink(path);
  return zipSink(path, mtime);
}

export interface WriteCorpusOptions extends CorpusOptions {
  format: CorpusFormat;
  /** The .ndjson / .zip file, or the directory for `dir`. */
  out: string;
}

export interface WriteCorpusResult {
  /** Records written (broken ones included). */
  studies: number;
  broken: number;
  /** Bytes of study JSON written (uncompressed). */
  bytes: number;
  /** Size of the output on disk (the zip's compressed size; for `dir`, the sum of the files). */
  fileBytes: number;
  file: string;
  /** The matching fake `/version` dataTimestamp of this snapshot. */
  dataTimestamp: string;
  firstNctId: string;
  lastNctId: string;
}

/** The fake `/version` dataTimestamp of a snapshot day (the API refreshes at ~09:00 UTC). */
export function dataTimestampOf(day: string): string {
  return `${day}T09:00:04`;
}

export async function writeCorpus(options: WriteCorpusOptions): Promise<WriteCorpusResult> {
  const ctx = createCorpusContext(options);
  const sink = await openRecordSink(
    options.format,
    options.out,
    new Date(`${dataTimestampOf(ctx.snapshotDate)}Z`),
  );
  let bytes = 0;
  let broken = 0;
  for (let index = 0; index < options.count; index++) {
    const record = generateRecord(ctx, index);
    if (record.broken) broken++;
    bytes += Buffer.byteLength(record.json);
    await sink.add(record);
  }
  const fileBytes = await sink.close();
  return {
    studies: options.count,
    broken,
    bytes,
    fileBytes,
    file: options.out,
    dataTimestamp: dataTimestampOf(ctx.snapshotDate),
    firstNctId: nctIdFor(ctx.seed, 0),
    lastNctId: nctIdFor(ctx.seed, Math.max(0, options.count - 1)),
  };
}
