/**
 * Studies that leave the registry are kept and marked, never deleted: `removed_at` with the reason
 * 'missing_from_snapshot' (a full snapshot did not contain them) or 'merged' (another study lists the id
 * among its nctIdAliases; `merged_into` names it). Loading the study again restores it (load-batch.ts).
 */
import type { Queryable } from './db.ts';

/**
 * After a complete full-snapshot run: every study not removed and not seen by the run is gone from the
 * registry. Only call this when the run read its whole input; a partial run would mark everything it did
 * not reach. Returns the number of studies marked.
 */
export async function markMissingFromSnapshot(db: Queryable, runId: string): Promise<number> {
  const result = await db.query(
    `update studies s set removed_at = now(), removed_reason = 'missing_from_snapshot'
     where s.removed_at is null
       and not exists (select 1 from run_seen r where r.run_id = $1 and r.nct_id = s.nct_id)`,
    [runId],
  );
  return result.rowCount;
}

/**
 * Marks each alias that exists as its own row as merged into its canonical study (pairs alias →
 * canonical). A row already merged into the same study is left alone. Returns the number marked.
 */
export async function markMergedAliases(
  db: Queryable,
  pairs: readonly { alias: string; canonical: string }[],
): Promise<number> {
  if (pairs.length === 0) return 0;
  const result = await db.query(
    `update studies s set removed_at = now(), removed_reason = 'merged', merged_into = m.canonical
     from unnest($1::text[], $2::text[]) as m(alias, canonical)
     where s.nct_id = m.alias and s.nct_id <> m.canonical
       and (s.removed_reason is distinct from 'merged' or s.merged_into is distinct from m.canonical)`,
    [pairs.map((p) => p.alias), pairs.map((p) => p.canonical)],
  );
  return result.rowCount;
}

/** Forgets the ids a run has seen (at the start of a run, and once it ends). */
export async function clearRunSeen(db: Queryable, runId: string): Promise<void> {
  await db.query('delete from run_seen where run_id = $1', [runId]);
}
