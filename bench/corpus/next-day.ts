import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CorpusFormat, dataTimestampOf, openRecordSink } from './corpus-writer.ts';
import { type Rng, rngFor } from './rng.ts';
import {
  type CorpusContext,
  type CorpusOptions,
  createCorpusContext,
  generateRecord,
  isBrokenRecord,
  nctIdFor,
} from './study-generator.ts';
import { dayNumber, isoDay } from './study-timeline.ts';

/**
 * Day N+1 of a generated registry: from the same base (seed, count, day) it derives the next day's full
 * snapshot — a share of studies changed (status, dates, enrollment, sites; lastUpdatePostDate = the new day),
 * a share added (new NCT ids), a share removed — the delta an incremental window would return (changed +
 * added), and a manifest of the exact ids, so sync and reconciliation tests can check outcomes exactly.
 * Every study's versionHolder moves to the new day, as it does in the real daily release.
 */
export interface NextDayOptions extends CorpusOptions {
  /** Share of base studies changed (default 0.002: ~1,200 a day at 606,000, the weekday volume). */
  changed?: number;
  /** New studies as a share of the base count (default 0.0005). */
  added?: number;
  /** Share of base studies gone from the next snapshot (default 0.0002). */
  removed?: number;
}

export interface NextDayManifest {
  seed: number;
  baseCount: number;
  baseDataTimestamp: string;
  dataTimestamp: string;
  /** What a fake `/version` returns on the new day. */
  version: { apiVersion: string; dataTimestamp: string };
  changed: string[];
  added: string[];
  removed: string[];
  snapshotCount: number;
  deltaCount: number;
}

/** A study of the next snapshot, or (change 'removed', no text) a base study that is gone from it. */
export type NextDayRecord =
  | { nctId: string; json: string; change: 'unchanged' | 'changed' | 'added' }
  | { nctId: string; json?: undefined; change: 'removed' };

const NEXT_STATUS: Record<string, readonly string[]> = {
  NOT_YET_RECRUITING: ['RECRUITING', 'WITHDRAWN'],
  RECRUITING: ['ACTIVE_NOT_RECRUITING', 'COMPLETED', 'RECRUITING', 'SUSPENDED'],
  ENROLLING_BY_INVITATION: ['ACTIVE_NOT_RECRUITING', 'COMPLETED'],
  ACTIVE_NOT_RECRUITING: ['COMPLETED', 'TERMINATED'],
  SUSPENDED: ['RECRUITING', 'TERMINATED'],
  UNKNOWN: ['COMPLETED', 'RECRUITING'],
};

type Study = { protocolSection: Record<string, Record<string, unknown>>; [key: string]: unknown };

function touch(study: Study, rng: Rng, newDay: string): void {
  const status = study.protocolSection.statusModule!;
  status.statusVerifiedDate = newDay.slice(0, 7);
  status.lastUpdateSubmitDate = isoDay(dayNumber(newDay) - rng.int(0, 2));
  status.lastUpdatePostDateStruct = { date: newDay, type: 'ACTUAL' };
}

/** A sponsor's update: status moves on, enrollment and sites change, dates follow. */
function changeStudy(study: Study, rng: Rng, newDay: string, siteDonors: readonly unknown[]): void {
  const status = study.protocolSection.statusModule!;
  const next = NEXT_STATUS[String(status.overallStatus)];
  if (next) {
    const overallStatus = rng.pick(next);
    status.overallStatus = overallStatus;
    delete status.lastKnownStatus;
    if (overallStatus === 'COMPLETED' || overallStatus === 'TERMINATED') {
      status.completionDateStruct = { date: newDay, type: 'ACTUAL' };
      status.primaryCompletionDateStruct = { date: newDay, type: 'ACTUAL' };
    }
    if (overallStatus === 'TERMINATED' || overallStatus === 'SUSPENDED' || overallStatus === 'WITHDRAWN') {
      status.whyStopped = 'Sponsor decision';
    }
  }
  const design = study.protocolSection.designModule;
  const enrollment = design?.enrollmentInfo as { count?: number; type?: string } | undefined;
  if (enrollment?.count !== undefined) {
    enrollment.count = Math.max(1, enrollment.count + rng.int(-5, 25));
    if (status.overallStatus === 'COMPLETED') enrollment.type = 'ACTUAL';
  }
  const contacts = study.protocolSection.contactsLocationsModule;
  if (contacts) {
    const locations = (contacts.locations as unknown[] | undefined) ?? [];
    if (locations.length > 1 && rng.chance(0.3)) locations.splice(rng.int(0, locations.length - 1), 1);
    else for (let k = rng.int(1, 3); k > 0; k--) locations.push(structuredClone(rng.pick(siteDonors)));
    contacts.locations = locations;
  }
  touch(study, rng, newDay);
}

/** A study registered on the new day: first posted and last updated today, not yet recruiting, no results. */
function newStudy(study: Study, rng: Rng, newDay: string): void {
  const status = study.protocolSection.statusModule!;
  const day = dayNumber(newDay);
  status.overallStatus = rng.chance(0.6) ? 'NOT_YET_RECRUITING' : 'RECRUITING';
  delete status.lastKnownStatus;
  delete status.whyStopped;
  status.studyFirstSubmitDate = isoDay(day - rng.int(1, 20));
  status.studyFirstSubmitQcDate = isoDay(day - 1);
  status.studyFirstPostDateStruct = { date: newDay, type: 'ACTUAL' };
  status.startDateStruct = { date: isoDay(day + rng.int(0, 90)), type: 'ESTIMATED' };
  status.primaryCompletionDateStruct = { date: isoDay(day + rng.int(200, 900)), type: 'ESTIMATED' };
  status.completionDateStruct = { date: isoDay(day + rng.int(900, 1500)), type: 'ESTIMATED' };
  delete study.resultsSection;
  delete study.annotationSection;
  study.hasResults = false;
  touch(study, rng, newDay);
}

function withVersion(json: string, fromDay: string, toDay: string): string {
  return json.replace(`"versionHolder":"${fromDay}"`, `"versionHolder":"${toDay}"`);
}

/**
 * The next day's full snapshot in NCT id order, with a 'removed' marker where a base study is gone.
 * `skipUnchanged` leaves out the unchanged studies without generating them (the delta and the removals
 * only: seconds instead of minutes at registry size); the other records are the same either way.
 */
export function* generateNextDay(
  options: NextDayOptions & { skipUnchanged?: boolean },
  ctx: CorpusContext = createCorpusContext(options),
): Generator<NextDayRecord> {
  const changedShare = options.changed ?? 0.002;
  const removedShare = options.removed ?? 0.0002;
  const addedCount = Math.round(options.count * (options.added ?? 0.0005));
  const day = ctx.snapshotDate;
  const newDay = isoDay(dayNumber(day) + 1);
  const sites = ctx.pool.sites.map((site) => JSON.parse(site) as unknown);
  for (let index = 0; index < options.count + addedCount; index++) {
    const rng = rngFor(ctx.seed, 'next-day', index);
    if (index >= options.count) {
      const study = JSON.parse(withVersion(generateRecord(ctx, index).json, day, newDay)) as Study;
      newStudy(study, rng, newDay);
      yield { nctId: nctIdFor(ctx.seed, index), json: JSON.stringify(study), change: 'added' };
      continue;
    }
    const u = rng.next();
    const intact = !isBrokenRecord(ctx, index);
    if (intact && u < removedShare) {
      yield { nctId: nctIdFor(ctx.seed, index), change: 'removed' };
      continue;
    }
    if (intact && u < removedShare + changedShare) {
      const study = JSON.parse(withVersion(generateRecord(ctx, index).json, day, newDay)) as Study;
      changeStudy(study, rng, newDay, sites);
      yield { nctId: nctIdFor(ctx.seed, index), json: JSON.stringify(study), change: 'changed' };
      continue;
    }
    if (options.skipUnchanged) continue;
    const record = generateRecord(ctx, index);
    yield { nctId: record.nctId, json: withVersion(record.json, day, newDay), change: 'unchanged' };
  }
}

export interface WriteNextDayOptions extends NextDayOptions {
  format: CorpusFormat;
  /** Output directory: snapshot.<ext>, delta.<ext>, manifest.json. */
  out: string;
}

export interface WriteNextDayResult {
  manifest: NextDayManifest;
  snapshotFile: string;
  deltaFile: string;
  manifestFile: string;
}

const EXTENSION: Record<CorpusFormat, string> = { ndjson: '.ndjson', zip: '.json.zip', dir: '' };

export async function writeNextDay(options: WriteNextDayOptions): Promise<WriteNextDayResult> {
  const snapshotFile = join(options.out, `snapshot${EXTENSION[options.format]}`);
  return { ...(await writeDay(options, snapshotFile)), snapshotFile };
}

/**
 * The delta and the manifest of writeNextDay, the same bytes, without the snapshot: what an incremental
 * sync needs (a registry-size snapshot is ~11 GB of NDJSON that it never reads).
 */
export function writeNextDayDelta(
  options: WriteNextDayOptions,
): Promise<Omit<WriteNextDayResult, 'snapshotFile'>> {
  return writeDay(options, undefined);
}

async function writeDay(
  options: WriteNextDayOptions,
  snapshotFile: string | undefined,
): Promise<Omit<WriteNextDayResult, 'snapshotFile'>> {
  const ctx = createCorpusContext(options);
  const newDay = isoDay(dayNumber(ctx.snapshotDate) + 1);
  const mtime = new Date(`${dataTimestampOf(newDay)}Z`);
  const deltaFile = join(options.out, `delta${EXTENSION[options.format]}`);
  const snapshot =
    snapshotFile === undefined ? undefined : await openRecordSink(options.format, snapshotFile, mtime);
  const delta = await openRecordSink(options.format, deltaFile, mtime);
  const changed: string[] = [];
  const added: string[] = [];
  const removed: string[] = [];
  const skipUnchanged = snapshot === undefined;
  for (const record of generateNextDay({ ...options, skipUnchanged }, ctx)) {
    if (record.json === undefined) {
      removed.push(record.nctId);
      continue;
    }
    await snapshot?.add(record);
    if (record.change === 'unchanged') continue;
    (record.change === 'changed' ? changed : added).push(record.nctId);
    await delta.add(record);
  }
  await snapshot?.close();
  await delta.close();
  const addedCount = Math.round(options.count * (options.added ?? 0.0005));
  const manifest: NextDayManifest = {
    seed: ctx.seed,
    baseCount: options.count,
    baseDataTimestamp: dataTimestampOf(ctx.snapshotDate),
    dataTimestamp: dataTimestampOf(newDay),
    version: { apiVersion: '2.0.5', dataTimestamp: dataTimestampOf(newDay) },
    changed,
    added,
    removed,
    snapshotCount: options.count + addedCount - removed.length,
    deltaCount: changed.length + added.length,
  };
  const manifestFile = join(options.out, 'manifest.json');
  writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  return { manifest, deltaFile, manifestFile };
}
