-- Versions of the canonical Study document and the change events about them (issue 8).
--
-- study_versions: every distinct content of a study (its content hash without volatile fields, so the
-- daily versionHolder never makes a version) as a canonical, source-independent Study document, with the
-- period it was the registry's current content. History starts at the first sync that saw the study:
-- valid_from is the start time of the run that observed the version, not the registry's own history.
create table study_versions (
  nct_id text not null references studies (nct_id) on delete cascade,
  -- studies.version when the version was written (the loader bumps it on every content change).
  version integer not null,
  content_hash text not null,
  -- Version of the Study document's shape (src/domain/study-document.ts), for readers of old rows.
  schema_version integer not null,
  document jsonb not null,
  run_id text,
  valid_from timestamptz not null,
  -- End of the period (exclusive): superseded by the next version, or the study was removed.
  valid_to timestamptz,
  removed_at timestamptz,
  removed_reason text check (removed_reason in ('missing_from_snapshot', 'merged')),
  primary key (nct_id, version)
);

-- The transactional outbox: one row per change event, written in the same transaction as the load that
-- made the change, so an event exists exactly when its change committed. A relay publishes the rows in
-- order; `published_seq` is the order of publication (the in-process log that consumers read when no
-- message bus is configured). The Study document is not copied here: it is joined from study_versions.
create table outbox (
  -- Insertion order. Two load transactions may commit out of this order, so readers never use it as a
  -- position: per study it is the commit order (one study is written by one lane at a time).
  seq bigint generated always as identity primary key,
  -- Stable id of the event: the bus de-duplicates on it (Nats-Msg-Id), consumers log it.
  event_id text not null unique,
  type text not null check (type in ('study.created', 'study.updated', 'study.removed')),
  nct_id text not null,
  version integer not null,
  run_id text,
  occurred_at timestamptz not null,
  -- { changes: field-level diff, restored?, reason?, mergedInto? }
  payload jsonb not null,
  created_at timestamptz not null default now(),
  -- Assigned by the relay, in order, under its lock: gap-free and monotonic in commit order.
  published_seq bigint unique,
  published_at timestamptz
);
create index outbox_unpublished_idx on outbox (seq) where published_seq is null;
create index outbox_nct_id_idx on outbox (nct_id, seq);

-- Where each event consumer is: the position of the last event it applied, in the numbering of the source
-- it reads ('outbox': published_seq; 'nats:<stream>': the stream sequence). Written in the same
-- transaction as the consumer's effects, so a crash never applies an event without moving the position.
create table event_consumers (
  name text not null,
  source text not null,
  position bigint not null default 0,
  updated_at timestamptz not null default now(),
  primary key (name, source)
);
