/**
 * What the fault cases measure, in the DATABASE: every study served is stored with the content a
 * fault-free load of the same studies gives (same content hash, same child rows), or quarantined; no row is
 * stored twice; every run's counts balance (fetched = inserted + updated + unchanged + quarantined +
 * duplicates, decisions.md).
 *
 * The expectation comes from a reference database loaded directly with loadStudies from the same texts
 * (no network, no landing, no fault): the fault path must end in the same place.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Config, loadConfig } from '../../../src/config.ts';
import { silentLogger } from '../../../src/log.ts';
import type { CtgovClient } from '../../../src/source/ctgov-client.ts';
import type { DownloadMode } from '../../../src/source/download-run.ts';
import type { Db, Queryable } from '../../../src/store/db.ts';
import { loadStudies } from '../../../src/store/load-studies.ts';
import { restoreSecondaryIndexes } from '../../../src/store/secondary-indexes.ts';
import { runSync, type SyncProgress, type SyncResult } from '../../../src/sync/run-sync.ts';
import { STUDY_TABLES, studyHashes, tableCounts } from '../../store/support/fixture-records.ts';
import { createTestDb } from '../../support/db.ts';
import type { FakeCtgov } from '../../support/fake-ctgov.ts';
import { fastCtgovClient } from '../../support/fake-ctgov-client.ts';
import { loadFixtureStudies } from '../../support/fake-ctgov-data.ts';
import { type FaultRow, recordFault } from '../../support/fault-table.ts';

// biome-ignore lint/suspicious/noExplicitAny: study documents of any shape, changed field by field
export type StudyDoc = Record<string, any>;

export const nctIdOfText = (text: string): string =>
  (JSON.parse(text) as StudyDoc).protocolSection?.identificationModule?.nctId;

/**
 * A small, varied slice of the real fixtures (every `step`-th, in file order): the fault cases run the
 * whole flow many times, and 206 studies per case would not fit the fast suite's time budget.
 */
export function fixtureSlice(count: number, step = 5): string[] {
  const all = loadFixtureStudies();
  const picked: string[] = [];
  for (let i = 0; picked.length < count && i < all.length * step; i += step) {
    const text = all[i % all.length];
    if (text !== undefined && !picked.includes(text)) picked.push(text);
  }
  return picked;
}

export const parseDoc = (text: string) => JSON.parse(text) as StudyDoc;

/** A changed copy of a study text (the fixture files are never edited). */
export function variant(text: string, change: (doc: StudyDoc) => void): string {
  const doc = parseDoc(text);
  change(doc);
  return JSON.stringify(doc, null, 2);
}

export interface Expected {
  ids: string[];
  counts: Record<string, number>;
  /** `nct_id content_hash removed_reason` per study, sorted. */
  hashes: string[];
}

/** Fault-free load of `texts` straight into `db` (one run 'reference'): the expected end state. */
async function loadReference(db: Db, texts: readonly string[]): Promise<Expected> {
  await db.query(`insert into runs (id, kind, state) values ('reference', 'load', 'succeeded')`);
  async function* records() {
    for (const [i, json] of texts.entries()) yield { json, source: `reference#${i}` };
  }
  const result = await loadStudies(db, records(), { runId: 'reference' });
  if (result.status !== 'succeeded') throw new Error(`reference load failed: ${result.errors.join('; ')}`);
  return {
    ids: (await studyHashes(db)).map((line) => line.split(' ')[0] ?? ''),
    counts: await tableCounts(db),
    hashes: await studyHashes(db),
  };
}

/**
 * Empties what loads and runs write (studies and their children, runs and their steps, quarantine and
 * warnings, sync state, events), after rebuilding any secondary index a failed load left dropped. Much
 * faster than a database per case (DROP DATABASE waits for a checkpoint).
 */
export async function resetDb(db: Db): Promise<void> {
  await restoreSecondaryIndexes(db);
  await db.exec('truncate studies, runs, sync_state, run_seen, study_versions, outbox, search_terms cascade');
}

/** One database for a whole test file: reset between cases, references computed in it and cached. */
export interface FaultDb {
  db: Db;
  url: string;
  reset(): Promise<void>;
  /** The database a fault-free load of `texts` (each study once: the winning versions) ends in. */
  reference(texts: readonly string[]): Promise<Expected>;
  drop(): Promise<void>;
}

export async function openFaultDb(): Promise<FaultDb> {
  const t = await createTestDb();
  const cache = new Map<string, Expected>();
  return {
    db: t.db,
    url: t.url,
    reset: () => resetDb(t.db),
    async reference(texts) {
      const key = createHash('sha256').update(texts.join('\u0001')).digest('hex');
      const cached = cache.get(key);
      if (cached) return cached;
      await resetDb(t.db);
      const expected = await loadReference(t.db, texts);
      await resetDb(t.db);
      cache.set(key, expected);
      return expected;
    },
    drop: () => t.drop(),
  };
}

export interface Audit {
  /** Expected studies neither stored nor quarantined. */
  missing: string[];
  /** Expected studies stored with other content than the reference. */
  wrong: string[];
  /** Runs whose counts do not balance: fetched minus the buckets. */
  unaccounted: number;
  /** Rows beyond the reference, per table. */
  extraRows: Record<string, number>;
  /** Rows short of the reference, per table. */
  shortRows: Record<string, number>;
  lost: number;
  duplicates: number;
  counts: Record<string, number>;
  quarantined: string[];
}

export async function audit(db: Queryable, expected: Expected): Promise<Audit> {
  const lines = await studyHashes(db);
  const stored = new Map(lines.map((line) => [line.split(' ')[0] ?? '', line]));
  const { rows: q } = await db.query<{ nct_id: string | null }>('select nct_id from quarantine');
  const quarantined = q.map((r) => r.nct_id ?? '(no id)');
  const missing = expected.ids.filter((id) => !stored.has(id) && !quarantined.includes(id));
  const wrong = expected.hashes.filter((line) => {
    const id = line.split(' ')[0] ?? '';
    return stored.has(id) && stored.get(id) !== line;
  });
  const { rows: runs } = await db.query<{ counts: Record<string, number> }>(
    `select counts from runs where counts ? 'fetched'`,
  );
  let unaccounted = 0;
  for (const { counts: c } of runs) {
    const buckets =
      (c.inserted ?? 0) + (c.updated ?? 0) + (c.unchanged ?? 0) + (c.quarantined ?? 0) + (c.duplicates ?? 0);
    unaccounted += Math.abs((c.fetched ?? 0) - buckets);
  }
  const counts = await tableCounts(db);
  const extraRows: Record<string, number> = {};
  const shortRows: Record<string, number> = {};
  for (const table of STUDY_TABLES) {
    const diff = (counts[table] ?? 0) - (expected.counts[table] ?? 0);
    if (diff > 0) extraRows[table] = diff;
    if (diff < 0) shortRows[table] = -diff;
  }
  const { rows: dup } = await db.query<{ n: number }>(
    'select (count(*) - count(distinct nct_id))::int as n from studies',
  );
  return {
    missing,
    wrong,
    unaccounted,
    extraRows,
    shortRows,
    lost: missing.length + wrong.length + unaccounted,
    duplicates: (dup[0]?.n ?? 0) + (extraRows.studies ?? 0),
    counts,
    quarantined,
  };
}

/**
 * Records the case in the fault table and returns the audit for the test's own assertions. A case whose
 * child rows differ from the reference did not survive (a study without its sites is not lost, but wrong).
 */
export async function recordAudit(
  db: Queryable,
  expected: Expected,
  row: { case: string; faults: string; survived: boolean; quarantined?: number },
): Promise<Audit & { row: FaultRow }> {
  const result = await audit(db, expected);
  // A record that should be in quarantine and is not is lost too (one too many is a wrong quarantine).
  const quarantineShort = Math.max(0, (row.quarantined ?? 0) - result.quarantined.length);
  const quarantineExtra = Math.max(0, result.quarantined.length - (row.quarantined ?? 0));
  const childDuplicates = Object.entries(result.extraRows)
    .filter(([table]) => table !== 'studies')
    .reduce((n, [, v]) => n + v, 0);
  const recorded = recordFault({
    case: row.case,
    faults: row.faults,
    survived: row.survived && Object.keys(result.shortRows).length === 0 && quarantineExtra === 0,
    lost: result.lost + quarantineShort,
    duplicates: result.duplicates + childDuplicates,
  });
  return { ...result, row: recorded };
}

export interface SyncHarness {
  db: Db;
  dataDir: string;
  config: Config;
  sync(options?: {
    mode?: DownloadMode;
    pageSize?: number;
    client?: CtgovClient;
    signal?: AbortSignal;
    onProgress?: (progress: SyncProgress) => void;
  }): Promise<SyncResult>;
  close(): Promise<void>;
}

/** The database emptied, a fresh data directory, and runSync against the fake API with fast retries. */
export async function syncHarness(fdb: FaultDb, api: FakeCtgov): Promise<SyncHarness> {
  await fdb.reset();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cds-fault-'));
  const config = loadConfig({ CDS_DATA_DIR: dataDir, CTGOV_API_URL: api.url });
  return {
    db: fdb.db,
    dataDir,
    config,
    sync: (options = {}) =>
      runSync({
        db: fdb.db,
        config,
        logger: silentLogger,
        client: options.client ?? fastCtgovClient(api.url),
        mode: options.mode ?? { kind: 'incremental', since: '2000-01-01' },
        pageSize: options.pageSize ?? 8,
        signal: options.signal,
        onProgress: options.onProgress,
      }),
    async close() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
