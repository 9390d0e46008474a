/**
 * The set of landing runs under `<dataDir>/landing/`: finding the watermark (newest complete window), a run
 * to resume (newest incomplete run of the same kind and parameters) and pruning old complete runs.
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log.ts';
import { type LandingManifest, type RunKind, readManifest } from './landing-run.ts';
import { RUN_ID_PATTERN } from './run-id.ts';

export interface LandingRunInfo {
  runDir: string;
  manifest: LandingManifest;
}

/** Every run directory with a readable manifest, oldest first (run ids sort by start time). */
export async function listLandingRuns(landingDir: string): Promise<LandingRunInfo[]> {
  const names = await readdir(landingDir).catch(() => [] as string[]);
  const runs: LandingRunInfo[] = [];
  for (const name of names.filter((n) => RUN_ID_PATTERN.test(n)).sort()) {
    const runDir = path.join(landingDir, name);
    try {
      runs.push({ runDir, manifest: await readManifest(runDir) });
    } catch {
      // A directory without a readable manifest was never started properly; it is not a run.
    }
  }
  return runs;
}

const sameParams = (a: Record<string, string>, b: Record<string, string>) => {
  const keys = Object.keys(a).sort();
  return keys.join() === Object.keys(b).sort().join() && keys.every((k) => a[k] === b[k]);
};

/** The newest incomplete run with this kind and these parameters, if any. */
export async function findResumableRun(
  landingDir: string,
  kind: RunKind,
  params: Record<string, string>,
): Promise<LandingRunInfo | undefined> {
  const runs = await listLandingRuns(landingDir);
  return runs
    .reverse()
    .find((r) => !r.manifest.complete && r.manifest.kind === kind && sameParams(r.manifest.params, params));
}

/** The newest complete run that covered a window of the registry (incremental or full): the watermark. */
export async function newestCompleteWindowRun(landingDir: string): Promise<LandingRunInfo | undefined> {
  const runs = await listLandingRuns(landingDir);
  return runs
    .reverse()
    .find((r) => r.manifest.complete && (r.manifest.kind === 'incremental' || r.manifest.kind === 'full'));
}

/**
 * Keeps the newest `keep` complete runs and deletes older complete ones (0 keeps all). Incomplete runs are
 * never deleted: they may still be resumed. Returns the deleted run directories.
 */
export async function pruneLandingRuns(landingDir: string, keep: number, logger?: Logger): Promise<string[]> {
  if (keep <= 0) return [];
  const complete = (await listLandingRuns(landingDir)).filter((r) => r.manifest.complete).reverse();
  const deleted: string[] = [];
  for (const run of complete.slice(keep)) {
    await rm(run.runDir, { recursive: true, force: true });
    logger?.info('deleted old landing run', { runDir: run.runDir });
    deleted.push(run.runDir);
  }
  return deleted;
}
