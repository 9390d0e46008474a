/**
 * The 'alerts' event consumer: after each sync, for every saved search, which studies entered its results
 * (added), changed while in them (changed, with the field-level diff), or left them (removed: no longer
 * matching, or gone from the registry). One alert per saved search, study and batch of events.
 *
 * A study is matched against the mirror as it is when the events are consumed (the search engine's own
 * predicates, saved-search-sql.ts), not against the event's version: a consumer that catches up late
 * reports where each study ended, with every change it went through in between.
 */
import type { FieldChange } from '../domain/study-diff.ts';
import type { EventConsumer } from '../events/consume-events.ts';
import type { StudyEvent } from '../events/study-event.ts';
import type { SearchQuery } from '../search/search-query.ts';
import type { Queryable } from '../store/db.ts';
import { matchingIdsSql } from './saved-search-sql.ts';

export const ALERTS_CONSUMER = 'alerts';

export const alertsConsumer: EventConsumer = { name: ALERTS_CONSUMER, apply: applyAlertEvents };

interface StudyActivity {
  last: StudyEvent;
  changes: FieldChange[];
  updated: boolean;
}

interface Alert {
  searchId: number;
  kind: 'added' | 'changed' | 'removed';
  activity: StudyActivity;
  reason: string | null;
}

export async function applyAlertEvents(tx: Queryable, events: readonly StudyEvent[]): Promise<number> {
  const { rows: searches } = await tx.query<{ id: number; query: SearchQuery; mesh_synonyms: string[] }>(
    'select id, query, mesh_synonyms from saved_searches order by id',
  );
  if (searches.length === 0 || events.length === 0) return events.length;
  const activity = new Map<string, StudyActivity>();
  for (const event of events) {
    const seen = activity.get(event.nctId) ?? { last: event, changes: [], updated: false };
    seen.last = event;
    seen.changes.push(...event.changes);
    seen.updated ||= event.type === 'study.updated' || event.restored;
    activity.set(event.nctId, seen);
  }
  const ids = [...activity.keys()];
  const alerts: Alert[] = [];
  for (const search of searches) {
    const searchId = Number(search.id);
    const match = matchingIdsSql(search.query, search.mesh_synonyms, ids);
    const now = new Set(
      (await tx.query<{ nct_id: string }>(match.text, match.params)).rows.map((r) => r.nct_id),
    );
    const { rows } = await tx.query<{ nct_id: string }>(
      'select nct_id from saved_search_matches where search_id = $1 and nct_id = any($2::text[])',
      [searchId, ids],
    );
    const before = new Set(rows.map((r) => r.nct_id));
    for (const [nctId, seen] of activity) {
      if (now.has(nctId) && !before.has(nctId))
        alerts.push({ searchId, kind: 'added', activity: seen, reason: null });
      else if (now.has(nctId) && seen.updated)
        alerts.push({ searchId, kind: 'changed', activity: seen, reason: null });
      else if (!now.has(nctId) && before.has(nctId))
        alerts.push({
          searchId,
          kind: 'removed',
          activity: seen,
          reason: seen.last.removal?.reason ?? 'no_longer_matches',
        });
    }
  }
  await updateMatches(tx, alerts);
  await insertAlerts(tx, alerts);
  return events.length;
}

async function updateMatches(tx: Queryable, alerts: readonly Alert[]): Promise<void> {
  const added = alerts.filter((a) => a.kind === 'added');
  const removed = alerts.filter((a) => a.kind === 'removed');
  if (added.length > 0)
    await tx.query(
      `insert into saved_search_matches (search_id, nct_id) select * from unnest($1::bigint[], $2::text[])
       on conflict do nothing`,
      [added.map((a) => a.searchId), added.map((a) => a.activity.last.nctId)],
    );
  if (removed.length > 0)
    await tx.query(
      `delete from saved_search_matches m using unnest($1::bigint[], $2::text[]) as u(search_id, nct_id)
       where m.search_id = u.search_id and m.nct_id = u.nct_id`,
      [removed.map((a) => a.searchId), removed.map((a) => a.activity.last.nctId)],
    );
}

/** Records the alerts; those of a search with a webhook are due for delivery at once. */
async function insertAlerts(tx: Queryable, alerts: readonly Alert[]): Promise<void> {
  if (alerts.length === 0) return;
  await tx.query(
    `insert into search_alerts (search_id, kind, nct_id, version, event_id, occurred_at, changes, reason,
                                next_attempt_at)
     select u.search_id, u.kind, u.nct_id, u.version, u.event_id, u.occurred_at, u.changes::jsonb, u.reason,
            case when s.webhook_url is null then null else now() end
     from unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::text[], $6::timestamptz[], $7::text[],
                 $8::text[]) with ordinality
          as u(search_id, kind, nct_id, version, event_id, occurred_at, changes, reason, ord)
     join saved_searches s on s.id = u.search_id
     order by u.ord
     on conflict (search_id, event_id) do nothing`,
    [
      alerts.map((a) => a.searchId),
      alerts.map((a) => a.kind),
      alerts.map((a) => a.activity.last.nctId),
      alerts.map((a) => a.activity.last.version),
      alerts.map((a) => a.activity.last.id),
      alerts.map((a) => a.activity.last.occurredAt),
      alerts.map((a) => JSON.stringify(a.activity.changes)),
      alerts.map((a) => a.reason),
    ],
  );
}
