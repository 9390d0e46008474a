/**
 * The statements a call sends to the database, each with the settings it ran under (search's SET LOCALs,
 * Db.readWith), so that a test can replay one under EXPLAIN as it ran. Searches run their statements on
 * several connections at once, so the order of the whole capture interleaves them.
 */
import { type Db, type Queryable, type SessionSettings, setLocalScript } from '../../src/store/db.ts';

export interface Sent {
  text: string;
  params: unknown[];
}
export interface CapturedStatement {
  statement: Sent;
  /** The statement's own settings; none for a statement of a plain transaction. */
  settings: SessionSettings;
}

export async function captureStatements(
  db: Db,
  fn: (db: Db) => Promise<unknown>,
): Promise<CapturedStatement[]> {
  const seen: CapturedStatement[] = [];
  const spy: Db = {
    ...db,
    transaction: (inner) =>
      db.transaction((tx) =>
        inner({
          ...tx,
          query: (text: string, params?: readonly unknown[]) => {
            seen.push({ statement: { text, params: [...(params ?? [])] }, settings: {} });
            return tx.query(text, params);
          },
        } as Queryable),
      ),
    readWith: (settings, text, params) => {
      seen.push({ statement: { text, params: [...(params ?? [])] }, settings });
      return db.readWith(settings, text, params);
    },
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
      if (Object.keys(settings).length > 0) await tx.exec(setLocalScript(settings));
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
