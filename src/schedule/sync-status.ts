/**
 * How fresh the mirror is, for the API and every console page: the source's dataTimestamp of the last
 * data loaded, the last successful sync, the sync running now, what the scheduler will do next, and the
 * credit to the source.
 */
import { getState, WATERMARK_KEY, type Watermark } from '../runs/sync-state.ts';
import type { Db } from '../store/db.ts';
import type { Scheduler, SchedulerStatus } from './scheduler.ts';

/** Shown wherever the data is shown (product decision: credit the source). */
export const SOURCE_CREDIT = Object.freeze({
  name: 'ClinicalTrials.gov',
  publisher: 'U.S. National Library of Medicine',
  url: 'https://clinicaltrials.gov/',
});

export interface SyncStatus {
  source: typeof SOURCE_CREDIT;
  /** The source's dataTimestamp (UTC, yyyy-MM-ddTHH:mm:ss) of the newest data fully loaded, or null. */
  dataTimestamp: string | null;
  lastSuccessfulSync: { runId: string; finishedAt: string; dataTimestamp: string | null } | null;
  runningSync: { runId: string; trigger: string; startedAt: string } | null;
  /** Null when this server has no scheduler. */
  scheduler: SchedulerStatus | null;
}

export async function getSyncStatus(db: Db, scheduler: Scheduler | null): Promise<SyncStatus> {
  const watermark = await getState<Watermark>(db, WATERMARK_KEY);
  const { rows } = await db.query<{
    id: string;
    state: string;
    trigger: string;
    started_at: string;
    finished_at: string | null;
    data_timestamp: string | null;
  }>(
    `(select id, state, trigger, data_timestamp,
        to_char(started_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as started_at,
        to_char(finished_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as finished_at
      from runs where kind = 'sync' and state = 'succeeded' order by finished_at desc limit 1)
     union all
     (select id, state, trigger, data_timestamp,
        to_char(started_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as started_at, null
      from runs where kind = 'sync' and state = 'running' order by started_at desc limit 1)`,
  );
  const succeeded = rows.find((r) => r.state === 'succeeded');
  const running = rows.find((r) => r.state === 'running');
  return {
    source: SOURCE_CREDIT,
    dataTimestamp: watermark?.dataTimestamp ?? null,
    lastSuccessfulSync: succeeded
      ? {
          runId: succeeded.id,
          finishedAt: succeeded.finished_at ?? '',
          dataTimestamp: succeeded.data_timestamp,
        }
      : null,
    runningSync: running
      ? { runId: running.id, trigger: running.trigger, startedAt: running.started_at }
      : null,
    scheduler: scheduler ? await scheduler.status() : null,
  };
}
