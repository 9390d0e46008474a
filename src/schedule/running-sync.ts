import { failStaleRuns } from '../runs/run-log.ts';
import type { Db } from '../store/db.ts';

/**
 * The sync run writing right now, if any. Runs of a stopped process (stale heartbeat) are failed first,
 * so a crash never blocks "run now" until someone cleans up by hand.
 */
export async function findRunningSync(db: Db): Promise<string | null> {
  await failStaleRuns(db);
  const { rows } = await db.query<{ id: string }>(
    `select id from runs where state = 'running' and kind = 'sync' order by started_at desc limit 1`,
  );
  return rows[0]?.id ?? null;
}
