/**
 * Typeahead and typo tolerance over the small search_terms table (migration 000004): trigram word
 * similarity finds "pembrolizumab" for "pembrolizumb"; prefix matches come first, then the most similar,
 * then the most used.
 */
import { sql } from 'kysely';
import { z } from 'zod';
import { CdsError } from '../errors.ts';
import type { Db } from '../store/db.ts';
import { runSearchSql } from './run-search-sql.ts';
import { describeIssues } from './search-query.ts';

export const SUGGEST_KINDS = ['condition', 'intervention', 'sponsor', 'mesh'] as const;
export type SuggestKind = (typeof SUGGEST_KINDS)[number];

export const suggestQuerySchema = z
  .object({
    q: z
      .string()
      .max(100, 'must be at most 100 characters')
      .transform((s) =>
        s
          .replace(/[\u0000-\u001f\u007f]+/g, ' ')
          .trim()
          .toLowerCase(),
      )
      .pipe(z.string().min(2, 'must have at least 2 characters')),
    kinds: z.array(z.enum(SUGGEST_KINDS)).min(1).optional(),
    limit: z.number().int().min(1).max(50).default(10),
  })
  .strict();
export type SuggestQueryInput = z.input<typeof suggestQuerySchema>;

export interface Suggestion {
  kind: SuggestKind;
  term: string;
  /** Live studies that use the term. */
  studyCount: number;
  /** Trigram word similarity of the typed text within the term, 0–1. */
  score: number;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function suggestTerms(
  db: Db,
  input: SuggestQueryInput,
  timeoutMs: number,
): Promise<Suggestion[]> {
  const parsed = suggestQuerySchema.safeParse(input);
  if (!parsed.success)
    throw new CdsError('BAD_QUERY', `Invalid suggest query: ${describeIssues(parsed.error)}`);
  const { q, kinds, limit } = parsed.data;
  const prefix = `${escapeLike(q)}%`;
  const rows = await runSearchSql<{ kind: SuggestKind; term: string; study_count: number; score: number }>(
    db,
    sql`select kind, term, study_count, word_similarity(${q}, lower(term))::float8 as score
      from search_terms
      where kind = any(${[...(kinds ?? SUGGEST_KINDS)]}::text[])
        and (lower(term) like ${prefix} or ${q} <% lower(term))
      order by lower(term) like ${prefix} desc, word_similarity(${q}, lower(term)) desc, study_count desc, term
      limit ${sql.lit(limit)}`,
    timeoutMs,
  );
  return rows.map((r) => ({
    kind: r.kind,
    term: r.term,
    studyCount: r.study_count,
    score: Math.round(r.score * 1000) / 1000,
  }));
}
