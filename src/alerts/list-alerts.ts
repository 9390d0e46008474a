/** A saved search's alerts, newest first, for the API and the console. */
import type { FieldChange } from '../domain/study-diff.ts';
import type { Queryable } from '../store/db.ts';

export interface SearchAlert {
  id: number;
  kind: 'added' | 'changed' | 'removed';
  nctId: string;
  version: number;
  occurredAt: string;
  changes: FieldChange[];
  reason: string | null;
  /** 'pending' (webhook not yet reached), 'delivered', 'failed', or 'none' (no webhook). */
  webhook: 'pending' | 'delivered' | 'failed' | 'none';
}

/** Alerts of saved search `searchId` with an id below `before` (keyset pagination), at most `limit`. */
export async function listAlerts(
  db: Queryable,
  searchId: number,
  options: { before?: number; limit?: number } = {},
): Promise<SearchAlert[]> {
  const { rows } = await db.query<{
    id: number;
    kind: SearchAlert['kind'];
    nct_id: string;
    version: number;
    occurred_at: string;
    changes: FieldChange[];
    reason: string | null;
    webhook: SearchAlert['webhook'];
  }>(
    `select id, kind, nct_id, version,
            to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as occurred_at, changes, reason,
            case when delivered_at is not null then 'delivered' when failed_at is not null then 'failed'
                 when next_attempt_at is not null then 'pending' else 'none' end as webhook
     from search_alerts where search_id = $1 and ($2::bigint is null or id < $2)
     order by id desc limit $3`,
    [searchId, options.before ?? null, options.limit ?? 100],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    kind: r.kind,
    nctId: r.nct_id,
    version: r.version,
    occurredAt: r.occurred_at,
    changes: r.changes,
    reason: r.reason,
    webhook: r.webhook,
  }));
}
