/**
 * Saved searches: a search query kept under a name, optionally with a webhook that receives its alerts.
 * Saving one records the studies it matches now, so alerts start from the next sync: a study already in
 * the results is not reported as added.
 */
import { CdsError } from '../errors.ts';
import { meshSynonyms } from '../search/mesh-synonyms.ts';
import { parseSearchQuery, type SearchQuery } from '../search/search-query.ts';
import type { Db, Queryable } from '../store/db.ts';
import { matchingIdsSql } from './saved-search-sql.ts';

export interface SavedSearch {
  id: number;
  name: string;
  query: SearchQuery;
  meshSynonyms: string[];
  webhookUrl: string | null;
  /** ISO timestamp (UTC). */
  createdAt: string;
  /** Studies in its results now. */
  matches: number;
}

export interface SaveSearchInput {
  name: string;
  /** A search query as the API takes it (validated here). */
  query: unknown;
  /** http(s) URL that receives the alerts (POST, JSON). */
  webhookUrl?: string | null;
  /** Statement timeout for resolving synonyms, in milliseconds (default 5 s). */
  timeoutMs?: number;
}

export async function saveSearch(db: Db, input: SaveSearchInput): Promise<SavedSearch> {
  const name = input.name.trim();
  if (name === '' || name.length > 200)
    throw new CdsError('BAD_QUERY', 'A saved search needs a name of 1–200 characters.');
  const query = parseSearchQuery(input.query);
  const webhookUrl = input.webhookUrl ? checkWebhookUrl(input.webhookUrl) : null;
  const synonyms =
    query.condition && query.meshExpansion
      ? await meshSynonyms(db, query.condition, input.timeoutMs ?? 5_000)
      : [];
  const id = await db.transaction(async (tx) => {
    const { rows } = await tx
      .query<{ id: number }>(
        `insert into saved_searches (name, query, mesh_synonyms, webhook_url) values ($1, $2, $3, $4) returning id`,
        [name, JSON.stringify(query), synonyms, webhookUrl],
      )
      .catch((error: unknown) => {
        if ((error as { code?: string }).code === '23505')
          throw new CdsError('BAD_QUERY', `A saved search named "${name}" exists already.`, { cause: error });
        throw error;
      });
    const searchId = Number(rows[0]!.id);
    const match = matchingIdsSql(query, synonyms);
    await tx.query(
      `insert into saved_search_matches (search_id, nct_id) select $${match.params.length + 1}::bigint, m.nct_id
       from (${match.text}) m`,
      [...match.params, searchId],
    );
    return searchId;
  });
  return (await getSavedSearch(db, id))!;
}

export async function listSavedSearches(db: Queryable): Promise<SavedSearch[]> {
  return selectSavedSearches(db, null);
}

/** The saved search `id`, or null when there is none. */
export async function getSavedSearch(db: Queryable, id: number): Promise<SavedSearch | null> {
  return (await selectSavedSearches(db, id))[0] ?? null;
}

async function selectSavedSearches(db: Queryable, id: number | null): Promise<SavedSearch[]> {
  const { rows } = await db.query<{
    id: number;
    name: string;
    query: SearchQuery;
    mesh_synonyms: string[];
    webhook_url: string | null;
    created_at: string;
    matches: number;
  }>(
    `select s.id, s.name, s.query, s.mesh_synonyms, s.webhook_url,
            to_char(s.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_at,
            (select count(*)::int from saved_search_matches m where m.search_id = s.id) as matches
     from saved_searches s where $1::bigint is null or s.id = $1 order by s.id`,
    [id],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    name: r.name,
    query: r.query,
    meshSynonyms: r.mesh_synonyms,
    webhookUrl: r.webhook_url,
    createdAt: r.created_at,
    matches: r.matches,
  }));
}

export async function deleteSavedSearch(db: Queryable, id: number): Promise<boolean> {
  return (await db.query('delete from saved_searches where id = $1', [id])).rowCount > 0;
}

function checkWebhookUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CdsError('BAD_QUERY', `The webhook "${text}" is not a URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new CdsError('BAD_QUERY', `The webhook must be an http(s) URL, not ${url.protocol}`);
  return url.toString();
}
