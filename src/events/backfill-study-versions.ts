/**
 * Gives every stored study without a recorded version its first version and a study.created event, from
 * its stored document. For a mirror loaded before versions existed (or restored from a dump without them):
 * without it, an unchanged study would never reach the warehouse. History of such studies starts at the
 * backfill run. Safe to run again: studies that have a version are left alone.
 */
import type { Db } from '../store/db.ts';
import { projectStudy } from '../transform/project-study.ts';
import { recordStudyChanges } from './record-study-changes.ts';

export interface BackfillResult {
  /** Studies that got a first version. */
  created: number;
  /** Stored documents whose projection no longer has the stored content hash (re-load them). */
  skipped: number;
}

/** Backfills in batches of `batchSize` (default 500) as run `runId` (its runs row must exist). */
export async function backfillStudyVersions(
  db: Db,
  runId: string,
  options: { batchSize?: number; signal?: AbortSignal } = {},
): Promise<BackfillResult> {
  const batchSize = Math.max(1, options.batchSize ?? 500);
  const result: BackfillResult = { created: 0, skipped: 0 };
  let after = '';
  while (!options.signal?.aborted) {
    const rows = await db.transaction(async (tx) => {
      const { rows } = await tx.query<{ nct_id: string; document: string }>(
        `select s.nct_id, d.document::text as document
         from studies s join study_documents d on d.nct_id = s.nct_id
         where s.nct_id > $1 and s.removed_at is null
           and not exists (select 1 from study_versions v where v.nct_id = s.nct_id)
         order by s.nct_id limit $2`,
        [after, batchSize],
      );
      const projections = rows.flatMap((row) => {
        const outcome = projectStudy({ json: row.document, source: `study_documents/${row.nct_id}` });
        return outcome.ok ? [outcome.study] : [];
      });
      const recorded = await recordStudyChanges(tx, runId, projections);
      result.created += recorded.created;
      result.skipped += rows.length - recorded.created;
      return rows;
    });
    if (rows.length === 0) break;
    after = rows[rows.length - 1]!.nct_id;
  }
  return result;
}
