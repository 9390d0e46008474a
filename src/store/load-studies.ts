/**
 * The bulk loader: landed records in, a consistent mirror out.
 *
 * Records stream through: each is projected (transform), put into the batch of its lane (NCT number modulo
 * the lane count), and every full batch is written in one transaction on the lane's connection
 * (load-batch.ts). Memory holds at most two batches per lane, whatever the input size. Afterwards, for a
 * complete run: aliases are marked merged, a full snapshot marks the studies it did not contain as removed,
 * the secondary indexes are rebuilt if the load dropped them (initial load), and the touched tables analyzed.
 *
 * Counting (decisions.md): fetched = inserted + updated + unchanged + quarantined + duplicates, over the
 * batches that committed. An aborted or failed run reports what it committed; re-running it skips those
 * studies as unchanged and ends in the same database as an uninterrupted run.
 */
import { describeError } from '../errors.ts';
import { recordStudyRemovals } from '../events/record-study-removals.ts';
import type { LandedRecord } from '../landing/landed-record.ts';
import { projectStudy } from '../transform/project-study.ts';
import type { ProjectionOutcome } from '../transform/study-projection.ts';
import { BatchBuilder } from './batch-builder.ts';
import { BatchLanes } from './batch-lanes.ts';
import { detectBulkSettings } from './bulk-settings.ts';
import type { Db } from './db.ts';
import { analyzeStudyTables, runIndexPhase, shouldAnalyze, startIndexPhase } from './index-phase.ts';
import { loadBatch } from './load-batch.ts';
import { clearRunSeen, markMergedAliases, markMissingFromSnapshot } from './mark-removed.ts';

/** The transform: one landed record to a projection or a quarantined record (never throws on bad input). */
export type Projector = (record: LandedRecord) => ProjectionOutcome;

export interface LoadProgress {
  /** Records in committed batches. */
  studies: number;
  batches: number;
  /** Records per second since the load started. */
  rate: number;
}

export interface LoadOptions {
  /** The run this load belongs to; its `runs` row must exist (quarantine and warnings reference it). */
  runId: string;
  /** The transform (default projectStudy; tests pass their own). */
  project?: Projector;
  /** Records per batch and transaction (default 500: ~8 MB of documents, ~0.3 s of work). */
  batchSize?: number;
  /**
   * Batches written at once, each on its own connection (default: the pool's parallelism, at most 2 on
   * PostgreSQL — the loader process itself needs a core for parsing and projecting; always 1 on PGlite).
   */
  concurrency?: number;
  /**
   * The input is the whole registry: after a complete run, every stored study the run did not see is
   * marked removed ('missing_from_snapshot'). Never set it for an incremental window.
   */
  snapshot?: boolean;
  /**
   * Drop the secondary indexes (GIN, GiST, btree; not primary keys) before loading and rebuild them after (default: only when `studies` is
   * empty, or a crashed load left them dropped). Worth it when a large share of the table changes.
   */
  rebuildIndexes?: boolean;
  /** Field warnings kept in run_warnings per run (default 1,000); all are counted. */
  maxStoredWarnings?: number;
  /** maintenance_work_mem per index build on PostgreSQL (default '512MB'; two builds run at once). */
  indexBuildMemory?: string;
  onProgress?: (progress: LoadProgress) => void;
  /** Stops reading; batches already running commit, the rest of the input is not loaded. */
  signal?: AbortSignal;
  /** Milliseconds clock for durations and rates (default performance.now). */
  now?: () => number;
}

export interface LoadCounts {
  fetched: number;
  inserted: number;
  updated: number;
  unchanged: number;
  quarantined: number;
  duplicates: number;
  /** Marked 'missing_from_snapshot' by this run. */
  removed: number;
  /** Marked 'merged' into another study by this run. */
  merged: number;
  /** Of `updated`: removed studies that came back. */
  restored: number;
  warnings: number;
  warningsByCode: Record<string, number>;
  batches: number;
  childRows: number;
}

export interface LoadResult {
  /** 'aborted': the signal fired; 'failed': a batch or the input failed (see errors). */
  status: 'succeeded' | 'failed' | 'aborted';
  counts: LoadCounts;
  errors: string[];
  /** Indexes dropped and rebuilt by the index phase ([] when the load kept them). */
  indexesRebuilt: string[];
  /** Milliseconds per phase: reading+writing batches, marking, index rebuild, ANALYZE, total. */
  durations: { load: number; mark: number; index: number; analyze: number; total: number };
}

const DEFAULT_BATCH_SIZE = 500;
const DEFAULT_STORED_WARNINGS = 1000;

export async function loadStudies(
  db: Db,
  records: AsyncIterable<LandedRecord>,
  options: LoadOptions,
): Promise<LoadResult> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const { runId, signal } = options;
  const project = options.project ?? projectStudy;
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
  const laneCount =
    db.engine === 'pglite' ? 1 : Math.max(1, options.concurrency ?? Math.min(2, db.parallelism));
  const maxStoredWarnings = options.maxStoredWarnings ?? DEFAULT_STORED_WARNINGS;
  const counts = emptyCounts();
  const errors: string[] = [];

  await clearRunSeen(db, runId);
  const dropped = await startIndexPhase(db, options.rebuildIndexes ?? false);
  const settings = { ...(await detectBulkSettings(db)), deferSearchTerms: dropped };

  const lanes = new BatchLanes(laneCount);
  const builders = Array.from({ length: laneCount }, () => new BatchBuilder());
  // alias → canonical id: aliases are rare (a few thousand in the registry), so a map is bounded.
  const aliases = new Map<string, string>();
  let storedWarnings = 0;
  const keepWarning = () => storedWarnings++ < maxStoredWarnings;

  const submit = (lane: number) => {
    const { batch, records: size, duplicates } = builders[lane]!.take();
    return lanes.submit(lane, async () => {
      const result = await db.transaction((tx) => loadBatch(tx, runId, batch, settings));
      counts.fetched += size;
      counts.inserted += result.inserted;
      counts.updated += result.updated;
      counts.unchanged += result.unchanged;
      counts.quarantined += result.quarantined;
      counts.restored += result.restored;
      counts.duplicates += duplicates + result.duplicates;
      counts.childRows += result.childRows;
      counts.batches++;
      const seconds = (now() - started) / 1000;
      options.onProgress?.({
        studies: counts.fetched,
        batches: counts.batches,
        rate: seconds > 0 ? counts.fetched / seconds : 0,
      });
    });
  };

  let inputFailed = false;
  try {
    for await (const record of records) {
      if (signal?.aborted || lanes.failed) break;
      const outcome = projectSafely(project, record);
      if (outcome.ok) {
        for (const warning of outcome.study.warnings)
          counts.warningsByCode[warning.code] = (counts.warningsByCode[warning.code] ?? 0) + 1;
        counts.warnings += outcome.study.warnings.length;
        for (const alias of outcome.study.row.nct_id_aliases) aliases.set(alias, outcome.study.nctId);
      }
      const lane = laneOf(outcome.ok ? outcome.study.nctId : outcome.quarantine.nctId, laneCount);
      const builder = builders[lane]!;
      builder.add(outcome, record.json, keepWarning);
      if (builder.size >= batchSize) await submit(lane);
    }
    if (!signal?.aborted && !lanes.failed)
      for (let lane = 0; lane < laneCount; lane++) if (builders[lane]!.size > 0) await submit(lane);
  } catch (error) {
    inputFailed = true;
    errors.push(`Reading the input failed: ${describeError(error)}`);
  }
  await lanes.drain();
  if (lanes.failed) errors.push(`A batch failed and was rolled back: ${describeError(lanes.error)}`);
  const status = inputFailed || lanes.failed ? 'failed' : signal?.aborted ? 'aborted' : 'succeeded';
  const loaded = now();

  try {
    if (status === 'succeeded') {
      // Each marking commits with its study.removed events (the outbox is written in the same transaction).
      counts.merged = await db.transaction(async (tx) => {
        const merged = await markMergedAliases(
          tx,
          [...aliases].map(([alias, canonical]) => ({ alias, canonical })),
        );
        await recordStudyRemovals(tx, runId);
        return merged;
      });
      if (options.snapshot)
        counts.removed = await db.transaction(async (tx) => {
          const removed = await markMissingFromSnapshot(tx, runId);
          await recordStudyRemovals(tx, runId);
          return removed;
        });
    }
    await clearRunSeen(db, runId);
  } catch (error) {
    errors.push(`Marking removed and merged studies failed: ${describeError(error)}`);
  }
  const marked = now();

  // Always rebuild what this load dropped, even after a failure: search must not stay without indexes.
  // A build that fails stays pending in sync_state and the next load builds it (secondary-indexes.ts).
  let indexesRebuilt: string[] = [];
  try {
    indexesRebuilt = await runIndexPhase(db, dropped, {
      concurrency: laneCount,
      maintenanceWorkMem: db.engine === 'postgres' ? (options.indexBuildMemory ?? '512MB') : undefined,
    });
  } catch (error) {
    errors.push(`Rebuilding the dropped indexes failed (the next load retries): ${describeError(error)}`);
  }
  const indexed = now();
  const touched = counts.inserted + counts.updated + counts.duplicates + counts.removed + counts.merged;
  try {
    if (await shouldAnalyze(db, touched, indexesRebuilt.length))
      await analyzeStudyTables(db, { vacuum: indexesRebuilt.length > 0 });
  } catch (error) {
    errors.push(`ANALYZE failed: ${describeError(error)}`);
  }
  const analyzed = now();

  return {
    status: errors.length > 0 && status === 'succeeded' ? 'failed' : status,
    counts,
    errors,
    indexesRebuilt,
    durations: {
      load: loaded - started,
      mark: marked - loaded,
      index: indexed - marked,
      analyze: analyzed - indexed,
      total: analyzed - started,
    },
  };
}

function emptyCounts(): LoadCounts {
  return {
    fetched: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    quarantined: 0,
    duplicates: 0,
    removed: 0,
    merged: 0,
    restored: 0,
    warnings: 0,
    warningsByCode: {},
    batches: 0,
    childRows: 0,
  };
}

/** A study's lane: its NCT number modulo the lane count; records without a readable id go to lane 0. */
export function laneOf(nctId: string | null, laneCount: number): number {
  if (laneCount === 1 || nctId === null || !/^NCT\d{8}$/.test(nctId)) return 0;
  return Number(nctId.slice(3)) % laneCount;
}

/**
 * A record the reader could not read whole (`error`, e.g. a zip entry that does not inflate) is
 * quarantined as is. A transform that throws is a bug, but one record must not stop the registry: the
 * record is quarantined with the error, and the quarantine count makes it visible.
 */
function projectSafely(project: Projector, record: LandedRecord): ProjectionOutcome {
  const readError = (record as { error?: unknown }).error;
  if (typeof readError === 'string')
    return {
      ok: false,
      quarantine: {
        // A zip entry is named after its study (`35/NCT02252835.json`): keep the id, so a full snapshot
        // counts the study as seen and does not mark it removed from the registry.
        nctId: /(NCT\d{8})\.json$/.exec(record.source)?.[1] ?? null,
        path: '',
        message: readError,
        json: record.json,
        source: record.source,
      },
    };
  try {
    return project(record);
  } catch (error) {
    return {
      ok: false,
      quarantine: {
        nctId: null,
        path: '',
        message: `The transform failed on this record: ${describeError(error)}`,
        json: record.json,
        source: record.source,
      },
    };
  }
}
