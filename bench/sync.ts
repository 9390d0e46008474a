/**
 * Incremental sync benchmark: the daily delta applied by the real `cds sync` to a mirror holding the day
 * before, checked exactly, then the same sync again (it must change nothing).
 *
 *   npx tsx bench/sync.ts --quick                  base 5,000, changed 4 % (a delta of ~225), < 2 min
 *   npx tsx bench/sync.ts [--studies 20000]        its own base of N, the daily shares below
 *   npx tsx bench/sync.ts --db <name> [--studies N]   an existing mirror, e.g. the registry-size one
 *                                                  `npm run bench -- --full` keeps (never dropped, but changed)
 *       [--changed 0.002] [--added 0.0005] [--removed 0.0002]
 *
 * - Base (untimed): N generated studies (bench/corpus, seed 42). Without --db: a fresh database loaded by
 *   the real loader (bench/support/generated-base.ts). With --db: a database loaded from the same base (seed
 *   42, N = its studies + quarantined records unless --studies says otherwise) by bench/load.ts --keep-as; its
 *   initial load's change events are delivered and typeahead terms built first (settleMirror), as the first
 *   real sync would have, so the timed sync publishes only its own events. The sync modifies the database:
 *   run it last, and only once per loaded base (a second time it refuses: the base is already a day later).
 * - Day N+1 (untimed, cached under $TMPDIR/cds-bench/): writeNextDayDelta derives it from the same base —
 *   a share changed (status, dates, enrollment, sites), new ids added, a share removed — with a manifest of
 *   the exact ids. The defaults are the weekday volume: ~1,200 changed, ~300 added, ~120 removed at 606,000.
 * - Ours (timed): runSync in incremental mode from the base's watermark — the real client (rate limit
 *   1,000/s), pages of 1,000 from the fake ClinicalTrials.gov server on loopback serving day N+1's delta
 *   (test/support/fake-ctgov.ts), landing, validate/transform/load, the typeahead refresh, change events
 *   delivered. Wall seconds of the whole sync and of each step from the run log (src/runs/). The delta is
 *   what the window returns: the base corpus clamps ~9 % of its last-update dates to the snapshot day, so
 *   the window's one day of overlap is not served (it would re-send ~9 % of the registry, not a day's worth).
 * - Checked in SQL against the manifest, exactly: the added ids inserted by this run, the changed ids (and
 *   only they) updated to the new day, one study.created/updated event each; the removed ids still present,
 *   since an incremental window cannot see removals (the weekly full sync marks them); nothing else
 *   removed. Any difference fails the benchmark (exit code 1) after writing the results.
 * - Again (timed): the same window a second time: every study comes back, is skipped by its content hash,
 *   and nothing is inserted, updated or published.
 * - Reference: the delta's projected rows, pre-encoded, COPYed in one stream into a copy of `studies` with
 *   the weighted tsvector generated (bench/support/reference-copy.ts), in the same database and run. Chosen
 *   over "download the same pages, no processing" because on loopback the download is near free and shows
 *   as its own step anyway; the COPY is the least work that gets the same rows in, so the ratio says what
 *   merging, documents, child rows, versions, events and the terms refresh cost on top.
 *
 * Target: the weekday delta (~1,500 studies) applied to the 606,000-study mirror in ≤ 5 minutes. Writes
 * bench/results/sync-<N>.json. Server: CDS_BENCH_PG_URL, else DATABASE_URL, else the local test server.
 */

import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/log.ts';
import { getRun } from '../src/runs/run-queries.ts';
import { getState, WATERMARK_KEY, type Watermark } from '../src/runs/sync-state.ts';
import type { Db } from '../src/store/db.ts';
import { migrate } from '../src/store/migrate.ts';
import { openPostgresDb } from '../src/store/postgres-db.ts';
import { runSync, type SyncResult } from '../src/sync/run-sync.ts';
import { startFakeCtgov } from '../test/support/fake-ctgov.ts';
import { type NextDayManifest, writeNextDayDelta } from './corpus/next-day.ts';
import { GENERATOR_VERSION } from './corpus/study-generator.ts';
import {
  benchDatabaseUrl,
  createBenchDatabase,
  databaseExists,
  databaseOption,
  dropBenchDatabase,
} from './support/bench-database.ts';
import { BENCH_CACHE_DIR, loadGeneratedBase, settleMirror } from './support/generated-base.ts';
import { referenceCopyText, timeReferenceCopy } from './support/reference-copy.ts';
import { formatResultTable, RESULTS_DIR, type ResultRow } from './support/result-table.ts';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string): number | undefined => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = Number(args[i + 1]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} takes a number, got "${args[i + 1]}"`);
  return value;
};
const quick = flag('--quick');
const givenDb = databaseOption(args);
const shares = {
  changed: option('--changed') ?? (quick ? 0.04 : 0.002),
  added: option('--added') ?? (quick ? 0.005 : 0.0005),
  removed: option('--removed') ?? (quick ? 0.002 : 0.0002),
};
/** Target: the weekday delta at registry size applied within this many seconds. */
const TARGET_SECONDS = 300;
const SEED = 42;
const REFERENCE_TABLE = 'bench_sync_reference';

const log = (line: string) => console.log(line);
const seconds = (ms: number | null | undefined) => Math.round((ms ?? 0) / 100) / 10;

/** Day N+1's delta and manifest for a base of `count`, derived once and cached. */
async function nextDay(count: number): Promise<{ manifest: NextDayManifest; delta: string[] }> {
  const out = path.join(
    BENCH_CACHE_DIR,
    `next-day-${count}-${SEED}-v${GENERATOR_VERSION}-${shares.changed}-${shares.added}-${shares.removed}`,
  );
  const manifestFile = path.join(out, 'manifest.json');
  let manifest: NextDayManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as NextDayManifest;
  } catch {
    log(`deriving day N+1 of ${count} studies (once; untimed)…`);
    const partial = `${out}.${process.pid}.partial`;
    const written = await writeNextDayDelta({ count, seed: SEED, ...shares, format: 'ndjson', out: partial });
    rmSync(out, { recursive: true, force: true });
    mkdirSync(path.dirname(out), { recursive: true });
    renameSync(partial, out);
    manifest = written.manifest;
  }
  const delta = readFileSync(path.join(out, 'delta.ndjson'), 'utf8')
    .split('\n')
    .filter((line) => line.length > 0);
  if (delta.length !== manifest.deltaCount)
    throw new Error(`${out}: ${delta.length} delta records, the manifest says ${manifest.deltaCount}`);
  return { manifest, delta };
}

/** Ids of `ids` present in studies and not marked removed. */
async function present(db: Db, ids: readonly string[]): Promise<Set<string>> {
  const { rows } = await db.query<{ nct_id: string }>(
    'select nct_id from studies where nct_id = any($1::text[]) and removed_at is null',
    [ids],
  );
  return new Set(rows.map((r) => r.nct_id));
}

/** The base must still be at day N: no sync has run on it (the benchmark's own sync sets the watermark). */
async function checkUnsynced(db: Db): Promise<void> {
  const watermark = await getState<Watermark>(db, WATERMARK_KEY);
  if (watermark)
    throw new Error(
      `the database has been synced already (watermark ${watermark.dataTimestamp}, run ${watermark.runId}): ` +
        'this benchmark changes the data it syncs, so it needs the base as loaded. ' +
        'Load it again (bench/load.ts --studies N --keep-as <name>).',
    );
}

/** The base must be the one day N+1 was derived from. */
async function checkBase(db: Db, manifest: NextDayManifest): Promise<void> {
  const base = await present(db, [...manifest.changed, ...manifest.removed]);
  const missing = [...manifest.changed, ...manifest.removed].filter((id) => !base.has(id));
  const added = await present(db, manifest.added);
  if (missing.length > 0 || added.size > 0)
    throw new Error(
      `the database does not hold the generated base of ${manifest.baseCount} studies (seed ${SEED}): ` +
        `${missing.length} of the studies day N+1 changes or removes are missing (${missing.slice(0, 3).join(', ')}), ` +
        `${added.size} of the ids it adds exist already. Pass --studies with the count it was loaded from.`,
    );
}

interface SyncMeasure {
  result: SyncResult;
  seconds: number;
  steps: Record<string, number>;
}

async function measuredSync(
  db: Db,
  config: ReturnType<typeof loadConfig>,
  watermark: string,
): Promise<SyncMeasure> {
  const started = performance.now();
  const result = await runSync({
    db,
    config,
    logger: silentLogger,
    trigger: 'bench',
    mode: { kind: 'incremental', watermark },
  });
  const wall = (performance.now() - started) / 1000;
  const run = await getRun(db, result.runId);
  const steps: Record<string, number> = {};
  for (const step of run?.steps ?? []) steps[step.step] = (steps[step.step] ?? 0) + seconds(step.duration_ms);
  return { result, seconds: wall, steps };
}

/** Every difference between the database after the first sync and the manifest; [] when exact. */
async function checkOutcome(
  db: Db,
  manifest: NextDayManifest,
  sync: SyncResult,
  removedBefore: number,
): Promise<string[]> {
  const problems: string[] = [];
  const runId = sync.runId;
  const newDay = manifest.dataTimestamp.slice(0, 10);
  const sameIds = (what: string, got: readonly string[], want: readonly string[]) => {
    const wanted = new Set(want);
    const extra = got.filter((id) => !wanted.has(id));
    const gotSet = new Set(got);
    const lacking = want.filter((id) => !gotSet.has(id));
    if (extra.length + lacking.length > 0)
      problems.push(
        `${what}: ${got.length} in the database, ${want.length} in the manifest ` +
          `(not in the manifest: ${extra.slice(0, 5).join(', ') || '—'}; missing: ${lacking.slice(0, 5).join(', ') || '—'})`,
      );
  };
  const inserted = await db.query<{ nct_id: string }>('select nct_id from studies where first_run_id = $1', [
    runId,
  ]);
  sameIds(
    'inserted by the run',
    inserted.rows.map((r) => r.nct_id),
    manifest.added,
  );
  const updated = await db.query<{ nct_id: string }>(
    'select nct_id from studies where last_run_id = $1 and first_run_id is distinct from $1',
    [runId],
  );
  sameIds(
    'updated by the run',
    updated.rows.map((r) => r.nct_id),
    manifest.changed,
  );
  const delta = [...manifest.changed, ...manifest.added];
  const { rows: current } = await db.query<{ n: number }>(
    `select count(*)::int as n from studies
     where nct_id = any($1::text[]) and last_update_post_date = $2::date and removed_at is null`,
    [delta, newDay],
  );
  if (current[0]!.n !== delta.length)
    problems.push(`${current[0]!.n} of the ${delta.length} delta studies show the new day ${newDay}`);
  const { rows: versions } = await db.query<{ n: number }>(
    'select count(*)::int as n from studies where nct_id = any($1::text[]) and version < 2',
    [manifest.changed],
  );
  if (versions[0]!.n > 0) problems.push(`${versions[0]!.n} changed studies kept version 1`);
  const { rows: events } = await db.query<{ type: string; n: number }>(
    'select type, count(*)::int as n from outbox where run_id = $1 group by type',
    [runId],
  );
  const byType = Object.fromEntries(events.map((e) => [e.type, e.n]));
  if ((byType['study.created'] ?? 0) !== manifest.added.length)
    problems.push(`${byType['study.created'] ?? 0} study.created events, ${manifest.added.length} added`);
  if ((byType['study.updated'] ?? 0) !== manifest.changed.length)
    problems.push(`${byType['study.updated'] ?? 0} study.updated events, ${manifest.changed.length} changed`);
  if ((byType['study.removed'] ?? 0) !== 0) problems.push(`${byType['study.removed']} study.removed events`);
  const stillThere = await present(db, manifest.removed);
  if (stillThere.size !== manifest.removed.length)
    problems.push(
      `${manifest.removed.length - stillThere.size} of the ${manifest.removed.length} removed studies were marked ` +
        'removed by an incremental sync, which cannot see removals',
    );
  const { rows: removedNow } = await db.query<{ n: number }>(
    'select count(*)::int as n from studies where removed_at is not null',
  );
  if (removedNow[0]!.n !== removedBefore)
    problems.push(`studies marked removed went from ${removedBefore} to ${removedNow[0]!.n}`);
  const c = sync.counts;
  const expected = {
    fetched: delta.length,
    inserted: manifest.added.length,
    updated: manifest.changed.length,
    unchanged: 0,
    quarantined: 0,
  };
  for (const [name, value] of Object.entries(expected))
    if (c[name] !== value) problems.push(`run count ${name} = ${c[name]}, expected ${value}`);
  return problems;
}

async function main(): Promise<void> {
  const load0 = loadavg()[0]!;
  const ownName = `cds_bench_sync_${process.pid}`;
  const dbName = givenDb ?? ownName;
  if (givenDb !== undefined && !(await databaseExists(givenDb)))
    throw new Error(`--db ${givenDb}: no such database`);
  const url = givenDb === undefined ? await createBenchDatabase(ownName) : benchDatabaseUrl(givenDb);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cds-bench-sync-'));
  const db = await openPostgresDb(url, { max: 4 });
  let problems: string[] = [];
  try {
    await migrate(db);
    let count: number;
    let base: Record<string, unknown>;
    if (givenDb === undefined) {
      count = option('--studies') ?? (quick ? 5_000 : 20_000);
      log(`loading the base: ${count} generated studies with the real loader (untimed)…`);
      const loaded = await loadGeneratedBase(db, count);
      base = { loadedBy: 'loadGeneratedBase', ...loaded, seconds: round1(loaded.seconds) };
      log(`  ${loaded.studies} studies, ${loaded.quarantined} quarantined, ${loaded.seconds.toFixed(1)} s`);
    } else {
      await checkUnsynced(db);
      const { rows } = await db.query<{ studies: number; quarantined: number }>(
        `select (select count(*)::int from studies) as studies, (select count(*)::int from quarantine) as quarantined`,
      );
      count = option('--studies') ?? rows[0]!.studies + rows[0]!.quarantined;
      log(`settling ${givenDb} (${count} records): initial change events and typeahead terms (untimed)…`);
      const settled = await settleMirror(db);
      base = { database: givenDb, ...rows[0]!, settle: { ...settled, seconds: round1(settled.seconds) } };
      log(
        `  ${settled.published} events delivered (${settled.warehouse} applied to the warehouse), ` +
          `terms ${settled.termsRefreshed ? 'built' : 'already built'}, ${settled.seconds.toFixed(1)} s`,
      );
    }
    const { manifest, delta } = await nextDay(count);
    await checkBase(db, manifest);
    log(
      `day N+1 (${manifest.dataTimestamp}): ${manifest.changed.length} changed, ${manifest.added.length} added, ` +
        `${manifest.removed.length} removed; the window returns ${manifest.deltaCount}`,
    );

    const api = await startFakeCtgov({ studies: delta, dataTimestamp: manifest.dataTimestamp });
    const config = loadConfig(
      {},
      { databaseUrl: url, dataDir, apiUrl: api.url, apiRatePerSecond: 1000, apiAttempts: 3 },
    );
    let first: SyncMeasure;
    let again: SyncMeasure;
    try {
      const { rows } = await db.query<{ n: number }>(
        'select count(*)::int as n from studies where removed_at is not null',
      );
      const removedBefore = rows[0]!.n;
      log('sync (timed)…');
      first = await measuredSync(db, config, manifest.baseDataTimestamp);
      problems = await checkOutcome(db, manifest, first.result, removedBefore);
      log('the same sync again (timed)…');
      again = await measuredSync(db, config, manifest.baseDataTimestamp);
      const c = again.result.counts;
      if (c.inserted !== 0 || c.updated !== 0 || c.fetched !== manifest.deltaCount)
        problems.push(
          `the second sync fetched ${c.fetched}, inserted ${c.inserted}, updated ${c.updated} (expected ${manifest.deltaCount}, 0, 0)`,
        );
      const { rows: events } = await db.query<{ n: number }>(
        'select count(*)::int as n from outbox where run_id = $1',
        [again.result.runId],
      );
      if (events[0]!.n !== 0) problems.push(`the second sync wrote ${events[0]!.n} change events`);
    } finally {
      await api.close();
    }

    log('reference: plain COPY of the delta rows (timed)…');
    const copy = referenceCopyText(delta.map((json, i) => ({ json, source: `delta.ndjson#${i + 1}` })));
    const reference = await timeReferenceCopy(url, REFERENCE_TABLE, copy.text);

    const { rows: totals } = await db.query<{ n: number }>('select count(*)::int as n from studies');
    const deltaCount = manifest.deltaCount;
    const oursRate = deltaCount / first.seconds;
    const refRate = reference.rows / reference.seconds;
    const rows: ResultRow[] = [
      {
        figure: `sync: daily delta of ${deltaCount} studies into ${count.toLocaleString('en-US')}, wall time`,
        ours: round1(first.seconds),
        unit: 's',
        target: { op: '<=', value: TARGET_SECONDS },
      },
      {
        figure: 'sync: delta studies/s vs plain COPY of the delta rows',
        ours: oursRate < 100 ? round1(oursRate) : Math.round(oursRate),
        unit: 'studies/s',
        reference: Math.round(refRate),
      },
      { figure: 'sync: same window again (nothing changes)', ours: round1(again.seconds), unit: 's' },
      {
        figure: 'sync: studies off the manifest',
        ours: problems.length,
        unit: 'problems',
        target: { op: '<=', value: 0 },
      },
    ];
    const report = {
      studies: count,
      studiesAfter: totals[0]!.n,
      database: givenDb ?? null,
      shares,
      base,
      delta: {
        count: deltaCount,
        changed: manifest.changed.length,
        added: manifest.added.length,
        removed: manifest.removed.length,
        dataTimestamp: manifest.dataTimestamp,
      },
      sync: {
        runId: first.result.runId,
        seconds: round1(first.seconds),
        studiesPerSecond: round1(oursRate),
        steps: first.steps,
        counts: first.result.counts,
      },
      again: {
        runId: again.result.runId,
        seconds: round1(again.seconds),
        steps: again.steps,
        counts: again.result.counts,
      },
      reference: { rows: reference.rows, seconds: reference.seconds, rowsPerSecond: Math.round(refRate) },
      ratio: Number((oursRate / refRate).toFixed(3)),
      problems,
      rows,
      loadAverage: { before: Number(load0.toFixed(2)), after: Number(loadavg()[0]!.toFixed(2)) },
      at: new Date().toISOString(),
    };
    const stepText = (steps: Record<string, number>) =>
      Object.entries(steps)
        .map(([name, s]) => `${name} ${s} s`)
        .join(', ');
    log(
      [
        `sync: ${report.sync.seconds} s for ${deltaCount} studies (${report.sync.studiesPerSecond}/s): ${stepText(first.steps)}`,
        `again: ${report.again.seconds} s (${again.result.counts.unchanged} unchanged): ${stepText(again.steps)}`,
        `reference (plain COPY of the delta rows, 1 stream): ${report.reference.rowsPerSecond} rows/s ` +
          `(${reference.seconds.toFixed(2)} s)`,
        `load average ${report.loadAverage.before} → ${report.loadAverage.after}`,
        '',
        formatResultTable('sync', rows),
      ].join('\n'),
    );
    mkdirSync(RESULTS_DIR, { recursive: true });
    const out = path.join(RESULTS_DIR, `sync-${count}.json`);
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
    log(`written ${out}`);
  } finally {
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (givenDb === undefined) await dropBenchDatabase(dbName);
  }
  if (problems.length > 0) {
    console.error(`\nTHE SYNC DID NOT MATCH THE MANIFEST:\n- ${problems.join('\n- ')}`);
    process.exit(1);
  }
}

const round1 = (n: number) => Math.round(n * 10) / 10;

await main();
