/**
 * Run records: every run (sync, load, download, rebuild, reconcile) and every step of it, with state,
 * timings, counts, live progress and errors, in the `runs` and `run_steps` tables. A process that dies
 * leaves its run 'running' with a stale heartbeat; `failStaleRuns` marks such runs failed so the next run
 * can continue from the persisted position.
 */
import { CdsError, describeError } from '../errors.ts';
import { newRunId } from '../landing/run-id.ts';
import type { Db } from '../store/db.ts';

export type RunKind = 'sync' | 'load' | 'download' | 'rebuild' | 'reconcile';
export type StepName = 'download' | 'validate' | 'transform' | 'load' | 'index' | 'publish';
export type Counts = Record<string, number>;

/** How often a running step refreshes its heartbeat; a run silent for 5 of these is considered dead. */
export const HEARTBEAT_MS = 10_000;
export const STALE_AFTER_MS = 5 * HEARTBEAT_MS;

export interface StartRunOptions {
  kind: RunKind;
  trigger?: string;
  params?: Record<string, unknown>;
  landingDir?: string;
  id?: string;
}

export interface RunLog {
  readonly id: string;
  /** Runs `fn` as step `name`, recording start, end, counts and error (rethrown). */
  step<T extends { counts?: Counts }>(
    name: StepName,
    fn: (progress: (p: Record<string, unknown>) => void) => Promise<T>,
  ): Promise<T>;
  setLanding(landingDir: string, dataTimestamp?: string): Promise<void>;
  /** Merges `counts` into the run's counts (numbers are replaced, not added). */
  addCounts(counts: Counts): Promise<void>;
  succeed(): Promise<void>;
  fail(error: unknown): Promise<void>;
}

export async function startRun(db: Db, options: StartRunOptions): Promise<RunLog> {
  const id = options.id ?? newRunId(new Date());
  if (options.kind !== 'download') await failStaleRuns(db);
  try {
    await db.query(`insert into runs (id, kind, trigger, params, landing_dir) values ($1, $2, $3, $4, $5)`, [
      id,
      options.kind,
      options.trigger ?? 'cli',
      JSON.stringify(options.params ?? {}),
      options.landingDir ?? null,
    ]);
  } catch (error) {
    if ((error as { code?: string }).code !== '23505') throw error;
    const { rows } = await db.query<{ id: string; kind: string; started_at: string; age_s: number }>(
      `select id, kind, started_at::text, extract(epoch from now() - heartbeat_at)::int as age_s
       from runs where state = 'running' and kind <> 'download' limit 1`,
    );
    const other = rows[0];
    throw new CdsError(
      'LOCKED',
      `Another run is writing to this database: ${other ? `run ${other.id} (${other.kind}, started ${other.started_at}, last heartbeat ${other.age_s} s ago)` : 'a run'}. ` +
        `Wait for it to finish; a run whose process died is marked failed ${STALE_AFTER_MS / 1000} s after its last heartbeat.`,
      { context: { runId: other?.id }, cause: error },
    );
  }
  let lastBeat = 0;
  const beat = async (stepName: string, attempt: number, progress: Record<string, unknown>) => {
    const now = Date.now();
    if (now - lastBeat < 1_000) return;
    lastBeat = now;
    await db
      .query(
        `with s as (update run_steps set progress = $4 where run_id = $1 and step = $2 and attempt = $3)
         update runs set heartbeat_at = now() where id = $1`,
        [id, stepName, attempt, JSON.stringify(progress)],
      )
      .catch(() => {});
  };
  const finish = async (state: 'succeeded' | 'failed', error: string | null) => {
    await db.query(
      `update runs set state = $2, finished_at = now(), heartbeat_at = now(), error = $3 where id = $1`,
      [id, state, error],
    );
  };
  return {
    id,
    async step(name, fn) {
      const { rows } = await db.query<{ attempt: number }>(
        `insert into run_steps (run_id, step, attempt)
         values ($1, $2, coalesce((select max(attempt) from run_steps where run_id = $1 and step = $2), 0) + 1)
         returning attempt`,
        [id, name],
      );
      const attempt = rows[0]!.attempt;
      const timer = setInterval(() => void beat(name, attempt, {}), HEARTBEAT_MS);
      timer.unref();
      try {
        const result = await fn((p) => void beat(name, attempt, p));
        await db.query(
          `update run_steps set state = 'succeeded', finished_at = now(), counts = $4
           where run_id = $1 and step = $2 and attempt = $3`,
          [id, name, attempt, JSON.stringify(result.counts ?? {})],
        );
        return result;
      } catch (error) {
        await db
          .query(
            `update run_steps set state = 'failed', finished_at = now(), error = $4
             where run_id = $1 and step = $2 and attempt = $3`,
            [id, name, attempt, describeError(error)],
          )
          .catch(() => {});
        throw error;
      } finally {
        clearInterval(timer);
      }
    },
    async setLanding(landingDir, dataTimestamp) {
      await db.query(
        `update runs set landing_dir = $2, data_timestamp = coalesce($3, data_timestamp) where id = $1`,
        [id, landingDir, dataTimestamp ?? null],
      );
    },
    async addCounts(counts) {
      await db.query(`update runs set counts = counts || $2::jsonb where id = $1`, [
        id,
        JSON.stringify(counts),
      ]);
    },
    succeed: () => finish('succeeded', null),
    fail: (error) => finish('failed', describeError(error)),
  };
}

/** Starts a run, runs `fn` with it and records its success, or its failure (rethrown). */
export async function withRun<T>(
  db: Db,
  options: StartRunOptions,
  fn: (run: RunLog) => Promise<T>,
): Promise<T> {
  const run = await startRun(db, options);
  try {
    const result = await fn(run);
    await run.succeed();
    return result;
  } catch (error) {
    await run.fail(error).catch(() => {});
    throw error;
  }
}

/**
 * Marks runs whose process died (still 'running', heartbeat older than `staleAfterMs`) as failed, with
 * their running steps. Returns the ids. Called before every run starts and by the scheduler.
 */
export async function failStaleRuns(db: Db, staleAfterMs: number = STALE_AFTER_MS): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `update runs set state = 'failed', finished_at = now(),
       error = coalesce(error, 'The process running this run stopped (crashed or killed) at ' || heartbeat_at::text)
     where state = 'running' and heartbeat_at < now() - make_interval(secs => $1::double precision / 1000)
     returning id`,
    [staleAfterMs],
  );
  const ids = rows.map((r) => r.id);
  if (ids.length > 0) {
    await db.query(
      `update run_steps set state = 'failed', finished_at = now(), error = coalesce(error, 'process stopped')
       where state = 'running' and run_id = any($1)`,
      [ids],
    );
  }
  return ids;
}
