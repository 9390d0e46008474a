/**
 * The load benchmark's floor: plain COPY of every row issue #3 has the loader store, and nothing else.
 *
 * The reference (reference-copy.ts) COPYs the studies' rows with their weighted vector only. The loader
 * also stores each study's raw document (the lossless copy), its ~32 child rows (conditions, MeSH terms,
 * interventions, arms, outcomes, sponsors, sites with their earth point, references) and the location and
 * field vectors that search reads. The floor COPYs exactly those, pre-encoded, into the migrated tables
 * with the indexes and foreign keys a bulk load drops already dropped (dropSecondaryIndexes): the studies'
 * rows into a copy of `studies` whose vectors are GENERATED from the same texts and columns, the documents
 * and child rows into their own tables (the sites' `geo` column and the site-points trigger included).
 *
 * Left out, so the floor stays below anything the loader could do: parsing, validation, the content hash,
 * the staging table and merge, versions and change events, run records, the stored outcome vectors (the
 * weighted vector computes them inline, as the reference's does), the index phase. A loader has to store
 * these rows too and does its own work on the same cores, so the floor bounds what a loader can reach
 * (give or take what another COPY format could save in parsing the rows).
 */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { copyLine } from '../../src/store/copy-text.ts';
import { CHILD_TABLES } from '../../src/store/study-columns.ts';
import {
  DOC_COLUMNS,
  fieldVectorsSql,
  jsonbSafe,
  LOAD_STAGE_COLUMNS,
  loadStagedRow,
  locationVectorSql,
  searchVectorSql,
} from '../../src/store/write-studies.ts';
import type { StudyProjection } from '../../src/transform/study-projection.ts';

export const FLOOR_STUDIES = 'floor_studies';

/** Every table the floor COPYs into, with its columns, in the order the loader writes them. */
export const FLOOR_TABLES: readonly { table: string; columns: readonly string[] }[] = [
  { table: FLOOR_STUDIES, columns: LOAD_STAGE_COLUMNS },
  { table: 'study_documents', columns: DOC_COLUMNS },
  ...CHILD_TABLES.map(({ table, columns }) => ({ table, columns: ['nct_id', ...columns] })),
];

/** The vectors the loader stores on each study row, as the floor generates them. */
const VECTORS: readonly (readonly [column: string, expression: string])[] = [
  ['search_vector', searchVectorSql('')],
  ['location_vector', locationVectorSql('')],
  ...fieldVectorsSql(''),
];

/** The names of the vectors the floor generates on each study row. */
export const FLOOR_VECTORS = VECTORS.map(([column]) => column);

/**
 * DDL of the floor's studies table: the studies' columns (stored as theirs are), its primary key, the
 * staged texts, and each stored vector GENERATED from them.
 */
export function floorStudiesTableSql(): string {
  return `
  create table ${FLOOR_STUDIES} (like studies including defaults including generated including compression
                                 including storage);
  alter table ${FLOOR_STUDIES} ${VECTORS.map(([column]) => `drop column ${column}`).join(', ')};
  alter table ${FLOOR_STUDIES} add primary key (nct_id);
  alter table ${FLOOR_STUDIES}
    add column search_a text, add column search_b text, add column search_c text, add column search_d text,
    add column search_outcomes text, add column search_location text,
    ${VECTORS.map(([column, expression]) => `add column ${column} tsvector generated always as (${expression}) stored`).join(',\n    ')};`;
}

/**
 * The COPY lines of one study, by table: its staged row, its document (the record text as received, as
 * the loader stores it) and its child rows.
 */
export function floorLines(study: StudyProjection, recordText: string): Map<string, string> {
  const lines = new Map<string, string>();
  lines.set(FLOOR_STUDIES, copyLine(loadStagedRow(study), LOAD_STAGE_COLUMNS));
  lines.set(
    'study_documents',
    copyLine({ nct_id: study.nctId, document: jsonbSafe(recordText) }, DOC_COLUMNS),
  );
  for (const { table, key, columns } of CHILD_TABLES) {
    let text = '';
    const copyColumns = ['nct_id', ...columns];
    for (const row of study.children[key]) text += copyLine({ ...row, nct_id: study.nctId }, copyColumns);
    if (text) lines.set(table, text);
  }
  return lines;
}

/** COPYs one stream's files (`fileOf(table)`) on `client`, table after table as FLOOR_TABLES lists them. */
export async function copyFloorTables(client: pg.Client, fileOf: (table: string) => string): Promise<void> {
  for (const { table, columns } of FLOOR_TABLES)
    await pipeline(
      createReadStream(fileOf(table)),
      client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`)),
    );
}
