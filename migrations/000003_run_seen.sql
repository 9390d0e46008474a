-- The NCT ids a load run has seen so far, filled batch by batch in the batch's own transaction. It serves
-- two things without holding 606,000 ids in the loader's memory: duplicates across batches of one run (the
-- same id again: page overlap, window overlap), and a full snapshot's removal pass (every study not seen
-- is gone from the registry). Unlogged: no WAL for ~606,000 short-lived rows; a server crash empties it,
-- which only affects a run that the crash has failed anyway (a re-run starts its own set).
create unlogged table run_seen (
  run_id text not null,
  nct_id text not null,
  -- The winning version's lastUpdatePostDate: a later duplicate replaces it, an earlier one is skipped.
  last_update_post_date date,
  primary key (run_id, nct_id)
);
