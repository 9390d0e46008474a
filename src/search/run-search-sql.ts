/**
 * Runs one search statement under a statement_timeout and a larger work_mem (set locally in its own
 * transaction by Db.readWith, so a pooled connection keeps its defaults afterwards) and turns a
 * cancellation into CdsError('TIMEOUT'). readWith sends the settings with BEGIN and commits after handing
 * the rows back: a search runs three or four statements at once on two cores, where each round trip waited
 * for a core ("smoking cessation" 43 → 36 ms p50, interleaved, at 605,500 studies).
 *
 * Planner settings, measured on registry-size benchmark databases (bench/search.ts):
 * - JIT off: a broad query's estimated cost passes jit_above_cost, and compiling costs more than a search
 *   that reads at most a few thousand rows gains from it.
 * - `indexed` (the bounded count and the page of a query with a text, id or location predicate, answered
 *   by a GIN index): sequential scans off. The planner prices `@@` like any cheap operator, so for a LIMIT
 *   over a broad term it picks a sequential scan that expects to stop early, and de-TOASTs a search vector
 *   per row it filters: 1.0 s for the first 10,001 "cancer" matches, against ~0.1 s through the index,
 *   which needs no vector. Unbounded statements keep the planner's choice (for "patients", in 95 % of
 *   the studies, scanning the sample beats reading it through the index).
 * - `bitmap` (plain index scans off too), in two places:
 *   - a sample read of a fielded query. With the field vectors stored (migration 000015) the planner
 *     walked the sample's btree and filtered every sampled row on its vector (750 ms for "leukemia" on the
 *     1-in-8 sample) instead of ANDing the sample's bitmap with the vector's GIN lookup (35 ms; since
 *     migration 000017, the lookup in the field's GIN index over the sample alone);
 *   - the page of a text query sorted by relevance (without a radius, search-page.ts), whose 500 rank
 *     candidates were found like the bounded count's rows: whether the planner scanned the table changed
 *     with each ANALYZE's sample. Through the bitmap, "vaccine, 65 and over" 73 → 27 ms, "cancer" 45 → 30
 *     ms, "condition neoplasms" 57 → 25 ms.
 *     With sequential scans alone off, the planner walked a date btree for "patients" and filtered row by
 *     row, which ranked other candidates than the table order both other plans give (the benchmark's
 *     top-10 score against scoring every match fell from 0.54 to 0.15 for that query). The bitmap costs
 *     "patients" itself 14 → 56 ms.
 * - No parallel workers: a search runs its page and its counts at once on two connections, and on two
 *   cores the workers only competed with them ("condition leukemia, phase 2" p50 144 → 102 ms).
 */
import type { RawBuilder } from 'kysely';
import { CdsError } from '../errors.ts';
import type { Db } from '../store/db.ts';

/**
 * work_mem of a search statement: the facet counts materialize up to ~75,000 sampled rows (~13 MB), which
 * spill to temporary files under the default 4 MB. Counted per sort/hash node, so a few times this at most.
 */
const SEARCH_WORK_MEM = '32MB';

/** SQLSTATE query_canceled: statement_timeout fired. */
const QUERY_CANCELED = '57014';

export async function runSearchSql<R>(
  db: Db,
  statement: RawBuilder<unknown>,
  timeoutMs: number,
  options: { indexed?: boolean; bitmap?: boolean } = {},
): Promise<R[]> {
  const compiled = statement.compile(db.kysely);
  try {
    const settings = {
      statement_timeout: String(Math.round(timeoutMs)),
      work_mem: SEARCH_WORK_MEM,
      jit: 'off',
      enable_seqscan: options.indexed || options.bitmap ? 'off' : 'on',
      enable_indexscan: options.bitmap ? 'off' : 'on',
      max_parallel_workers_per_gather: '0',
    };
    return (await db.readWith<R>(settings, compiled.sql, compiled.parameters)).rows;
  } catch (error) {
    if ((error as { code?: unknown }).code === QUERY_CANCELED)
      throw new CdsError(
        'TIMEOUT',
        `The search took longer than ${timeoutMs} ms and was stopped. Narrow it (a more specific term, ` +
          'more filters) or raise CDS_SEARCH_TIMEOUT_MS.',
        { cause: error, context: { timeoutMs } },
      );
    throw error;
  }
}
