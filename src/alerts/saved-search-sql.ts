/**
 * The SQL of a saved search: the search engine's own predicates (search-plan.ts), so a saved search matches
 * exactly the studies the search page would list for the same query (synonyms as resolved when saved).
 * Compiled without a connection, so it runs inside any transaction on either engine.
 */
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type RawBuilder,
  sql,
} from 'kysely';
import { buildSearchPlan } from '../search/search-plan.ts';
import type { SearchQuery } from '../search/search-query.ts';

const compiler = new Kysely<unknown>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/** The ids of the studies matching `query`; only among `ids` when given. */
export function matchingIdsSql(
  query: SearchQuery,
  synonyms: readonly string[],
  ids?: readonly string[],
): { text: string; params: readonly unknown[] } {
  const plan = buildSearchPlan(query, synonyms);
  const predicates: RawBuilder<unknown>[] = [...plan.base, ...Object.values(plan.facetFilters)];
  if (ids) predicates.push(sql`s.nct_id = any(${[...ids]}::text[])`);
  const compiled =
    sql`select distinct s.nct_id from ${plan.from} where ${sql.join(predicates, sql` and `)}`.compile(
      compiler,
    );
  return { text: compiled.sql, params: compiled.parameters };
}
