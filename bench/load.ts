/**
 * Load benchmark: our loader end to end against plain COPY, on a fresh database each.
 *
 *   npx tsx bench/load.ts [--quick] [--studies 100000] [--batch-size 500] [--concurrency 2] [--keep]
 *                         [--keep-as <database>]
 *
 * - Corpus: N generated studies (bench/corpus, seed 42, with its ~0.1% broken records) written once as
 *   NDJSON under $TMPDIR/cds-bench-load/ and reused by later runs. Preparing it (generating, and projecting
 *   each study once for the reference's and the floor's COPY files) runs in a child process, untimed, so
 *   this process's peak RSS is the loader's.
 * - Ours (timed): readLanded(ndjson) → projectStudy → loadStudies on an empty, migrated database: batches,
 *   two lanes, the index phase (secondary indexes dropped before, built after) and ANALYZE.
 * - Reference (timed): the same projected rows, pre-encoded in COPY text, COPYed by two parallel streams
 *   (one COPY per stream) into a copy of `studies` whose search_vector is a GENERATED column computing
 *   the same weighted tsvector; no other index. This is the "plain COPY with the weighted tsvector" of
 *   docs/postgres-search.md (~1,600 rows/s here). It does not write documents or child rows; ours does.
 * - Floor (timed): plain COPY of every row ours stores (support/floor-copy.ts): the studies' rows with all
 *   their vectors generated, the documents and the child rows, already encoded, into the migrated tables
 *   without the indexes and keys a bulk load drops. None of the loader's own work (parsing, validation,
 *   hashing, merge, versions, events) and no index phase. A loader stores those rows too, and does its own
 *   work on the same cores: the floor against the target says whether the target can be met at all.
 *
 * The loader runs under the Node flags of the `cds` command (bin/cds.js: its heap sizes), re-executing this
 * script with them when it was started without.
 *
 * Prints rows/s of all three, the ratio (target ≥ 0.6), the floor against the target and ours against the
 * floor, the index phase, the CPU each spent per study (the whole machine's, from /proc/stat, and of it our
 * loader process's or the reference's and the floor's server processes') and peak RSS (target ≤ 1 GiB), and
 * writes them to bench/results/load-<N>.json. Server: CDS_BENCH_PG_URL, else DATABASE_URL, else the local
 * test server. --keep-as keeps our loaded database under that name (replacing one of that name), for the
 * benchmarks that run on a registry-size mirror (search --db, sync, api).
 */

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { readLanded } from '../src/landing/read-landed.ts';
import { copyLine } from '../src/store/copy-text.ts';
import { laneOf, loadStudies } from '../src/store/load-studies.ts';
import { migrate } from '../src/store/migrate.ts';
import { openPostgresDb } from '../src/store/postgres-db.ts';
import { dropSecondaryIndexes } from '../src/store/secondary-indexes.ts';
import { stagedRow } from '../src/store/write-studies.ts';
import { projectStudy } from '../src/transform/project-study.ts';
import { writeCorpus } from './corpus/corpus-writer.ts';
import { GENERATOR_VERSION } from './corpus/study-generator.ts';
import { cliNodeFlags } from './support/cli-node-flags.ts';
import {
  copyFloorTables,
  FLOOR_STUDIES,
  FLOOR_TABLES,
  FLOOR_VECTORS,
  floorLines,
  floorStudiesTableSql,
} from './support/floor-copy.ts';
import { REFERENCE_COLUMNS, referenceTableSql } from './support/reference-copy.ts';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback;
};
const studies = flag('--quick') ? 5_000 : option('--studies', 100_000);
const batchSize = option('--batch-size', 500);
const concurrency = option('--concurrency', 2);
const keepAsIndex = args.indexOf('--keep-as');
const keepAs = keepAsIndex >= 0 ? args[keepAsIndex + 1] : undefined;
if (keepAs !== undefined && !/^[a-z_][a-z0-9_]*$/.test(keepAs))
  throw new Error('--keep-as takes a database name');
const STREAMS = 2;
const serverUrl =
  process.env.CDS_BENCH_PG_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const cacheDir = path.join(tmpdir(), 'cds-bench-load');
const corpusFile = path.join(cacheDir, `corpus-${studies}-v${GENERATOR_VERSION}.ndjson`);
/** The reference's columns, in its files' names: files staged with other columns are prepared again. */
const referenceFormat = createHash('sha256')
  .update(REFERENCE_COLUMNS.join(','))
  .update(JSON.stringify(FLOOR_TABLES))
  .digest('hex')
  .slice(0, 8);
const refFile = (stream: number) =>
  path.join(cacheDir, `reference-${studies}-v${GENERATOR_VERSION}-${referenceFormat}-${stream}.copy`);
/** The floor's COPY file of `table` for `stream` (floor-copy.ts). */
const floorFile = (stream: number, table: string) =>
  path.join(cacheDir, `floor-${studies}-v${GENERATOR_VERSION}-${referenceFormat}-${stream}-${table}.copy`);
const readyFile = path.join(cacheDir, `ready-${studies}-v${GENERATOR_VERSION}-${referenceFormat}`);

/**
 * Child process: writes the corpus, the reference's COPY files (one per stream, split like our lanes) and
 * the floor's (one per stream and table).
 */
async function prepare(): Promise<void> {
  mkdirSync(cacheDir, { recursive: true });
  const written = await writeCorpus({ count: studies, format: 'ndjson', out: corpusFile });
  const refs = Array.from({ length: STREAMS }, (_, i) => createWriteStream(refFile(i)));
  const floors = Array.from(
    { length: STREAMS },
    (_, i) => new Map(FLOOR_TABLES.map(({ table }) => [table, createWriteStream(floorFile(i, table))])),
  );
  const write = async (out: NodeJS.WritableStream, text: string) => {
    if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  };
  let rows = 0;
  for await (const record of readLanded(corpusFile)) {
    const outcome = projectStudy(record);
    if (!outcome.ok) continue;
    const { study } = outcome;
    const stream = laneOf(study.nctId, STREAMS);
    await write(refs[stream]!, copyLine(stagedRow(study), REFERENCE_COLUMNS));
    for (const [table, text] of floorLines(study, record.json))
      await write(floors[stream]!.get(table)!, text);
    rows++;
  }
  const outs = [...refs, ...floors.flatMap((files) => [...files.values()])];
  await Promise.all(outs.map((out) => new Promise<void>((resolve) => out.end(() => resolve()))));
  writeFileSync(readyFile, JSON.stringify({ studies: written.studies, broken: written.broken, rows }));
}

async function main(): Promise<void> {
  if (!existsSync(readyFile)) {
    console.log(`preparing ${studies} generated studies in ${cacheDir} (once; untimed)…`);
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), '--prepare', '--studies', String(studies)],
      { stdio: 'inherit' },
    );
    if (child.status !== 0) throw new Error('preparing the corpus failed');
  }
  const load0 = loadavg()[0]!;

  // Ours, end to end, on a fresh database.
  const ours = await withDatabase('ours', async (url) => {
    const db = await openPostgresDb(url, { max: 4 });
    try {
      await migrate(db);
      await db.query(`insert into runs (id, kind, state) values ('bench', 'load', 'succeeded')`);
      let last = 0;
      const cpu0 = process.cpuUsage();
      const machine0 = machineBusySeconds();
      const result = await loadStudies(db, readLanded(corpusFile), {
        runId: 'bench',
        batchSize,
        concurrency,
        onProgress: (p) => {
          if (p.studies - last >= 10_000) {
            last = p.studies;
            console.log(`  ours: ${p.studies} studies, ${Math.round(p.rate)}/s`);
          }
        },
      });
      if (result.status !== 'succeeded')
        throw new Error(`load ${result.status}: ${result.errors.join('; ')}`);
      const cpu = process.cpuUsage(cpu0);
      const nodeCpu = (cpu.user + cpu.system) / 1e6;
      return { ...result, nodeCpu, machineCpu: machineBusySeconds() - machine0 };
    } finally {
      await db.close();
    }
  });
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;

  // Reference: plain COPY with the weighted tsvector as a generated column, two parallel streams.
  const reference = await withDatabase('reference', async (url) => {
    const db = await openPostgresDb(url, { max: STREAMS + 1 });
    try {
      await migrate(db);
      await db.exec(referenceTableSql('ref_studies'));
    } finally {
      await db.close();
    }
    const timed = await timeStreams(url, (client, stream) =>
      pipeline(
        createReadStream(refFile(stream)),
        client.query(copyFrom(`copy ref_studies (${REFERENCE_COLUMNS.join(', ')}) from stdin`)),
      ),
    );
    const { n } = await queryOne<{ n: number }>(url, 'select count(*)::int as n from ref_studies');
    return { rows: n, ...timed };
  });

  // Floor: plain COPY of every row #3 stores (studies with all their vectors, documents, child rows).
  const floor = await withDatabase('floor', async (url) => {
    const db = await openPostgresDb(url, { max: STREAMS + 1 });
    try {
      await migrate(db);
      await dropSecondaryIndexes(db);
      await db.exec(floorStudiesTableSql());
    } finally {
      await db.close();
    }
    const timed = await timeStreams(url, (client, stream) =>
      copyFloorTables(client, (table) => floorFile(stream, table)),
    );
    const { n, children } = await queryOne<{ n: number; children: number }>(
      url,
      `select (select count(*)::int from ${FLOOR_STUDIES}) as n,
              ${FLOOR_TABLES.slice(2)
                .map(({ table }) => `(select count(*)::int from ${table})`)
                .join(' + ')} as children`,
    );
    return { rows: n, childRows: children, ...timed };
  });

  const c = ours.counts;
  const s = (ms: number) => ms / 1000;
  const oursLoadRate = c.fetched / s(ours.durations.load);
  const oursTotalRate = c.fetched / s(ours.durations.total);
  const refRate = reference.rows / reference.seconds;
  const floorRate = floor.rows / floor.seconds;
  if (floor.rows !== reference.rows || floor.childRows !== c.childRows)
    throw new Error(
      `the floor stored ${floor.rows} studies and ${floor.childRows} child rows, ` +
        `the reference ${reference.rows} studies, ours ${c.childRows} child rows`,
    );
  const report = {
    studies,
    batchSize,
    concurrency,
    ours: {
      fetched: c.fetched,
      inserted: c.inserted,
      quarantined: c.quarantined,
      childRows: c.childRows,
      loadSeconds: s(ours.durations.load),
      indexSeconds: s(ours.durations.index),
      analyzeSeconds: s(ours.durations.analyze),
      totalSeconds: s(ours.durations.total),
      rowsPerSecondLoadPhase: Math.round(oursLoadRate),
      rowsPerSecondWithIndexPhase: Math.round(oursTotalRate),
      indexesRebuilt: ours.indexesRebuilt.length,
    },
    reference: {
      rows: reference.rows,
      seconds: reference.seconds,
      rowsPerSecond: Math.round(refRate),
      cpuMsPerStudy: Number(((reference.serverCpu * 1000) / reference.rows).toFixed(2)),
      machineCpuMsPerStudy: Number(((reference.machineCpu * 1000) / reference.rows).toFixed(2)),
    },
    floor: {
      rows: floor.rows,
      childRows: floor.childRows,
      seconds: floor.seconds,
      rowsPerSecond: Math.round(floorRate),
      cpuMsPerStudy: Number(((floor.serverCpu * 1000) / floor.rows).toFixed(2)),
      machineCpuMsPerStudy: Number(((floor.machineCpu * 1000) / floor.rows).toFixed(2)),
      /** The floor's rate over the target's (0.6 of the reference's): below 1, no loader can reach it. */
      ofTarget: Number((floorRate / (0.6 * refRate)).toFixed(2)),
      oursLoadPhaseOfFloor: Number((oursLoadRate / floorRate).toFixed(2)),
    },
    oursCpuMsPerStudy: {
      loader: Number(((ours.nodeCpu * 1000) / c.fetched).toFixed(2)),
      machine: Number(((ours.machineCpu * 1000) / c.fetched).toFixed(2)),
    },
    ratioLoadPhase: Number((oursLoadRate / refRate).toFixed(2)),
    ratioWithIndexPhase: Number((oursTotalRate / refRate).toFixed(2)),
    cpuRatio: 0,
    peakRssMiB: Math.round(peakRssMiB),
    nodeFlags: process.execArgv.filter((f) => f.startsWith('--max')),
    loadAverage: { before: Number(load0.toFixed(2)), after: Number(loadavg()[0]!.toFixed(2)) },
    cores: (await import('node:os')).cpus().length,
    at: new Date().toISOString(),
  };
  report.cpuRatio = Number(
    (report.reference.machineCpuMsPerStudy / report.oursCpuMsPerStudy.machine).toFixed(2),
  );
  console.log(
    [
      `studies: ${studies} (${c.quarantined} broken records quarantined), batch ${batchSize}, ${concurrency} lanes`,
      `ours (read → project → load): ${report.ours.rowsPerSecondLoadPhase} rows/s load phase (${report.ours.loadSeconds.toFixed(1)} s), ` +
        `${report.ours.rowsPerSecondWithIndexPhase} rows/s with index phase ${report.ours.indexSeconds.toFixed(1)} s (${report.ours.indexesRebuilt} indexes) ` +
        `and ANALYZE ${report.ours.analyzeSeconds.toFixed(1)} s`,
      `reference (plain COPY, generated weighted tsvector, ${STREAMS} streams): ${report.reference.rowsPerSecond} rows/s (${reference.seconds.toFixed(1)} s)`,
      `floor (plain COPY of every row the loader stores: studies with their ${FLOOR_VECTORS.length} vectors, documents, ` +
        `${report.floor.childRows} child rows; ${STREAMS} streams, no index phase): ${report.floor.rowsPerSecond} rows/s ` +
        `(${floor.seconds.toFixed(1)} s), CPU a study ${report.floor.machineCpuMsPerStudy} ms whole machine ` +
        `(${report.floor.cpuMsPerStudy} ms in its two server processes)`,
      `the target, 0.6 × reference: ${Math.round(0.6 * refRate)} rows/s; the floor is ${report.floor.ofTarget} of it, ` +
        `ours ${report.floor.oursLoadPhaseOfFloor} of the floor (load phase)`,
      `CPU per study, whole machine (/proc/stat): ours ${report.oursCpuMsPerStudy.machine} ms (load, index phase, ANALYZE; ` +
        `${report.oursCpuMsPerStudy.loader} ms of it the loader process), reference ${report.reference.machineCpuMsPerStudy} ms ` +
        `(${report.reference.cpuMsPerStudy} ms in its two server processes); CPU-bound ratio ≈ ${report.cpuRatio}`,
      `ratio: ${report.ratioLoadPhase} load phase, ${report.ratioWithIndexPhase} including the index phase (target ≥ 0.6)`,
      `peak RSS: ${report.peakRssMiB} MiB (target ≤ 1024; node ${report.nodeFlags.join(' ')})   load average ${report.loadAverage.before} → ${report.loadAverage.after} on ${report.cores} cores`,
    ].join('\n'),
  );
  const results = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(results, { recursive: true });
  writeFileSync(path.join(results, `load-${studies}.json`), `${JSON.stringify(report, null, 2)}\n`);
}

/**
 * CPU seconds the whole machine has spent busy (user, nice, system, irq, softirq, steal; not idle or iowait)
 * since boot, from /proc/stat. Around a phase it counts everything the phase makes the machine do: the
 * loader, its server processes, and the server's own background work (WAL writer, checkpointer,
 * autovacuum of the new rows), which a per-connection count misses or catches only if still running.
 */
function machineBusySeconds(): number {
  const fields = readFileSync('/proc/stat', 'utf8')
    .split('\n', 1)[0]!
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const [user, nice, system, , , irq, softirq, steal] = fields as number[];
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / 100;
}

/**
 * Runs `copy` on STREAMS new connections to `url` at once (the stream's number, as our lanes split the
 * studies) and times them: wall seconds, the whole machine's busy CPU, and the CPU of the streams' server
 * processes (user + system from /proc, read before each connection closes; the bench runs on the database
 * host). With other work on the machine, wall-clock rates swing; CPU per study does not, so the comparison
 * reports both.
 */
async function timeStreams(
  url: string,
  copy: (client: pg.Client, stream: number) => Promise<void>,
): Promise<{ seconds: number; machineCpu: number; serverCpu: number }> {
  const started = performance.now();
  const machine0 = machineBusySeconds();
  const cpus = await Promise.all(
    Array.from({ length: STREAMS }, async (_, stream) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await copy(client, stream);
        const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
        return processCpuSeconds(rows[0]!.pid);
      } finally {
        await client.end();
      }
    }),
  );
  return {
    seconds: (performance.now() - started) / 1000,
    machineCpu: machineBusySeconds() - machine0,
    serverCpu: cpus.reduce((a, b) => a + b, 0),
  };
}

/** CPU seconds (user + system) process `pid` of this host has used so far; 0 if it is not here. */
function processCpuSeconds(pid: number): number {
  const ticks = 100; // USER_HZ on Linux
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticks;
  } catch {
    return 0; // Not on this host, or the process is gone: not counted.
  }
}

/** The one row `sql` returns, on a connection of its own to `url`. */
async function queryOne<R>(url: string, sql: string): Promise<R> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(sql);
    return rows[0] as R;
  } finally {
    await client.end();
  }
}

/** Runs `fn` on a new database on the bench server, dropped afterwards unless --keep. */
async function withDatabase<T>(label: string, fn: (url: string) => Promise<T>): Promise<T> {
  const kept = label === 'ours' ? keepAs : undefined;
  const name = kept ?? `cds_bench_load_${label}_${process.pid}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  if (kept !== undefined) await admin(`drop database if exists ${name} with (force)`);
  await admin(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  try {
    return await fn(url.toString());
  } finally {
    if (!flag('--keep') && kept === undefined) await admin(`drop database if exists ${name} with (force)`);
  }
}

/**
 * Runs this benchmark again under the `cds` command's Node flags (its heap cap) unless it already runs
 * under them: the loader's peak RSS depends on them. Returns the child's exit status, or null when this
 * process has them and should measure.
 */
function underCliFlags(): number | null {
  const flags = cliNodeFlags();
  if (flags.every((f) => process.execArgv.includes(f))) return null;
  const child = spawnSync(
    process.execPath,
    [...flags, '--import', 'tsx', fileURLToPath(import.meta.url), ...args],
    { stdio: 'inherit' },
  );
  return child.status ?? 1;
}

if (flag('--prepare')) await prepare();
else {
  const status = underCliFlags();
  if (status === null) await main();
  else process.exitCode = status;
}
