-- Saved searches with change alerts (issue 8, item 4). A saved search is a search query kept by name; an
-- event consumer ('alerts') works out, from each sync's change events, which studies entered its results
-- (added), changed while in them (changed, with the field diff), or left them (removed), and records one
-- alert per study and event. Alerts are read through the API and console and posted to the search's webhook.
create table saved_searches (
  id bigint generated always as identity primary key,
  name text not null unique,
  -- The validated search query (src/search/search-query.ts), as the API takes it.
  query jsonb not null,
  -- MeSH terms the condition text reached through synonyms when the search was saved (kept fixed, so the
  -- search means what it meant when saved).
  mesh_synonyms text[] not null default '{}',
  webhook_url text,
  created_at timestamptz not null default now()
);

-- The studies currently in each saved search's results (as far as change events have shown).
create table saved_search_matches (
  search_id bigint not null references saved_searches (id) on delete cascade,
  nct_id text not null,
  primary key (search_id, nct_id)
);

create table search_alerts (
  id bigint generated always as identity primary key,
  search_id bigint not null references saved_searches (id) on delete cascade,
  kind text not null check (kind in ('added', 'changed', 'removed')),
  nct_id text not null,
  version integer not null,
  event_id text not null,
  occurred_at timestamptz not null,
  -- Field-level diff for 'changed' (and for 'added'/'removed' caused by a change); [] otherwise.
  changes jsonb not null,
  -- 'removed': 'no_longer_matches', 'missing_from_snapshot' or 'merged'.
  reason text,
  created_at timestamptz not null default now(),
  -- Webhook delivery: attempts so far, when to try next, when it succeeded or was given up.
  attempts integer not null default 0,
  next_attempt_at timestamptz,
  delivered_at timestamptz,
  failed_at timestamptz,
  last_error text,
  unique (search_id, event_id)
);
create index search_alerts_search_idx on search_alerts (search_id, id);
create index search_alerts_pending_idx on search_alerts (next_attempt_at)
  where delivered_at is null and failed_at is null and next_attempt_at is not null;
