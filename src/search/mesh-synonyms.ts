/**
 * Query-time MeSH synonym expansion from the data itself: when a condition text is, word for word (after
 * stemming), a wording that ClinicalTrials.gov mapped to a MeSH term in some study (search_synonyms, from
 * browseLeaves[].asFound), the search also matches studies indexed with that MeSH term. "heart attack"
 * thereby finds studies whose conditions or MeSH terms say "Myocardial Infarction" (search-plan.ts matches
 * the returned terms as phrases). Terms and ancestors themselves are matched by the MeSH vector; this adds
 * what their words alone cannot reach.
 */
import { sql } from 'kysely';
import type { Db } from '../store/db.ts';
import { runSearchSql } from './run-search-sql.ts';

/** Most MeSH terms one condition text expands to. */
const MAX_EXPANSIONS = 20;

export async function meshSynonyms(db: Db, condition: string, timeoutMs: number): Promise<string[]> {
  const rows = await runSearchSql<{ mesh_term: string }>(
    db,
    sql`select mesh_term from search_synonyms
      where to_tsvector('english'::regconfig, synonym) @@ plainto_tsquery('english'::regconfig, ${condition})
        and strip(to_tsvector('english'::regconfig, synonym)) = strip(to_tsvector('english'::regconfig, ${condition}))
      group by mesh_term
      order by sum(study_count) desc, mesh_term
      limit ${sql.lit(MAX_EXPANSIONS)}`,
    timeoutMs,
  );
  return rows.map((r) => r.mesh_term);
}
