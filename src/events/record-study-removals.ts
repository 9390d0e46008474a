/**
 * The outbox writer for removals: after the loader marks studies removed (missing from a full snapshot,
 * merged into another study), in the same transaction, every study marked removed whose current version is
 * still open gets that version closed and a study.removed event. It compares states instead of taking a
 * list from the loader, so it also catches a removal made by any other path, and running it twice records
 * nothing the second time.
 */
import type { Queryable } from '../store/db.ts';
import { insertOutboxEvents, RUN_STARTED } from './record-study-changes.ts';
import type { RemovalReason } from './study-event.ts';

/** Closes the versions of studies removed by run `runId` and writes their events. Returns how many. */
export async function recordStudyRemovals(tx: Queryable, runId: string): Promise<number> {
  const { rows } = await tx.query<{
    nct_id: string;
    version: number;
    reason: RemovalReason;
    merged_into: string | null;
  }>(
    `with closed as (
       update study_versions v
       set valid_to = ${RUN_STARTED}, removed_at = ${RUN_STARTED}, removed_reason = s.removed_reason
       from studies s
       where s.removed_at is not null and v.nct_id = s.nct_id and v.valid_to is null
       returning v.nct_id, v.version, s.removed_reason as reason, s.merged_into
     )
     select * from closed order by nct_id`,
    [runId],
  );
  await insertOutboxEvents(
    tx,
    runId,
    rows.map((r) => ({
      type: 'study.removed' as const,
      nctId: r.nct_id,
      version: r.version,
      payload: { changes: [], restored: false, removal: { reason: r.reason, mergedInto: r.merged_into } },
    })),
  );
  return rows.length;
}
