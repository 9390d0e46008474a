/**
 * The search benchmark's database: `base` generated studies (bench/corpus, seed 42) loaded by the real
 * loader, then cloned in SQL `scale` times under new NCT ids (NCT9kkkrrrr) with shifted update dates and
 * jittered site coordinates, so the table, its TOASTed vectors, the GIN posting lists and the facet
 * distributions have registry size without projecting 500,000 documents (the loader runs at ~100–400
 * rows/s on the shared 2-core machine). Term frequencies are the base corpus's, repeated; the clones share
 * their base's text. Documents (study_documents) are not cloned: search never reads them.
 */

import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readLanded } from '../../src/landing/read-landed.ts';
import { deferSearchTerms, refreshSearchTerms } from '../../src/search/refresh-search-terms.ts';
import type { Db } from '../../src/store/db.ts';
import { loadStudies } from '../../src/store/load-studies.ts';
import { dropSecondaryIndexes, restoreSecondaryIndexes } from '../../src/store/secondary-indexes.ts';
import { writeCorpus } from '../corpus/corpus-writer.ts';
import { GENERATOR_VERSION } from '../corpus/study-generator.ts';

export interface ScaledCorpusOptions {
  base: number;
  scale: number;
  log: (line: string) => void;
}

/** Child tables search reads, with the columns copied for each clone (nct_id is remapped). */
const CHILD_TABLES: Record<string, string[]> = {
  study_locations: ['ord', 'facility', 'city', 'state', 'zip', 'country', 'status', 'lat', 'lon'],
  study_outcomes: ['ord', 'kind', 'measure', 'description', 'time_frame'],
  study_outcome_vectors: ['vector'],
  study_mesh: ['ord', 'domain', 'relation', 'mesh_id', 'term', 'as_found', 'relevance'],
};

/** A clone's sites move by up to ±0.25° (the same for all its sites), by clone number $1 and base row b.rn. */
const JITTER = '((($1::int * 7919 + b.rn) % 101) - 50) / 200.0';

export async function buildScaledCorpus(db: Db, options: ScaledCorpusOptions): Promise<number> {
  const { base, scale, log } = options;
  if (scale > 999 || base > 9999) throw new Error('at most 9,999 base studies and 999 clones each');
  const dir = path.join(tmpdir(), 'cds-bench-search');
  mkdirSync(dir, { recursive: true });
  const corpus = path.join(dir, `corpus-${base}-v${GENERATOR_VERSION}.ndjson`);
  if (!existsSync(corpus)) {
    log(`generating ${base} studies into ${corpus}…`);
    await writeCorpus({ count: base, seed: 42, format: 'ndjson', out: corpus });
  }
  log(`loading ${base} base studies with the loader…`);
  await db.query(`insert into runs (id, kind, state) values ('bench-search', 'load', 'succeeded')`);
  const loaded = await loadStudies(db, readLanded(corpus), { runId: 'bench-search' });
  if (loaded.status !== 'succeeded') throw new Error(`load ${loaded.status}: ${loaded.errors.join('; ')}`);

  log(`cloning ×${scale} in SQL (secondary indexes dropped meanwhile)…`);
  await dropSecondaryIndexes(db);
  await db.exec(`create table bench_base as
    select nct_id, row_number() over (order by nct_id) as rn from studies`);
  const { rows: columns } = await db.query<{ column_name: string }>(
    `select column_name from information_schema.columns
     where table_schema = current_schema() and table_name = 'studies' and is_generated = 'NEVER'
     order by ordinal_position`,
  );
  const newId = `'NCT9' || lpad(($1::int * 10000 + b.rn)::text, 7, '0')`;
  const studyExprs = columns.map(({ column_name: c }) => {
    if (c === 'nct_id') return newId;
    if (c === 'nct_id_aliases') return `'{}'::text[]`;
    if (c === 'last_update_post_date') return `s.last_update_post_date - ($1::int % 365)`;
    // The clone's sites are moved (JITTER below): its cells are those of the moved sites.
    if (c === 'geo_cells')
      return `array(select distinct geo_cell(t.lat + ${JITTER}, t.lon + ${JITTER}) as cell
        from study_locations t where t.nct_id = s.nct_id and t.lat is not null and t.lon is not null
        order by cell)`;
    return `s.${c}`;
  });
  const started = performance.now();
  for (let k = 1; k < scale; k++) {
    await db.transaction(async (tx) => {
      await deferSearchTerms(tx);
      await tx.query(
        `insert into studies (${columns.map((c) => c.column_name).join(', ')})
         select ${studyExprs.join(', ')} from studies s join bench_base b on b.nct_id = s.nct_id`,
        [k],
      );
      for (const [table, cols] of Object.entries(CHILD_TABLES)) {
        const exprs = cols.map((c) => (c === 'lat' || c === 'lon' ? `t.${c} + ${JITTER}` : `t.${c}`));
        await tx.query(
          `insert into ${table} (nct_id, ${cols.join(', ')})
           select ${newId}, ${exprs.join(', ')} from ${table} t join bench_base b on b.nct_id = t.nct_id`,
          [k],
        );
      }
    });
    if (k % 10 === 0)
      log(`  ${k}/${scale - 1} clones, ${Math.round((performance.now() - started) / 1000)} s`);
  }
  await db.exec('drop table bench_base');
  log('rebuilding the secondary indexes…');
  const indexStarted = performance.now();
  await restoreSecondaryIndexes(db, { concurrency: 2, maintenanceWorkMem: '256MB' });
  log(`  indexes built in ${Math.round((performance.now() - indexStarted) / 1000)} s; vacuuming…`);
  // As after a real bulk load (index-phase.ts): VACUUM sets the visibility map, without which the sites'
  // index-only scans visit the heap (a radius search read 48,000 heap pages instead of none).
  await db.exec('vacuum (analyze)');
  await refreshSearchTerms(db);
  const { rows } = await db.query<{ n: number }>('select count(*)::int as n from studies');
  return rows[0]?.n ?? 0;
}
