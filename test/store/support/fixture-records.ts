/**
 * The real fixture studies as landed records, and variants derived from them in memory (the fixture
 * files are never edited): a changed field, a renamed NCT id, a malformed record.
 */
import type { LandedRecord } from '../../../src/landing/landed-record.ts';
import type { Queryable } from '../../../src/store/db.ts';
import { INDEXED_TABLES } from '../../../src/store/secondary-indexes.ts';
import { loadFixtureStudies } from '../../support/fake-ctgov-data.ts';

export type StudyJson = {
  protocolSection: {
    identificationModule: { nctId: string; nctIdAliases?: string[]; briefTitle?: string };
    statusModule: { lastUpdatePostDateStruct?: { date?: string } };
    [module: string]: unknown;
  };
  derivedSection?: { miscInfoModule?: { versionHolder?: string }; [module: string]: unknown };
  [section: string]: unknown;
};

/** The 206 fixture texts, parsed, in file-name order. */
export function fixtureStudies(): StudyJson[] {
  return loadFixtureStudies().map((text) => JSON.parse(text) as StudyJson);
}

/** The fixtures as records, byte-exact texts. */
export function fixtureRecords(): LandedRecord[] {
  return loadFixtureStudies().map((json, i) => ({ json, source: `fixtures#${i}` }));
}

export function nctIdOf(study: StudyJson): string {
  return study.protocolSection.identificationModule.nctId;
}

/** A deep copy of `study` changed by `change`, as a record. */
export function variant(
  study: StudyJson,
  change: (copy: StudyJson) => void,
  source = 'variant',
): LandedRecord {
  const copy = structuredClone(study);
  change(copy);
  return { json: JSON.stringify(copy), source };
}

/** The same study under another NCT id (aliases dropped, so it merges nothing). */
export function renamed(study: StudyJson, nctId: string): LandedRecord {
  return variant(study, (copy) => {
    copy.protocolSection.identificationModule.nctId = nctId;
    delete copy.protocolSection.identificationModule.nctIdAliases;
  });
}

export async function* stream<T>(items: Iterable<T>): AsyncGenerator<T> {
  for (const item of items) yield item;
}

/**
 * The `runs` row a load references. Inserted as finished: only one writer run may be 'running' at a time,
 * and the loader does not read the run's state.
 */
export async function insertRun(db: Queryable, runId: string): Promise<void> {
  await db.query(`insert into runs (id, kind, state) values ($1, 'load', 'succeeded')`, [runId]);
}

/** Every table a load writes: the same list the index phase manages. */
export const STUDY_TABLES = INDEXED_TABLES;
/** The study tables keyed by the study alone (the others by study and `ord`). */
const ONE_ROW_PER_STUDY: readonly string[] = ['studies', 'study_documents', 'study_outcome_vectors'];

/** Row count of every study table. */
export async function tableCounts(db: Queryable): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of STUDY_TABLES) {
    const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from ${table}`);
    counts[table] = rows[0]?.n ?? -1;
  }
  return counts;
}

/** The stored (nct_id, content_hash, removed_reason) of every study, sorted. */
export async function studyHashes(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ line: string }>(
    `select nct_id || ' ' || content_hash || ' ' || coalesce(removed_reason, '-') as line
     from studies order by nct_id`,
  );
  return rows.map((r) => r.line);
}

/** xmin of every row of every study table: equal before and after means nothing was written. */
export async function rowVersions(db: Queryable): Promise<string[]> {
  const lines: string[] = [];
  for (const table of STUDY_TABLES) {
    const key = ONE_ROW_PER_STUDY.includes(table) ? 'nct_id' : `nct_id || ':' || ord`;
    const { rows } = await db.query<{ line: string }>(
      `select '${table} ' || ${key} || ' ' || xmin::text as line from ${table} order by 1`,
    );
    lines.push(...rows.map((r) => r.line));
  }
  return lines;
}
