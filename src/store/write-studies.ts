/**
 * Writes projected studies inside the caller's transaction: the wide `studies` row with its weighted search
 * vector, the raw document, and the child rows. Used by the loader (new and changed studies) and by the
 * rebuild (every study, re-derived from its stored document).
 *
 * Why a staging table: COPY is the fastest way in on both engines, but COPY cannot compute the search vector
 * or upsert. The rows and their search texts go into a temporary table (no WAL, dropped at commit), then
 * one INSERT … SELECT … ON CONFLICT computes the tsvectors in SQL and merges. The child rows and the
 * documents need no computation: their old rows are deleted and the new ones COPYed straight in. A study
 * that had no row has no document or child row either (they are written in one transaction): nothing to
 * delete, and an initial load deletes nothing.
 */
import type { StudyProjection } from '../transform/study-projection.ts';
import { CopyBuffer } from './copy-text.ts';
import type { Queryable } from './db.ts';
import { CHILD_TABLES, STUDY_ROW_COLUMNS } from './study-columns.ts';

const SEARCH_COLUMNS = ['search_a', 'search_b', 'search_c', 'search_d', 'search_outcomes'] as const;
/** The staged form's columns (stagedRow): the typed row, the content hash and the search texts. */
export const STAGE_COLUMNS = [...STUDY_ROW_COLUMNS, 'content_hash', ...SEARCH_COLUMNS] as const;
/** The stage's columns as the loader COPYs them: STAGE_COLUMNS and the location search text. */
export const LOAD_STAGE_COLUMNS = [...STAGE_COLUMNS, 'search_location'] as const;
/** The documents' columns, as the loader COPYs them. */
export const DOC_COLUMNS = ['nct_id', 'document'] as const;
/** Typed columns the upsert overwrites (all but the key). */
const UPDATABLE_COLUMNS = STUDY_ROW_COLUMNS.filter((c) => c !== 'nct_id');

/** A staged text, '' when null; `alias` qualifies it ('' for a generated column). */
const stagedText = (alias: string, column: string) => `coalesce(${alias ? `${alias}.` : ''}${column}, '')`;

/** The outcomes' vector of a staged study (study_outcome_vectors, migration 000024). */
export function outcomeVectorSql(alias = 's'): string {
  return `to_tsvector('english'::regconfig, ${stagedText(alias, 'search_outcomes')})`;
}

/**
 * The weighted search document, from the texts of the staging row: weight C is the brief summary and
 * sponsors' vector joined with the outcomes' vector `outcomeVector` (computed here by default; the upsert
 * passes the one it stores). The two-argument to_tsvector with a regconfig constant is IMMUTABLE, the same
 * expression a generated column would need. It is most of a plain COPY's database CPU (postgres-search.md).
 * `alias` qualifies the texts ('' for a generated column, as the benchmarks' plain-COPY reference uses it).
 */
export function searchVectorSql(alias = 's', outcomeVector = outcomeVectorSql(alias)): string {
  const vector = (column: string) => `to_tsvector('english'::regconfig, ${stagedText(alias, column)})`;
  return [
    `setweight(${vector('search_a')}, 'A')`,
    `setweight(${vector('search_b')}, 'B')`,
    `setweight(${vector('search_c')} || ${outcomeVector}, 'C')`,
    `setweight(${vector('search_d')}, 'D')`,
  ].join(' ||\n    ');
}
/**
 * The staged studies' outcome vectors, computed once (`materialized`): upserted into study_outcome_vectors
 * and joined as `o` by the statement that writes the studies, for weight C of their weighted vector. The
 * outcomes used to be part of C's text, and an expression index over study_outcomes parsed them a second
 * time: the costliest index build (4.5 of 14.7 s building every index one at a time, 20,000 studies).
 */
const OUTCOME_VECTORS_CTE = `
    with outcome_vectors as materialized (
      select s.nct_id, ${outcomeVectorSql('s')} as vector from load_stage s
    ), outcome_vectors_written as (
      insert into study_outcome_vectors (nct_id, vector) select nct_id, vector from outcome_vectors
      on conflict (nct_id) do update set vector = excluded.vector
    )`;
const SEARCH_VECTOR_SQL = searchVectorSql('s', 'o.vector');
/** The study's location vector (migration 000011): place names are not English words, hence 'simple'. */
export function locationVectorSql(alias = 's'): string {
  return `to_tsvector('simple'::regconfig, ${stagedText(alias, 'search_location')})`;
}
const LOCATION_VECTOR_SQL = locationVectorSql('s');
/**
 * The field vectors of fielded search (migration 000015), computed from the staged typed columns by the
 * functions of migration 000004, so that search ranks on stored values instead of recomputing them.
 * `alias` qualifies the columns ('' for generated columns, as the load benchmark's floor uses them).
 */
export function fieldVectorsSql(alias = 's'): readonly (readonly [column: string, expression: string])[] {
  const call = (fn: string, columns: string[]) =>
    `${fn}(${columns.map((c) => (alias ? `${alias}.${c}` : c)).join(', ')})`;
  return [
    [
      'condition_vector',
      call('search_condition_vector', ['conditions', 'keywords', 'brief_title', 'official_title']),
    ],
    ['mesh_vector', call('search_mesh_vector', ['condition_mesh_terms', 'condition_mesh_ancestors'])],
    [
      'intervention_vector',
      call('search_intervention_vector', [
        'intervention_names',
        'intervention_mesh_terms',
        'intervention_mesh_ancestors',
      ]),
    ],
    ['title_vector', call('search_title_vector', ['brief_title', 'official_title', 'acronym'])],
    ['sponsor_vector', call('search_sponsor_vector', ['lead_sponsor', 'collaborators', 'organization'])],
  ];
}
const FIELD_VECTORS = fieldVectorsSql('s');
const FIELD_VECTOR_COLUMNS = FIELD_VECTORS.map(([column]) => column).join(', ');
const FIELD_VECTOR_VALUES = FIELD_VECTORS.map(([, expression]) => expression).join(',\n           ');

/** Creates the per-transaction staging table: the studies columns plus the search texts and the location text. */
export async function createStudyStage(tx: Queryable): Promise<void> {
  await tx.query(`
    create temp table load_stage (
      like studies including defaults,
      search_a text, search_b text, search_c text, search_d text, search_outcomes text, search_location text
    ) on commit drop`);
}

/** The staged form of a study: its typed row, content hash and the search texts (A–D and the outcomes). */
export function stagedRow(study: StudyProjection): Record<string, unknown> {
  return {
    ...study.row,
    content_hash: study.contentHash,
    search_a: study.search.a,
    search_b: study.search.b,
    search_c: study.search.c,
    search_d: study.search.d,
    search_outcomes: study.search.outcomes,
  };
}

/** stagedRow with the location search text, as the loader stages it. */
export function loadStagedRow(study: StudyProjection): Record<string, unknown> {
  return { ...stagedRow(study), search_location: study.search.location };
}

/** COPYs the projections' rows, content hashes and search texts into load_stage. */
export async function copyStudiesToStage(tx: Queryable, studies: readonly StudyProjection[]): Promise<void> {
  const copy = new CopyBuffer();
  for (const study of studies) copy.row(loadStagedRow(study), LOAD_STAGE_COLUMNS);
  await copy.copyInto(tx, 'load_stage', LOAD_STAGE_COLUMNS);
}

/**
 * Inserts or replaces every staged study. A content change bumps `version` and `changed_at`; a study
 * that was removed (missing from a snapshot, merged) and is loaded again is restored. `first_run_id`
 * stays the run that first loaded the study.
 */
export async function upsertStagedStudies(tx: Queryable, runId: string): Promise<number> {
  const columns = STUDY_ROW_COLUMNS.join(', ');
  const result = await tx.query(
    `${OUTCOME_VECTORS_CTE}
    insert into studies (${columns}, search_vector, location_vector, ${FIELD_VECTOR_COLUMNS}, content_hash,
                         version, first_run_id, last_run_id, loaded_at, changed_at, removed_at, removed_reason,
                         merged_into)
    select ${STUDY_ROW_COLUMNS.map((c) => `s.${c}`).join(', ')}, ${SEARCH_VECTOR_SQL}, ${LOCATION_VECTOR_SQL},
           ${FIELD_VECTOR_VALUES},
           s.content_hash, 1, $1, $1, now(), now(), null, null, null
    from load_stage s join outcome_vectors o on o.nct_id = s.nct_id
    on conflict (nct_id) do update set
      ${UPDATABLE_COLUMNS.map((c) => `${c} = excluded.${c}`).join(',\n      ')},
      search_vector = excluded.search_vector,
      location_vector = excluded.location_vector,
      ${FIELD_VECTORS.map(([column]) => `${column} = excluded.${column}`).join(',\n      ')},
      version = studies.version + (studies.content_hash <> excluded.content_hash)::int,
      changed_at = case when studies.content_hash <> excluded.content_hash then now() else studies.changed_at end,
      content_hash = excluded.content_hash,
      last_run_id = excluded.last_run_id,
      loaded_at = now(),
      removed_at = null,
      removed_reason = null,
      merged_into = null`,
    [runId],
  );
  return result.rowCount;
}

/**
 * Rewrites the derived columns of staged studies that already exist (`cds rebuild`): typed columns and
 * the search vectors, the outcomes' included. The content is the stored document itself, so `version`,
 * `changed_at` and the run ids stay; `content_hash` is refreshed in case the hash's definition (its
 * volatile fields) changed.
 */
export async function updateStagedStudies(tx: Queryable): Promise<number> {
  const result = await tx.query(`${OUTCOME_VECTORS_CTE}
    update studies t set
      ${UPDATABLE_COLUMNS.map((c) => `${c} = s.${c}`).join(',\n      ')},
      search_vector = ${SEARCH_VECTOR_SQL},
      location_vector = ${LOCATION_VECTOR_SQL},
      ${FIELD_VECTORS.map(([column, expression]) => `${column} = ${expression}`).join(',\n      ')},
      content_hash = s.content_hash
    from load_stage s join outcome_vectors o on o.nct_id = s.nct_id
    where t.nct_id = s.nct_id`);
  return result.rowCount;
}

/**
 * Replaces the stored raw documents of `studies` (deleting those of `stored`, the ids that had a row: all
 * of them unless told), from the record texts as received when given (faster than re-serializing, and the
 * json column keeps them as written), else from the parsed documents.
 */
export async function replaceDocuments(
  tx: Queryable,
  studies: readonly StudyProjection[],
  texts?: ReadonlyMap<string, string>,
  stored: readonly string[] = studies.map((s) => s.nctId),
): Promise<void> {
  if (stored.length > 0)
    await tx.query('delete from study_documents where nct_id = any($1::text[])', [stored]);
  const copy = new CopyBuffer();
  for (const study of studies) {
    const text = texts?.get(study.nctId) ?? JSON.stringify(study.document);
    copy.row({ nct_id: study.nctId, document: jsonbSafe(text) }, DOC_COLUMNS);
  }
  await copy.copyInto(tx, 'study_documents', DOC_COLUMNS);
}

/**
 * jsonb rejects the escape \u0000 (PostgreSQL text cannot hold NUL), and so does the json column for any
 * operator that extracts a field or casts it to jsonb. Such a document is stored with \ufffd in its place;
 * the transform has already warned about the field.
 * A backslash-escaped backslash followed by "u0000" (an even run of backslashes) is ordinary text and kept.
 */
export function jsonbSafe(json: string): string {
  if (!json.includes('\\u0000')) return json;
  return json.replace(/(?<!\\)((?:\\\\)*)\\u0000/g, '$1\\ufffd');
}

/**
 * Replaces every child row of `studies`: delete by study (those of `stored`, the ids that had a row: all of
 * them unless told), then one COPY per child table.
 */
export async function replaceChildren(
  tx: Queryable,
  studies: readonly StudyProjection[],
  stored: readonly string[] = studies.map((s) => s.nctId),
): Promise<number> {
  let written = 0;
  for (const { table, key, columns } of CHILD_TABLES) {
    // An initial load writes none of these: during it the tables have no statistics, and each delete
    // of a batch's 500 ids cost more the more the table held (0.08 ms a study at 20,000 studies).
    if (stored.length > 0) await tx.query(`delete from ${table} where nct_id = any($1::text[])`, [stored]);
    const copyColumns = ['nct_id', ...columns];
    const copy = new CopyBuffer();
    for (const study of studies)
      for (const row of study.children[key]) copy.row({ ...row, nct_id: study.nctId }, copyColumns);
    written += copy.rows;
    if (copy.rows > 0) await copy.copyInto(tx, table, copyColumns);
  }
  return written;
}

/**
 * Loader path: stage, upsert, replace documents and children. `stored` are the ids of `studies` that had
 * a row before (the others are new: nothing of theirs to delete). Returns the child rows written.
 */
export async function writeLoadedStudies(
  tx: Queryable,
  studies: readonly StudyProjection[],
  runId: string,
  stored: readonly string[],
  documentTexts?: ReadonlyMap<string, string>,
): Promise<number> {
  if (studies.length === 0) return 0;
  await createStudyStage(tx);
  await copyStudiesToStage(tx, studies);
  await upsertStagedStudies(tx, runId);
  await replaceDocuments(tx, studies, documentTexts, stored);
  return replaceChildren(tx, studies, stored);
}

/** Rebuild path: stage, update derived columns, replace children; documents are the source, untouched. */
export async function writeRebuiltStudies(
  tx: Queryable,
  studies: readonly StudyProjection[],
): Promise<number> {
  if (studies.length === 0) return 0;
  await createStudyStage(tx);
  await copyStudiesToStage(tx, studies);
  await updateStagedStudies(tx);
  return replaceChildren(tx, studies);
}
