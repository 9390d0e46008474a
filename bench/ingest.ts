/**
 * Ingest benchmark: how fast the landed bulk zip is read back and parsed, and whether memory stays flat as the
 * file grows.
 *
 *   npx tsx bench/ingest.ts [--quick] [--studies 100000]
 *
 * Corpus: generated studies (bench/corpus, seed 42, registry-like sizes, ~0.1 % broken records) written as a
 * json.zip laid out like the real bulk file, cached under bench/.corpus/. Measured at two sizes (half and all
 * of --studies; --quick: 5,000 and 10,000), each in a fresh process so its peak RSS (sampled every 50 ms, plus
 * the kernel's maxRSS) belongs to that size alone: readLanded(zip) → JSON.parse of every record.
 * Reference column: the same zip read the straightforward way with yauzl (one openReadStream per entry,
 * JSON.parse, no landing logic). Wall-clock rates depend on other load on the
 * machine; the per-CPU-second rows do not.
 * Targets (issue "Ingest"): ≥ 5,000 studies/s, peak RSS ≤ 300 MB, and flat (the larger size within 20 %).
 */

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import yauzl from 'yauzl';
import { readLanded } from '../src/landing/read-landed.ts';
import { writeCorpus } from './corpus/corpus-writer.ts';
import { GENERATOR_VERSION } from './corpus/study-generator.ts';
import { startRssSampler } from './support/peak-rss.ts';
import { type ResultRow, reportResults } from './support/result-table.ts';

const CACHE_DIR = fileURLToPath(new URL('./.corpus/', import.meta.url));
const SEED = 42;
const MB = 1024 * 1024;

interface Measurement {
  records: number;
  parsed: number;
  unparsable: number;
  bytes: number;
  seconds: number;
  /** CPU time (user + system) of the reading process: comparable across runs on a busy machine. */
  cpuSeconds: number;
  peakRssBytes: number;
  maxRssBytes: number;
}

/**
 * The reference reader: the straightforward way to read the zip with yauzl (one openReadStream per entry,
 * collect, JSON.parse), no landing logic. The ratio shows what readLanded's reading strategy gains over it.
 */
async function* readZipRaw(zip: string): AsyncGenerator<{ json: string }> {
  const file = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(zip, { lazyEntries: true }, (error, opened) => (error ? reject(error) : resolve(opened))),
  );
  try {
    for (;;) {
      const entry = await new Promise<yauzl.Entry | undefined>((resolve, reject) => {
        file.once('entry', resolve);
        file.once('end', () => resolve(undefined));
        file.once('error', reject);
        file.readEntry();
      });
      file.removeAllListeners('entry').removeAllListeners('end').removeAllListeners('error');
      if (entry === undefined) return;
      if (entry.fileName.endsWith('/')) continue;
      const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
        file.openReadStream(entry, (error, opened) => (error ? reject(error) : resolve(opened))),
      );
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      yield { json: Buffer.concat(chunks).toString('utf8') };
    }
  } finally {
    file.close();
  }
}

/** Child side: read and parse one zip (with readLanded, or the raw reference reader), print the measurement. */
async function measure(zip: string, raw: boolean): Promise<void> {
  const sampler = startRssSampler(50);
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  let records = 0;
  let parsed = 0;
  let bytes = 0;
  for await (const record of raw ? readZipRaw(zip) : readLanded(zip)) {
    records++;
    bytes += record.json.length;
    try {
      JSON.parse(record.json);
      parsed++;
    } catch {
      // Broken records are part of the corpus on purpose; the loader quarantines them.
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const rss = sampler.stop();
  const result: Measurement = {
    records,
    parsed,
    unparsable: records - parsed,
    bytes,
    seconds,
    cpuSeconds,
    ...rss,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

async function corpusZip(studies: number): Promise<string> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const file = path.join(CACHE_DIR, `ingest-${studies}-seed${SEED}-v${GENERATOR_VERSION}.json.zip`);
  if (existsSync(file)) return file;
  const started = performance.now();
  const partial = `${file}.partial`;
  const written = await writeCorpus({ count: studies, seed: SEED, format: 'zip', out: partial });
  renameSync(partial, file);
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `generated ${file}: ${studies} studies, ${Math.round(written.bytes / studies)} B/study, ` +
      `${(written.fileBytes / MB).toFixed(0)} MiB zip, ${seconds.toFixed(1)} s (${Math.round(studies / seconds)} studies/s)\n`,
  );
  return file;
}

function measureInChild(zip: string, raw = false): Measurement {
  const args = [
    ...process.execArgv,
    fileURLToPath(import.meta.url),
    '--measure',
    zip,
    ...(raw ? ['--raw'] : []),
  ];
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 16 * MB });
  if (child.status !== 0) throw new Error(`measuring ${zip} failed:\n${child.stderr}`);
  const last = child.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as Measurement;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      studies: { type: 'string' },
      measure: { type: 'string' },
      raw: { type: 'boolean', default: false },
    },
  });
  if (values.measure !== undefined) return measure(values.measure, values.raw);
  const studies = Number(values.studies ?? (values.quick ? 10_000 : 100_000));
  if (!Number.isInteger(studies) || studies < 2) throw new Error('--studies must be an integer ≥ 2');
  const sizes = [Math.floor(studies / 2), studies];
  const results: Array<{ size: number; m: Measurement; raw: Measurement }> = [];
  for (const size of sizes) {
    const zip = await corpusZip(size);
    results.push({ size, m: measureInChild(zip), raw: measureInChild(zip, true) });
  }
  const rows: ResultRow[] = [];
  for (const { size, m, raw } of results) {
    rows.push({
      figure: `read+parse, ${size} studies`,
      ours: Math.round(m.records / m.seconds),
      unit: 'studies/s',
      reference: Math.round(raw.records / raw.seconds),
      target: { op: '>=', value: 5000 },
    });
  }
  for (const { size, m, raw } of results) {
    // Per CPU-second: what the reader costs, independent of other load on the machine (wall time is not).
    rows.push({
      figure: `read+parse per CPU-second, ${size} studies`,
      ours: Math.round(m.records / m.cpuSeconds),
      unit: 'studies/s',
      reference: Math.round(raw.records / raw.cpuSeconds),
    });
  }
  for (const { size, m } of results) {
    rows.push({
      figure: `peak RSS (sampled), ${size} studies`,
      ours: Math.round(m.peakRssBytes / MB),
      unit: 'MiB',
      target: { op: '<=', value: 300 },
    });
    rows.push({
      figure: `maxRSS (kernel), ${size} studies`,
      ours: Math.round(m.maxRssBytes / MB),
      unit: 'MiB',
      target: { op: '<=', value: 300 },
    });
  }
  const [small, large] = results;
  rows.push({
    figure: `peak RSS ${large!.size} vs ${small!.size} studies`,
    ours: Number((large!.m.peakRssBytes / small!.m.peakRssBytes).toFixed(2)),
    unit: '×',
    reference: 1,
    target: { op: '<=', value: 1.2 },
  });
  reportResults('ingest', rows, {
    quick: values.quick,
    seed: SEED,
    sizes,
    node: process.version,
    reference: 'plain yauzl: one openReadStream per entry + JSON.parse, without readLanded',
    measurements: results.map(({ size, m, raw }) => ({ size, readLanded: m, raw })),
  });
}

await main();
