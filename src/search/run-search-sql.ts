/**
 * Runs one search statement under a statement_timeout and a larger work_mem (set locally in its own
 * transaction, so a pooled connection keeps its defaults afterwards) and turns a cancellation into
 * CdsError('TIMEOUT').
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
): Promise<R[]> {
  const compiled = statement.compile(db.kysely);
  try {
    return await db.transaction(async (tx) => {
      await tx.query(`select set_config('statement_timeout', $1, true), set_config('work_mem', $2, true)`, [
        String(Math.round(timeoutMs)),
        SEARCH_WORK_MEM,
      ]);
      return (await tx.query<R>(compiled.sql, compiled.parameters)).rows;
    });
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
