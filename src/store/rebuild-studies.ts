/**
 * `cds rebuild`: re-derives every typed column, child row and search vector from the stored raw documents
 * (study_documents), so a transform fix never needs a re-download (decisions.md). Pages of documents are
 * read in nct_id order by keyset (`where nct_id > last`), never by OFFSET, so each page costs the same;
 * each page is re-projected and written in one transaction (a study is never seen half-rebuilt), on up to
 * two connections at once. The documents, content versions and run ids are left as they are.
 */
import { describeError } from '../errors.ts';
import { projectStudy } from '../transform/project-study.ts';
import type { StudyProjection } from '../transform/study-projection.ts';
import { BatchLanes } from './batch-lanes.ts';
import { applyBulkSettings, detectBulkSettings } from './bulk-settings.ts';
import type { Db } from './db.ts';
import { analyzeStudyTables, runIndexPhase, startIndexPhase } from './index-phase.ts';
import type { Projector } from './load-studies.ts';
import { writeRebuiltStudies } from './write-studies.ts';

export interface RebuildOptions {
  /** The transform (default projectStudy). */
  project?: Projector;
  /** Studies per page and transaction (default 500). */
  batchSize?: number;
  /** Pages written at once (default: at most 2 on PostgreSQL, 1 on PGlite). */
  concurrency?: number;
  /**
   * Drop the secondary indexes during the rebuild and build them once at the end (default false: search
   * keeps working, with its indexes, while the rebuild runs; true is faster but search is slow meanwhile).
   */
  rebuildIndexes?: boolean;
  onProgress?: (progress: { studies: number; batches: number; rate: number }) => void;
  signal?: AbortSignal;
  now?: () => number;
}

export interface RebuildResult {
  status: 'succeeded' | 'failed' | 'aborted';
  counts: {
    /** Documents read. */
    studies: number;
    /** Studies whose derived columns were rewritten. */
    rebuilt: number;
    /** Documents the transform rejects (they stay as they were; see errors). */
    failed: number;
    warnings: number;
    warningsByCode: Record<string, number>;
    childRows: number;
    batches: number;
  };
  errors: string[];
  indexesRebuilt: string[];
  durations: { rebuild: number; index: number; analyze: number; total: number };
}

const MAX_REPORTED_ERRORS = 100;

export async function rebuildStudies(db: Db, options: RebuildOptions = {}): Promise<RebuildResult> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const project = options.project ?? projectStudy;
  const batchSize = Math.max(1, options.batchSize ?? 500);
  const laneCount =
    db.engine === 'pglite' ? 1 : Math.max(1, options.concurrency ?? Math.min(2, db.parallelism));
  const counts: RebuildResult['counts'] = {
    studies: 0,
    rebuilt: 0,
    failed: 0,
    warnings: 0,
    warningsByCode: {},
    childRows: 0,
    batches: 0,
  };
  const errors: string[] = [];
  const dropped = options.rebuildIndexes ? await startIndexPhase(db, true) : false;
  const lanes = new BatchLanes(laneCount);
  // Every study is rewritten: the typeahead terms are rebuilt once afterwards rather than logged per study.
  const settings = { ...(await detectBulkSettings(db)), deferSearchTerms: true };

  let after = '';
  let page = 0;
  let readFailed = false;
  try {
    while (!options.signal?.aborted && !lanes.failed) {
      const documents = await selectDocumentPage(db, after, batchSize);
      const last = documents.at(-1);
      if (last === undefined) break;
      after = last.nct_id;
      const studies: StudyProjection[] = [];
      for (const { nct_id, document } of documents) {
        counts.studies++;
        const outcome = project({ json: document, source: `study_documents/${nct_id}` });
        if (!outcome.ok) {
          counts.failed++;
          if (errors.length < MAX_REPORTED_ERRORS)
            errors.push(`${nct_id}: the stored document no longer projects: ${outcome.quarantine.message}`);
          continue;
        }
        for (const warning of outcome.study.warnings)
          counts.warningsByCode[warning.code] = (counts.warningsByCode[warning.code] ?? 0) + 1;
        counts.warnings += outcome.study.warnings.length;
        studies.push(outcome.study);
      }
      await lanes.submit(page++ % laneCount, async () => {
        const childRows = await db.transaction(async (tx) => {
          await applyBulkSettings(tx, settings);
          return writeRebuiltStudies(tx, studies);
        });
        counts.rebuilt += studies.length;
        counts.childRows += childRows;
        counts.batches++;
        const seconds = (now() - started) / 1000;
        options.onProgress?.({
          studies: counts.rebuilt,
          batches: counts.batches,
          rate: seconds > 0 ? counts.rebuilt / seconds : 0,
        });
      });
    }
  } catch (error) {
    readFailed = true;
    errors.push(`Reading the stored documents failed: ${describeError(error)}`);
  }
  await lanes.drain();
  if (lanes.failed) errors.push(`A page failed and was rolled back: ${describeError(lanes.error)}`);
  const rebuilt = now();
  const indexesRebuilt = await runIndexPhase(db, dropped, {
    concurrency: laneCount,
    maintenanceWorkMem: db.engine === 'postgres' ? '512MB' : undefined,
  });
  const indexed = now();
  if (counts.rebuilt > 0) await analyzeStudyTables(db, { vacuum: indexesRebuilt.length > 0 });
  const analyzed = now();
  const status = readFailed || lanes.failed ? 'failed' : options.signal?.aborted ? 'aborted' : 'succeeded';
  return {
    status: status === 'succeeded' && counts.failed > 0 ? 'failed' : status,
    counts,
    errors,
    indexesRebuilt,
    durations: {
      rebuild: rebuilt - started,
      index: indexed - rebuilt,
      analyze: analyzed - indexed,
      total: analyzed - started,
    },
  };
}

/** One keyset page of stored documents, as JSON text (the transform parses text, as on landing). */
export async function selectDocumentPage(
  db: Db,
  after: string,
  limit: number,
): Promise<{ nct_id: string; document: string }[]> {
  const { rows } = await db.query<{ nct_id: string; document: string }>(
    `select nct_id, document::text as document from study_documents
     where nct_id > $1 order by nct_id limit $2`,
    [after, limit],
  );
  return rows;
}
