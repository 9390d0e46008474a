/**
 * One study's history from the warehouse (`cds history NCT…`): every version it had since the first sync,
 * with the period it was current, its tracked attributes and the field-level changes that made it.
 */
import type { FieldChange } from '../domain/study-diff.ts';
import type { Queryable } from '../store/db.ts';
import { historyStartsAt } from './studies-as-of.ts';

export interface StudyHistoryRow {
  version: number;
  valid_from: string;
  valid_to: string | null;
  is_current: boolean;
  /** Why the row ended: 'superseded', 'missing_from_snapshot' or 'merged'; null while current. */
  closed_reason: string | null;
  restored: boolean;
  overall_status: string | null;
  phases: string[];
  enrollment: number | null;
  start_date: string | null;
  primary_completion_date: string | null;
  completion_date: string | null;
  lead_sponsor: string | null;
  site_count: number;
  has_results: boolean;
  changes: FieldChange[];
}

export interface StudyHistory {
  nctId: string;
  rows: StudyHistoryRow[];
  historyStartsAt: string | null;
}

const TS = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export async function studyHistory(db: Queryable, nctId: string): Promise<StudyHistory> {
  const { rows } = await db.query<StudyHistoryRow>(
    `select version, ${TS('valid_from')} as valid_from, ${TS('valid_to')} as valid_to, is_current,
            closed_reason, restored, overall_status, phases, enrollment, start_date::text as start_date,
            primary_completion_date::text as primary_completion_date, completion_date::text as completion_date,
            lead_sponsor, site_count, has_results, changes
     from warehouse.dim_study where nct_id = $1 order by valid_from, study_key`,
    [nctId],
  );
  return { nctId, rows, historyStartsAt: await historyStartsAt(db) };
}
