/**
 * A benchmark's base mirror: N generated studies (bench/corpus, seed 42, the same records bench/load.ts
 * loads) put into a database the way a mirror gets them, so the sync and API benchmarks start from what a
 * real first load leaves behind.
 *
 * - loadGeneratedBase: the real loader on an empty database, the `cds load <file> --snapshot` path — a
 *   recorded load run with its load, index (typeahead terms) and publish (change events delivered to the
 *   warehouse and alerts consumers) steps.
 * - settleMirror: for a database bench/load.ts kept (`--keep-as`), which ran loadStudies alone: the index and
 *   publish steps its load left out. Without it the first sync on it would publish the whole initial load's
 *   backlog of change events (one per study) and be timed for it.
 */

import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deliverConfiguredEvents } from '../../src/events/deliver-events.ts';
import { silentLogger } from '../../src/log.ts';
import { withRun } from '../../src/runs/run-log.ts';
import { refreshSearchTerms } from '../../src/search/refresh-search-terms.ts';
import type { Db } from '../../src/store/db.ts';
import { loadLanded } from '../../src/sync/load-landed.ts';
import { writeCorpus } from '../corpus/corpus-writer.ts';
import { GENERATOR_VERSION } from '../corpus/study-generator.ts';

/** Where generated corpora are cached between runs (NDJSON, ~18 KB a study). */
export const BENCH_CACHE_DIR = path.join(tmpdir(), 'cds-bench');

/** The NDJSON of `count` generated studies (seed 42, default shares), written once and reused. */
export async function generatedCorpusFile(count: number): Promise<string> {
  const file = path.join(BENCH_CACHE_DIR, `corpus-${count}-v${GENERATOR_VERSION}.ndjson`);
  if (existsSync(file)) return file;
  mkdirSync(BENCH_CACHE_DIR, { recursive: true });
  // Written under a temporary name: an interrupted run must not leave a short corpus that looks complete.
  const partial = `${file}.${process.pid}.partial`;
  await writeCorpus({ count, format: 'ndjson', out: partial });
  renameSync(partial, file);
  return file;
}

export interface BaseLoad {
  runId: string;
  studies: number;
  quarantined: number;
  seconds: number;
}

/** Loads `count` generated studies into the (migrated, empty) database with the real loader. */
export async function loadGeneratedBase(db: Db, count: number): Promise<BaseLoad> {
  const file = await generatedCorpusFile(count);
  const started = performance.now();
  return withRun(
    db,
    { kind: 'load', trigger: 'bench', params: { path: file, snapshot: true } },
    async (run) => {
      const result = await loadLanded({
        db,
        run,
        path: file,
        snapshot: true,
        config: {},
        logger: silentLogger,
      });
      return {
        runId: run.id,
        studies: result.counts.inserted,
        quarantined: result.counts.quarantined,
        seconds: (performance.now() - started) / 1000,
      };
    },
  );
}

export interface SettleResult {
  /** Change events relayed (the initial load's backlog), and applied by the warehouse consumer. */
  published: number;
  warehouse: number;
  /** Whether the typeahead terms were empty and had to be built. */
  termsRefreshed: boolean;
  seconds: number;
}

/** Delivers pending change events and builds the typeahead terms when the load did not. Idempotent. */
export async function settleMirror(db: Db): Promise<SettleResult> {
  const started = performance.now();
  const { rows } = await db.query<{ n: number }>('select count(*)::int as n from search_terms');
  const termsRefreshed = (rows[0]?.n ?? 0) === 0;
  if (termsRefreshed) await refreshSearchTerms(db);
  const delivered = await deliverConfiguredEvents(db, {});
  return {
    published: delivered.counts.published,
    warehouse: delivered.counts.warehouse,
    termsRefreshed,
    seconds: (performance.now() - started) / 1000,
  };
}
