/**
 * Brings the typeahead terms and the MeSH synonyms up to date with the live studies (SQL function
 * refresh_search_terms, migrations 000004 and 000009). Every write to `studies` logs its net change to the
 * term counts in its own transaction; the refresh applies that log (milliseconds for a daily sync) or, after
 * a bulk write that skipped the log, rebuilds the terms from every live study (about a minute at 606,000).
 * It runs in one transaction, so readers see the old or the new terms, never none, and a change is counted
 * exactly once. With nothing logged it only rebuilds the MeSH synonyms (~2 s at 606,000 studies), so
 * callers run it after every load, which also catches up a run that crashed between its load and its
 * refresh.
 */
import type { Db, Queryable } from '../store/db.ts';

export interface SearchTermCounts {
  terms: number;
  synonyms: number;
  /** 1 when the terms were rebuilt from every live study, 0 when the change log was applied. */
  termsRebuilt: number;
}

/** The setting that makes writes to `studies` skip the change log and mark the terms for a rebuild. */
export const SEARCH_TERMS_SETTING = 'cds.search_terms';

export async function refreshSearchTerms(db: Db): Promise<SearchTermCounts> {
  return db.transaction(async (tx) => {
    const { rows: mode } = await tx.query<{ mode: string }>('select refresh_search_terms() as mode');
    const { rows } = await tx.query<{ terms: number; synonyms: number }>(
      'select (select count(*)::int from search_terms) as terms, (select count(*)::int from search_synonyms) as synonyms',
    );
    return {
      terms: rows[0]?.terms ?? 0,
      synonyms: rows[0]?.synonyms ?? 0,
      termsRebuilt: mode[0]?.mode === 'full' ? 1 : 0,
    };
  });
}

/**
 * For bulk writes (an initial load, a rebuild): this transaction's writes to `studies` skip the per-statement
 * change log, and the next refresh rebuilds the terms once instead.
 */
export async function deferSearchTerms(tx: Queryable): Promise<void> {
  await tx.query(`select set_config('${SEARCH_TERMS_SETTING}', 'deferred', true)`);
}
