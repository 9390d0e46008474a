/**
 * "Did you mean": when a text query finds nothing, each word that no title, condition or intervention
 * uses is replaced by the most similar word that one does (trigram similarity over the `word` terms of
 * search_terms, ties to the most used word). The correction is offered only if it finds studies.
 */
import { sql } from 'kysely';
import type { Db } from '../store/db.ts';
import { runSearchSql } from './run-search-sql.ts';

const WORD = /[\p{L}][\p{L}-]{2,}/gu;
/** Operators of the web-search syntax, not words to correct. */
const OPERATORS = new Set(['or', 'and', 'not']);

/** The text with unknown words replaced, or null when every word is known or has no close match. */
export async function correctWords(db: Db, text: string, timeoutMs: number): Promise<string | null> {
  const words = [...new Set((text.match(WORD) ?? []).map((w) => w.toLowerCase()))]
    .filter((w) => !OPERATORS.has(w))
    .slice(0, 20);
  if (words.length === 0) return null;
  const rows = await runSearchSql<{ word: string; known: boolean; best: string | null }>(
    db,
    sql`select w.word,
        exists (select 1 from search_terms t where t.kind = 'word' and t.term = w.word) as known,
        (select t.term from search_terms t
          where t.kind = 'word' and lower(t.term) % w.word
          order by similarity(lower(t.term), w.word) desc, t.study_count desc, t.term
          limit 1) as best
      from unnest(${words}::text[]) as w(word)`,
    timeoutMs,
  );
  const replacements = new Map<string, string>();
  for (const row of rows)
    if (!row.known && row.best && row.best !== row.word) replacements.set(row.word, row.best);
  if (replacements.size === 0) return null;
  return text.replace(WORD, (w) => replacements.get(w.toLowerCase()) ?? w);
}
