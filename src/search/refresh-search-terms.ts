/**
 * Rebuilds the typeahead terms and the MeSH synonyms from the live studies (SQL function
 * refresh_search_terms in migration 000004). The loader calls it after a load; it takes seconds at
 * registry scale and runs in one transaction, so readers see the old or the new terms, never none.
 */
import type { Db } from '../store/db.ts';

export interface SearchTermCounts {
  terms: number;
  synonyms: number;
}

export async function refreshSearchTerms(db: Db): Promise<SearchTermCounts> {
  return db.transaction(async (tx) => {
    await tx.query('select refresh_search_terms()');
    const { rows } = await tx.query<{ terms: number; synonyms: number }>(
      'select (select count(*)::int from search_terms) as terms, (select count(*)::int from search_synonyms) as synonyms',
    );
    return rows[0] ?? { terms: 0, synonyms: 0 };
  });
}
