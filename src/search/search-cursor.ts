/**
 * Keyset pagination cursors: the last row's sort key and NCT id, plus a fingerprint of the query, encoded
 * as base64url JSON. Opaque to clients; decoded strictly, so a forged or foreign cursor is a BAD_QUERY,
 * never SQL (the values only ever travel as bound parameters).
 */
import { z } from 'zod';
import { canonicalJson, sha256Hex } from '../canonical-json.ts';
import { CdsError } from '../errors.ts';
import { NCT_ID_PATTERN, type SearchQuery, type SearchSort } from './search-query.ts';

/** A date sort key: a calendar date, or ±infinity standing for a missing date (sorted last). */
const DATE_KEY = /^(\d{4}-\d{2}-\d{2}|-?infinity)$/;

const cursorSchema = z
  .object({
    v: z.literal(1),
    /** Fingerprint of the query the cursor belongs to. */
    f: z.string().length(16),
    /** The sort key of the last row returned. */
    k: z.union([z.number().finite(), z.string().max(20)]),
    id: z.string().regex(NCT_ID_PATTERN),
  })
  .strict();

export interface CursorPosition {
  key: number | string;
  nctId: string;
}

/** The query without its paging parts: a cursor is valid for any page size, never for another query. */
export function queryFingerprint(query: SearchQuery): string {
  const { cursor: _cursor, pageSize: _pageSize, facets: _facets, ...rest } = query;
  return sha256Hex(canonicalJson(rest)).slice(0, 16);
}

export function encodeCursor(query: SearchQuery, position: CursorPosition): string {
  const body = { v: 1, f: queryFingerprint(query), k: position.key, id: position.nctId };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

/** Decodes and checks a cursor against the query and its sort; throws CdsError('BAD_QUERY'). */
export function decodeCursor(query: SearchQuery, sort: SearchSort, cursor: string): CursorPosition {
  const bad = (why: string) =>
    new CdsError('BAD_QUERY', `Invalid cursor: ${why}. Start again without a cursor.`, {
      context: { cursor: cursor.slice(0, 40) },
    });
  let decoded: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad('not a cursor returned by this API');
  }
  const parsed = cursorSchema.safeParse(decoded);
  if (!parsed.success) throw bad('not a cursor returned by this API');
  if (parsed.data.f !== queryFingerprint(query)) throw bad('it belongs to a different query');
  const { k } = parsed.data;
  const isDateSort = sort === 'last_update' || sort === 'start_date' || sort === 'completion_date';
  const fits = isDateSort
    ? typeof k === 'string' &&
      DATE_KEY.test(k) &&
      (k.endsWith('infinity') || z.iso.date().safeParse(k).success)
    : typeof k === 'number' &&
      (sort !== 'enrollment' || (Number.isInteger(k) && Math.abs(k) <= 2_147_483_647));
  if (!fits) throw bad('its position does not fit the sort');
  return { key: k, nctId: parsed.data.id };
}
