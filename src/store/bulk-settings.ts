/**
 * Session settings for the loader's write transactions (set LOCAL: they end with the transaction, so a
 * pooled connection goes back to the API unchanged).
 */
import { SEARCH_TERMS_SETTING } from '../search/refresh-search-terms.ts';
import type { Queryable } from './db.ts';

export interface BulkSettings {
  /** The server can compress TOAST values with lz4 (built --with-lz4; PostgreSQL 14+). */
  lz4: boolean;
  /**
   * A bulk write (the index phase is on): writes skip the typeahead terms' change log and mark the terms
   * for one rebuild at the end (refresh-search-terms.ts), instead of logging every study's terms.
   */
  deferSearchTerms?: boolean;
}

/** What the engine supports: asked once per load. PGlite is built without lz4. */
export async function detectBulkSettings(db: Queryable): Promise<BulkSettings> {
  const { rows } = await db.query<{ lz4: boolean }>(
    `select coalesce(bool_or('lz4' = any(enumvals)), false) as lz4
     from pg_settings where name = 'default_toast_compression'`,
  );
  return { lz4: rows[0]?.lz4 ?? false };
}

/**
 * - synchronous_commit off: a server crash loses at most the last few hundred milliseconds of commits,
 *   never consistency. The WAL is flushed in order, so the run's final synchronous commit (run state,
 *   watermark) makes every batch before it durable, and a run that did not reach it is re-run (unchanged
 *   studies are skipped). Saves one WAL flush per batch.
 * - default_toast_compression lz4: every study writes ~17 KB of jsonb document and several KB of text and
 *   tsvector, all compressed by TOAST. pglz (the default) cost more database time than the weighted
 *   tsvector in our measurements; lz4 compresses several times faster at a similar ratio, and values
 *   stay readable whatever the setting (each value records its method).
 */
export async function applyBulkSettings(tx: Queryable, settings: BulkSettings): Promise<void> {
  await tx.query(
    `select set_config('synchronous_commit', 'off', true)${
      settings.lz4 ? `, set_config('default_toast_compression', 'lz4', true)` : ''
    }${settings.deferSearchTerms ? `, set_config('${SEARCH_TERMS_SETTING}', 'deferred', true)` : ''}`,
  );
}
