/**
 * The benchmarks' loading reference: "plain COPY with the weighted tsvector" — the projected rows of the
 * studies, pre-encoded in COPY text, COPYed into a copy of `studies` whose search_vector is a GENERATED
 * column computing the same weighted tsvector, with its primary key and no other index. It writes neither
 * documents nor child rows, versions nor events: the least work that puts the same rows into PostgreSQL.
 * Its columns are stored as the studies' are (lz4 where the server has it, migration 000013; the generated
 * vector takes the database's default compression, which that migration sets too).
 */
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { LandedRecord } from '../../src/landing/landed-record.ts';
import { copyLine } from '../../src/store/copy-text.ts';
import { STAGE_COLUMNS, searchVectorSql, stagedRow } from '../../src/store/write-studies.ts';
import { projectStudy } from '../../src/transform/project-study.ts';

/** The staged form of a study (stagedRow): its typed row, content hash and search texts. */
export const REFERENCE_COLUMNS = STAGE_COLUMNS;

/** DDL of the reference table `table`: studies' columns, the search texts, the vector generated on COPY. */
export function referenceTableSql(table: string): string {
  return `
  create table ${table} (like studies including defaults including compression including storage);
  alter table ${table} drop column search_vector;
  alter table ${table} add primary key (nct_id);
  alter table ${table}
    add column search_a text, add column search_b text, add column search_c text, add column search_d text,
    add column search_outcomes text,
    add column search_vector tsvector generated always as (${searchVectorSql('')}) stored;`;
}

/** The COPY text of the records that project (untimed preparation: the reference starts from encoded rows). */
export function referenceCopyText(records: Iterable<LandedRecord>): { text: string; rows: number } {
  let text = '';
  let rows = 0;
  for (const record of records) {
    const outcome = projectStudy(record);
    if (!outcome.ok) continue;
    text += copyLine(stagedRow(outcome.study), REFERENCE_COLUMNS);
    rows++;
  }
  return { text, rows };
}

/**
 * Creates `table` in the database at `url`, COPYs `text` into it in one stream and drops it again. Returns
 * the seconds of the COPY alone and the rows it holds.
 */
export async function timeReferenceCopy(
  url: string,
  table: string,
  text: string,
): Promise<{ seconds: number; rows: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop table if exists ${table}`);
    await client.query(referenceTableSql(table));
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      const stream = client.query(copyFrom(`copy ${table} (${REFERENCE_COLUMNS.join(', ')}) from stdin`));
      stream.on('finish', resolve);
      stream.on('error', reject);
      stream.end(text);
    });
    const seconds = (performance.now() - started) / 1000;
    const { rows } = await client.query<{ n: number }>(`select count(*)::int as n from ${table}`);
    return { seconds, rows: rows[0]!.n };
  } finally {
    await client.query(`drop table if exists ${table}`).catch(() => {});
    await client.end();
  }
}
