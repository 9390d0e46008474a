/**
 * The statements a call sends to the database, each with the settings (search's set_config) of its own
 * transaction, so that a test can replay one under EXPLAIN as it ran. Searches run their statements on
 * several connections at once, so the order of the whole capture interleaves them; each statement keeps
 * its own transaction's settings.
 */
import type { Db, Queryable } from '../../src/store/db.ts';

export interface Sent {
  text: string;
  params: unknown[];
}
export interface CapturedStatement {
  statement: Sent;
  /** The transaction's set_config statement, or a no-op when it had none. */
  settings: Sent;
}

export async function captureStatements(
  db: Db,
  fn: (db: Db) => Promise<unknown>,
): Promise<CapturedStatement[]> {
  const seen: CapturedStatement[] = [];
  const spy: Db = {
    ...db,
    transaction: (inner) =>
      db.transaction((tx) => {
        let settings: Sent = { text: 'select 1', params: [] };
        return inner({
          ...tx,
          query: (text: string, params?: readonly unknown[]) => {
            const sent = { text, params: [...(params ?? [])] };
            if (text.includes('set_config')) settings = sent;
            else seen.push({ statement: sent, settings });
            return tx.query(text, params);
          },
        } as Queryable);
      }),
  };
  await fn(spy);
  return seen;
}

/**
 * EXPLAIN (with `options`, e.g. 'format json') of a captured statement under its own settings, then
 * `setup` (e.g. dropping an index, changing a planner switch), in a transaction that is rolled back.
 */
export async function explainCaptured<R>(
  db: Db,
  captured: CapturedStatement,
  options = '',
  setup: readonly string[] = [],
): Promise<R[]> {
  const { statement, settings } = captured;
  const undo = Symbol('rollback');
  let rows: R[] = [];
  await db
    .transaction(async (tx) => {
      await tx.query(settings.text, settings.params);
      for (const text of setup) await tx.query(text);
      const explain = options ? `explain (${options}) ${statement.text}` : `explain ${statement.text}`;
      rows = (await tx.query<R>(explain, statement.params)).rows;
      throw undo;
    })
    .catch((error: unknown) => {
      if (error !== undo) throw error;
    });
  return rows;
}
