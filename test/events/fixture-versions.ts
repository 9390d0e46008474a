/**
 * Two versions of the registry, derived in memory from the 206 real fixture studies (never edited):
 * the first sync loads them as they are; the second is a full snapshot in which every study has a new
 * daily versionHolder (volatile: no new version), four studies changed status, dates or enrollment, and
 * one study is gone (removed). Loads go through the real loader with runs of known start times, which are
 * the valid-from of the versions they record.
 */

import type { LandedRecord } from '../../src/landing/landed-record.ts';
import type { Db } from '../../src/store/db.ts';
import { type LoadResult, loadStudies } from '../../src/store/load-studies.ts';
import { fixtureStudies, nctIdOf, type StudyJson, stream } from '../store/support/fixture-records.ts';

export interface TestRun {
  id: string;
  startedAt: string;
}
export const FIRST_SYNC: TestRun = { id: 'sync-1', startedAt: '2024-06-01T10:00:00.000000Z' };
export const SECOND_SYNC: TestRun = { id: 'sync-2', startedAt: '2025-03-01T10:00:00.000000Z' };

/** Asthma study, NOT_YET_RECRUITING → RECRUITING, enrollment 140 → 150, start date moved. */
export const NOW_RECRUITING = 'NCT06863285';
/** RECRUITING → ACTIVE_NOT_RECRUITING, primary completion 2026-02-04 → 2026-06-30. */
export const STOPPED_RECRUITING = 'NCT05086315';
/** Enrollment 20 → 25 only. */
export const ENROLLMENT_CHANGED = 'NCT05756361';
/** Completion date 2015-01 → 2014-12 only. */
export const DATES_CHANGED = 'NCT01958125';
/** Asthma study (COMPLETED) missing from the second snapshot. */
export const REMOVED = 'NCT03103880';
export const CHANGED_IDS = [DATES_CHANGED, ENROLLMENT_CHANGED, STOPPED_RECRUITING, NOW_RECRUITING] as const;

type Module = Record<string, Record<string, unknown>>;
const modules = (study: StudyJson) => study.protocolSection as unknown as Module;

const CHANGES: Record<string, (study: StudyJson) => void> = {
  [NOW_RECRUITING]: (study) => {
    const p = modules(study);
    p.statusModule!.overallStatus = 'RECRUITING';
    p.statusModule!.startDateStruct = { date: '2025-02-15', type: 'ACTUAL' };
    p.designModule!.enrollmentInfo = { count: 150, type: 'ESTIMATED' };
  },
  [STOPPED_RECRUITING]: (study) => {
    const p = modules(study);
    p.statusModule!.overallStatus = 'ACTIVE_NOT_RECRUITING';
    p.statusModule!.primaryCompletionDateStruct = { date: '2026-06-30', type: 'ESTIMATED' };
  },
  [ENROLLMENT_CHANGED]: (study) => {
    const p = modules(study);
    p.designModule!.enrollmentInfo = { ...(p.designModule!.enrollmentInfo as object), count: 25 };
  },
  [DATES_CHANGED]: (study) => {
    const p = modules(study);
    p.statusModule!.completionDateStruct = { date: '2014-12', type: 'ACTUAL' };
  },
};

/** The fixtures as they are. */
export function firstVersion(): LandedRecord[] {
  return fixtureStudies().map((study, i) => ({ json: JSON.stringify(study), source: `v1#${i}` }));
}

/** The second snapshot: a new versionHolder everywhere, the four changes, REMOVED left out. */
export function secondVersion(): LandedRecord[] {
  return fixtureStudies()
    .filter((study) => nctIdOf(study) !== REMOVED)
    .map((study, i) => {
      const copy = structuredClone(study);
      const misc = copy.derivedSection?.miscInfoModule;
      if (misc) misc.versionHolder = '2025-03-01';
      CHANGES[nctIdOf(copy)]?.(copy);
      return { json: JSON.stringify(copy), source: `v2#${i}` };
    });
}

/** Loads `records` as run `run` (its runs row starts at run.startedAt). */
export async function loadRun(
  db: Db,
  run: TestRun,
  records: LandedRecord[],
  options: { snapshot?: boolean; batchSize?: number } = {},
): Promise<LoadResult> {
  await db.query(`insert into runs (id, kind, state, started_at) values ($1, 'load', 'succeeded', $2)`, [
    run.id,
    run.startedAt,
  ]);
  const result = await loadStudies(db, stream(records), {
    runId: run.id,
    snapshot: options.snapshot,
    batchSize: options.batchSize ?? 60,
  });
  if (result.status !== 'succeeded') throw new Error(`Load ${run.id} failed: ${result.errors.join('; ')}`);
  return result;
}
