/**
 * Posts due alerts to their saved search's webhook, with retries. One POST per saved search carries its
 * due alerts (JSON `{ search: { id, name }, alerts: [...] }`); a 2xx answer marks them delivered. Anything
 * else (an error status, a refused connection, no answer within the timeout) schedules another attempt
 * after a growing delay — 1, 4, 16, 64 minutes … — and after `maxAttempts` the alerts are marked failed
 * (they stay readable through the API and the console). Receivers should de-duplicate by alert `id`: an
 * answer lost on the way back makes the next attempt send the same alerts again.
 */
import { describeError } from '../errors.ts';
import type { Db } from '../store/db.ts';

export interface WebhookDeliveryOptions {
  /** HTTP client (default global fetch). */
  fetch?: typeof fetch;
  /** Attempts per alert before it is marked failed (default 6: the last about 5.7 hours after the first). */
  maxAttempts?: number;
  /** Timeout of one POST in milliseconds (default 10 s). */
  timeoutMs?: number;
  /** Delay before attempt n+1 in milliseconds (default 60 s × 4^(n−1)). */
  retryDelayMs?: (attempts: number) => number;
  /** Alerts per POST (default 100). */
  batchSize?: number;
}

export interface WebhookDeliveryResult {
  delivered: number;
  /** Alerts whose attempt failed and that are scheduled again. */
  retrying: number;
  /** Alerts given up after maxAttempts. */
  failed: number;
}

interface DueAlert {
  id: number;
  search_id: number;
  search_name: string;
  webhook_url: string;
  attempts: number;
  kind: string;
  nct_id: string;
  version: number;
  occurred_at: string;
  changes: unknown;
  reason: string | null;
}

/** Delivers every alert due now (next_attempt_at ≤ now()), one POST per search and batch. */
export async function deliverAlertWebhooks(
  db: Db,
  options: WebhookDeliveryOptions = {},
): Promise<WebhookDeliveryResult> {
  const post = options.fetch ?? fetch;
  const maxAttempts = options.maxAttempts ?? 6;
  const delay = options.retryDelayMs ?? ((n: number) => 60_000 * 4 ** (n - 1));
  const result: WebhookDeliveryResult = { delivered: 0, retrying: 0, failed: 0 };
  const { rows } = await db.query<DueAlert>(
    `select a.id, a.search_id, s.name as search_name, s.webhook_url, a.attempts, a.kind, a.nct_id, a.version,
            to_char(a.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as occurred_at,
            a.changes, a.reason
     from search_alerts a join saved_searches s on s.id = a.search_id
     where a.delivered_at is null and a.failed_at is null and a.next_attempt_at <= now()
       and s.webhook_url is not null
     order by a.search_id, a.id`,
  );
  const batchSize = Math.max(1, options.batchSize ?? 100);
  for (const batch of batches(rows, batchSize)) {
    const first = batch[0]!;
    const body = {
      search: { id: Number(first.search_id), name: first.search_name },
      alerts: batch.map((a) => ({
        id: Number(a.id),
        kind: a.kind,
        nctId: a.nct_id,
        version: a.version,
        occurredAt: a.occurred_at,
        changes: a.changes,
        reason: a.reason,
      })),
    };
    const error = await send(post, first.webhook_url, body, options.timeoutMs ?? 10_000);
    const ids = batch.map((a) => Number(a.id));
    if (error === null) {
      await db.query(
        'update search_alerts set attempts = attempts + 1, delivered_at = now(), last_error = null where id = any($1::bigint[])',
        [ids],
      );
      result.delivered += ids.length;
      continue;
    }
    const attempts = first.attempts + 1;
    const giveUp = attempts >= maxAttempts;
    await db.query(
      `update search_alerts set attempts = attempts + 1, last_error = $2,
         next_attempt_at = case when $3 then null else now() + make_interval(secs => $4::double precision / 1000) end,
         failed_at = case when $3 then now() else null end
       where id = any($1::bigint[])`,
      [ids, error, giveUp, delay(attempts)],
    );
    if (giveUp) result.failed += ids.length;
    else result.retrying += ids.length;
  }
  return result;
}

/** Consecutive alerts of one search and one attempt count, at most `size` at a time. */
function batches(rows: readonly DueAlert[], size: number): DueAlert[][] {
  const out: DueAlert[][] = [];
  for (const row of rows) {
    const last = out.at(-1);
    const head = last?.[0];
    if (
      last &&
      head &&
      head.search_id === row.search_id &&
      head.attempts === row.attempts &&
      last.length < size
    )
      last.push(row);
    else out.push([row]);
  }
  return out;
}

/** POSTs `body`; null on a 2xx answer, else what went wrong. */
async function send(
  post: typeof fetch,
  url: string,
  body: unknown,
  timeoutMs: number,
): Promise<string | null> {
  try {
    const response = await post(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'clinical-data-searcher' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    return response.ok ? null : `HTTP ${response.status}`;
  } catch (error) {
    return describeError(error);
  }
}
