-- Incremental typeahead terms (issue 5). Rebuilding search_terms from every live study took 63 s of a 74 s
-- daily sync at 606,000 studies, to absorb ~1,500 changed studies. Now each write to `studies` logs what it
-- adds to and takes from the term counts, and refresh_search_terms() applies that log; the full rebuild
-- runs only after bulk loads, which skip the log (cds.search_terms = 'deferred', set by the loader while
-- the index phase is on) and mark the terms for rebuilding instead.

-- The distinct terms one study contributes, with the key they are counted under (the lower-cased, trimmed
-- spelling; case variants of a term are one term). The full rebuild and the log both count with it, so
-- they cannot disagree. 'word' terms are the title, condition and intervention words typeahead and "did you
-- mean" use ('simple' config: no stemming, lower case).
create function study_search_terms(s studies) returns table (kind text, key text, term text)
  language sql immutable parallel safe
begin atomic
  select distinct on (t.kind, lower(btrim(t.term))) t.kind, lower(btrim(t.term)), t.term
  from (
    select 'condition' as kind, c as term from unnest(s.conditions) c
    union all
    select 'intervention', i from unnest(s.intervention_names) i
    union all
    select 'sponsor', sp from unnest(array_prepend(s.lead_sponsor, s.collaborators)) sp
    union all
    select 'mesh', m from unnest(s.condition_mesh_terms || s.condition_mesh_ancestors || s.intervention_mesh_terms
      || s.intervention_mesh_ancestors) m
    union all
    select 'word', w from unnest(tsvector_to_array(to_tsvector('simple'::regconfig, coalesce(s.brief_title, '')
      || ' ' || coalesce(s.official_title, '') || ' ' || search_join(s.conditions) || ' '
      || search_join(s.intervention_names)))) w
    where length(w) between 3 and 40 and w ~ '^[[:alpha:]][[:alpha:]-]*$'
  ) t
  where length(btrim(t.term)) between 1 and 300
  order by t.kind, lower(btrim(t.term)), t.term;
end;

-- One row per counted term: the log's applied counts find their row by this key.
create unique index search_terms_key_idx on search_terms (kind, lower(btrim(term)));

-- Pending changes to search_terms.study_count, written in the transaction that changed the studies.
create table search_term_changes (
  kind text not null,
  key text not null,
  term text not null,
  delta integer not null
);

-- Whether the log is incomplete (a deferred bulk write happened), so the next refresh must rebuild.
create table search_terms_state (
  only_row boolean primary key default true check (only_row),
  rebuild_required boolean not null
);
-- Existing databases rebuild once, which also gives them the counting of study_search_terms.
insert into search_terms_state (rebuild_required) values (true);

-- Logs one statement's net change: −1 for each term of a live old row, +1 for each of a live new row, summed
-- per key (an update that keeps a study's terms logs nothing). Statement-level, over the transition tables.
create function log_search_term_changes() returns trigger
  language plpgsql
  as $$
begin
  if current_setting('cds.search_terms', true) = 'deferred' then
    update search_terms_state set rebuild_required = true where not rebuild_required;
    return null;
  end if;
  if tg_op = 'INSERT' then
    insert into search_term_changes (kind, key, term, delta)
    select k.kind, k.key, min(k.term), count(*)::int
    from new_rows n
    cross join lateral study_search_terms(n) k
    where n.removed_at is null
    group by k.kind, k.key;
  elsif tg_op = 'UPDATE' then
    insert into search_term_changes (kind, key, term, delta)
    select d.kind, d.key, min(d.term), sum(d.delta)::int
    from (
      select k.kind, k.key, k.term, 1 as delta
      from new_rows n
      cross join lateral study_search_terms(n) k
      where n.removed_at is null
      union all
      select k.kind, k.key, k.term, -1
      from old_rows o
      cross join lateral study_search_terms(o) k
      where o.removed_at is null
    ) d
    group by d.kind, d.key
    having sum(d.delta) <> 0;
  else
    insert into search_term_changes (kind, key, term, delta)
    select k.kind, k.key, min(k.term), -count(*)::int
    from old_rows o
    cross join lateral study_search_terms(o) k
    where o.removed_at is null
    group by k.kind, k.key;
  end if;
  return null;
end
$$;

create trigger studies_search_terms_insert after insert on studies
  referencing new table as new_rows for each statement execute function log_search_term_changes();
create trigger studies_search_terms_update after update on studies
  referencing old table as old_rows new table as new_rows for each statement execute function log_search_term_changes();
create trigger studies_search_terms_delete after delete on studies
  referencing old table as old_rows for each statement execute function log_search_term_changes();

-- Brings search_terms and search_synonyms up to date and says how: 'full' (rebuilt from every live study:
-- after a bulk load, or when the log holds more than a rebuild would read) or 'incremental' (the log
-- applied). Either way the log is emptied in the same transaction, so a change is counted exactly once.
drop function refresh_search_terms();
create function refresh_search_terms() returns text
  language plpgsql
  as $$
declare
  full_rebuild boolean;
begin
  -- Taken first: a concurrent refresh waits here instead of applying the same log rows twice.
  select rebuild_required into full_rebuild from search_terms_state for update;
  full_rebuild := full_rebuild
    or (select count(*) from (select 1 from search_term_changes limit 500000) c) >= 500000
    or not exists (select 1 from search_terms);

  if full_rebuild then
    delete from search_term_changes;
    delete from search_terms;
    insert into search_terms (kind, term, study_count)
    select k.kind, mode() within group (order by k.term), count(*)::int
    from studies s
    cross join lateral study_search_terms(s) k
    where s.removed_at is null
    group by k.kind, k.key;
    update search_terms_state set rebuild_required = false;
  else
    with changes as (
      delete from search_term_changes returning kind, key, term, delta
    ), net as (
      select kind, key, min(term) as term, sum(delta)::int as delta
      from changes
      group by kind, key
      having sum(delta) <> 0
    )
    insert into search_terms (kind, term, study_count)
    select kind, term, delta from net
    on conflict (kind, (lower(btrim(term)))) do update
      set study_count = search_terms.study_count + excluded.study_count;
    delete from search_terms where study_count <= 0;
  end if;

  -- MeSH synonyms come from study_mesh's condition leaves (a few per study): rebuilt each time.
  delete from search_synonyms;
  insert into search_synonyms (synonym, mesh_term, study_count)
  select min(m.as_found), m.term, count(distinct m.nct_id)
  from study_mesh m
  join studies s on s.nct_id = m.nct_id and s.removed_at is null
  where m.domain = 'condition' and m.relation = 'leaf' and m.as_found is not null
    and lower(m.as_found) <> lower(m.term)
  group by lower(m.as_found), m.term;

  return case when full_rebuild then 'full' else 'incremental' end;
end
$$;
