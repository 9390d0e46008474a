/** Read side of the run records, for `cds runs`, `cds quarantine`, the API and the console. */
import type { Db } from '../store/db.ts';

export interface RunSummary {
  id: string;
  kind: string;
  trigger: string;
  state: string;
  params: Record<string, unknown>;
  landing_dir: string | null;
  data_timestamp: string | null;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  counts: Record<string, unknown>;
  error: string | null;
}

export interface RunStep {
  step: string;
  attempt: number;
  state: string;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  counts: Record<string, unknown>;
  progress: Record<string, unknown> | null;
  error: string | null;
}

export interface QuarantineEntry {
  id: number;
  run_id: string;
  nct_id: string | null;
  source: string;
  path: string;
  message: string;
  raw: string;
  created_at: string;
}

const RUN_COLUMNS = `id, kind, trigger, state, params, landing_dir, data_timestamp,
  to_char(started_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as started_at,
  to_char(finished_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as finished_at,
  (extract(epoch from (coalesce(finished_at, now()) - started_at)) * 1000)::bigint as duration_ms,
  counts, error`;

/** Newest first; `before` is a run id for keyset paging. */
export async function listRuns(
  db: Db,
  options: { limit?: number; before?: string } = {},
): Promise<RunSummary[]> {
  const { rows } = await db.query<RunSummary>(
    `select ${RUN_COLUMNS} from runs where ($2::text is null or id < $2) order by id desc limit $1`,
    [Math.min(Math.max(options.limit ?? 20, 1), 500), options.before ?? null],
  );
  return rows;
}

export async function getRun(
  db: Db,
  id: string,
): Promise<
  (RunSummary & { steps: RunStep[]; warnings: { code: string; count: number }[]; quarantined: number }) | null
> {
  const { rows } = await db.query<RunSummary>(`select ${RUN_COLUMNS} from runs where id = $1`, [id]);
  const run = rows[0];
  if (!run) return null;
  const steps = await db.query<RunStep>(
    `select step, attempt, state,
       to_char(started_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as started_at,
       to_char(finished_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as finished_at,
       (extract(epoch from (coalesce(finished_at, now()) - started_at)) * 1000)::bigint as duration_ms,
       counts, progress, error
     from run_steps where run_id = $1 order by seq`,
    [id],
  );
  const warnings = await db.query<{ code: string; count: number }>(
    `select code, count(*)::int as count from run_warnings where run_id = $1 group by code order by count desc`,
    [id],
  );
  const quarantined = await db.query<{ n: number }>(
    `select count(*)::int as n from quarantine where run_id = $1`,
    [id],
  );
  return { ...run, steps: steps.rows, warnings: warnings.rows, quarantined: quarantined.rows[0]?.n ?? 0 };
}

export async function listQuarantine(
  db: Db,
  options: { runId?: string; limit?: number; afterId?: number } = {},
): Promise<QuarantineEntry[]> {
  const { rows } = await db.query<QuarantineEntry>(
    `select id, run_id, nct_id, source, path, message, raw,
       to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as created_at
     from quarantine
     where ($1::text is null or run_id = $1) and id > $3
     order by id limit $2`,
    [options.runId ?? null, Math.min(Math.max(options.limit ?? 50, 1), 1000), options.afterId ?? 0],
  );
  return rows;
}
