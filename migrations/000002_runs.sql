-- Every run and every step of a run, with state, timings, counts, warnings and errors; the quarantine;
-- and the persisted sync state (watermark). `cds runs`, `cds quarantine` and the console read these.

create table runs (
  -- Sortable UTC timestamp plus a random suffix, the same id as the run's landing directory.
  id text primary key,
  kind text not null check (kind in ('sync', 'load', 'download', 'rebuild', 'reconcile')),
  trigger text not null default 'cli',
  state text not null default 'running' check (state in ('running', 'succeeded', 'failed')),
  params jsonb not null default '{}',
  landing_dir text,
  data_timestamp text,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  heartbeat_at timestamptz not null default now(),
  -- fetched, valid, quarantined, duplicates, inserted, updated, unchanged, removed, warnings.
  counts jsonb not null default '{}',
  error text
);
create index runs_started_at_idx on runs (started_at desc);
-- At most one run that writes studies at a time, across processes and engines: a second sync, load or
-- rebuild fails to insert its row (the crashed run's row is failed by its stale heartbeat first).
create unique index runs_one_writer_idx on runs ((true)) where state = 'running' and kind <> 'download';

create table run_steps (
  -- Insertion order: steps and retries are listed in the order they started.
  seq bigint generated always as identity,
  run_id text not null references runs (id) on delete cascade,
  step text not null check (step in ('download', 'validate', 'transform', 'load', 'index', 'publish')),
  attempt integer not null default 1,
  state text not null default 'running' check (state in ('running', 'succeeded', 'failed', 'skipped')),
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  counts jsonb not null default '{}',
  -- Live progress of a running step (pages, studies, bytes), for the console.
  progress jsonb,
  error text,
  primary key (run_id, step, attempt)
);

-- Field warnings (unknown enum values, type changes): counted per code in run counts, the first
-- occurrences kept here for people to look at.
create table run_warnings (
  id bigint generated always as identity primary key,
  run_id text not null references runs (id) on delete cascade,
  nct_id text,
  code text not null,
  path text not null,
  message text not null
);
create index run_warnings_run_idx on run_warnings (run_id);

-- Records that cannot be stored faithfully (unparseable JSON, missing or malformed nctId): kept whole.
create table quarantine (
  id bigint generated always as identity primary key,
  run_id text not null references runs (id) on delete cascade,
  nct_id text,
  source text not null,
  path text not null,
  message text not null,
  raw text not null,
  created_at timestamptz not null default now()
);
create index quarantine_run_idx on quarantine (run_id);

-- Small persisted state: the sync watermark (last dataTimestamp fully loaded), crawl positions.
create table sync_state (
  key text primary key,
  value jsonb not null,
  updated_at timestamptz not null default now()
);
