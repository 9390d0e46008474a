/**
 * A stand-in for the sync flow in scheduler tests: it records a real `sync` run with a download step
 * through the run log (so the one-writer index and the heartbeat apply), takes `durationMs`, and fails
 * while `failures` is above zero, like an API outage.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { CdsError } from '../../src/errors.ts';
import { startRun } from '../../src/runs/run-log.ts';
import type { SyncFn } from '../../src/schedule/sync-task.ts';
import type { Db } from '../../src/store/db.ts';

export interface RecordedSync {
  sync: SyncFn;
  /** Calls made, in order, with their trigger. */
  calls: string[];
  /** Attempts still to fail. */
  failures: number;
  /** How long an attempt takes, in milliseconds. */
  durationMs: number;
}

export function recordedSync(db: Db, options: { failures?: number; durationMs?: number } = {}): RecordedSync {
  const state: RecordedSync = {
    calls: [],
    failures: options.failures ?? 0,
    durationMs: options.durationMs ?? 200,
    sync: async ({ trigger, signal, params, onRunStarted }) => {
      state.calls.push(trigger);
      const run = await startRun(db, { kind: 'sync', trigger, ...(params ? { params } : {}) });
      onRunStarted?.(run.id);
      try {
        await run.step('download', async () => {
          await sleep(state.durationMs, undefined, signal ? { signal } : {});
          if (state.failures > 0) {
            state.failures--;
            throw new CdsError(
              'API_UNREACHABLE',
              'ClinicalTrials.gov answered 503 on /studies after 7 attempts',
            );
          }
          return { counts: { studies: 3 } };
        });
        await run.succeed();
        return { runId: run.id };
      } catch (error) {
        await run.fail(error);
        throw error;
      }
    },
  };
  return state;
}

/** Polls `check` every 100 ms until it returns a value other than undefined/false, or fails after `ms`. */
export async function waitFor<T>(check: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`condition not met within ${ms} ms`);
    await sleep(100);
  }
}
