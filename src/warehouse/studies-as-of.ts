/**
 * As-of queries on the warehouse: which studies matched a filter at an instant, with the values they had
 * then (`cds asof 2025-01-01 --status RECRUITING --condition asthma`). History starts at the first sync:
 * before it the warehouse knows no study, and `historyStartsAt` says from when answers are meaningful.
 */
import { CdsError } from '../errors.ts';
import type { Queryable } from '../store/db.ts';

export interface AsOfFilter {
  /** The instant (see asOfInstant for a calendar day). */
  at: Date;
  /** Overall status values (any of them), e.g. ['RECRUITING']. */
  statuses?: readonly string[];
  /** Text contained (case-insensitive) in a listed condition, its MeSH term or a MeSH ancestor. */
  condition?: string;
  /** Rows returned (default 100); `total` counts all. */
  limit?: number;
}

export interface AsOfStudy {
  nct_id: string;
  version: number;
  brief_title: string | null;
  overall_status: string | null;
  phases: string[];
  enrollment: number | null;
  lead_sponsor: string | null;
  site_count: number;
  valid_from: string;
  valid_to: string | null;
}

export interface AsOfResult {
  at: string;
  total: number;
  studies: AsOfStudy[];
  /** The earliest valid-from in the warehouse (the first sync), or null when it is empty. */
  historyStartsAt: string | null;
}

/**
 * The instant a calendar day means: its end (UTC), so the answer includes every change synced that day.
 * Also accepts a full ISO timestamp. Throws CdsError('BAD_QUERY') for anything else.
 */
export function asOfInstant(text: string): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const start = new Date(`${text}T00:00:00.000Z`);
    if (!Number.isNaN(start.getTime()) && start.toISOString().startsWith(text))
      return new Date(start.getTime() + 86_400_000 - 1);
  } else if (/^\d{4}-\d{2}-\d{2}T/.test(text) && !Number.isNaN(Date.parse(text))) {
    return new Date(text);
  }
  throw new CdsError(
    'BAD_QUERY',
    `"${text}" is not a date: give yyyy-MM-dd (the end of that day, UTC) or an ISO timestamp.`,
  );
}

const TS = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The study versions valid at `filter.at` that match the filter, by NCT id. */
export async function studiesAsOf(db: Queryable, filter: AsOfFilter): Promise<AsOfResult> {
  const statuses = filter.statuses && filter.statuses.length > 0 ? [...filter.statuses] : null;
  const condition = filter.condition ? `%${escapeLike(filter.condition)}%` : null;
  const { rows } = await db.query<AsOfStudy & { total: string }>(
    `select d.nct_id, d.version, d.brief_title, d.overall_status, d.phases, d.enrollment, d.lead_sponsor,
            d.site_count, ${TS('d.valid_from')} as valid_from, ${TS('d.valid_to')} as valid_to,
            count(*) over () as total
     from warehouse.dim_study d
     where tstzrange(d.valid_from, d.valid_to) @> $1::timestamptz
       and ($2::text[] is null or d.overall_status = any($2::text[]))
       and ($3::text is null or exists (
         select 1 from warehouse.bridge_study_condition b
         join warehouse.dim_condition c on c.condition_key = b.condition_key
         where b.study_key = d.study_key and c.term ilike $3::text))
     order by d.nct_id
     limit $4`,
    [filter.at.toISOString(), statuses, condition, filter.limit ?? 100],
  );
  return {
    at: filter.at.toISOString(),
    total: rows[0] ? Number(rows[0].total) : 0,
    studies: rows.map(({ total: _total, ...study }) => study),
    historyStartsAt: await historyStartsAt(db),
  };
}

/** When the warehouse's history starts: the valid-from of its earliest row (the first sync). */
export async function historyStartsAt(db: Queryable): Promise<string | null> {
  const { rows } = await db.query<{ start: string | null }>(
    `select ${TS('min(valid_from)')} as start from warehouse.dim_study`,
  );
  return rows[0]?.start ?? null;
}

/** ILIKE treats % and _ as wildcards and \ as the escape: a user's text matches literally. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
