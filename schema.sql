CREATE SCHEMA warehouse;

CREATE EXTENSION IF NOT EXISTS btree_gin WITH SCHEMA public;

CREATE EXTENSION IF NOT EXISTS cube WITH SCHEMA public;

CREATE EXTENSION IF NOT EXISTS earthdistance WITH SCHEMA public;

CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;

CREATE FUNCTION public.add_site_points() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
begin
  insert into site_points (geo)
  select distinct geo from new_sites where geo is not null order by geo
  on conflict do nothing;
  return null;
end;
$$;

CREATE FUNCTION public.create_indexes(definitions text[]) RETURNS void
    LANGUAGE plpgsql
    AS $$
declare
  definition text;
begin
  foreach definition in array definitions loop
    execute definition;
  end loop;
end
$$;

CREATE FUNCTION public.drop_study_secondary_indexes() RETURNS text[]
    LANGUAGE plpgsql
    AS $$
declare
  definitions text[] := '{}';
  dropped_index record;
begin
  for dropped_index in
    select i.relname as name, pg_get_indexdef(x.indexrelid) as definition
    from pg_index x join pg_class i on i.oid = x.indexrelid
    where x.indrelid = 'studies'::regclass and not x.indisprimary and not x.indisunique
  loop
    definitions := definitions || dropped_index.definition;
    execute format('drop index %I', dropped_index.name);
  end loop;
  return definitions;
end
$$;

CREATE FUNCTION public.geo_cell(lat double precision, lon double precision) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ((LEAST(GREATEST(((floor(lat))::integer + 90), 0), 179) * 360) + mod((mod(((floor(lon))::integer + 180), 360) + 360), 360));

CREATE FUNCTION public.log_search_term_changes() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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

CREATE FUNCTION public.refresh_search_terms() RETURNS text
    LANGUAGE plpgsql
    AS $$
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

CREATE FUNCTION public.search_join(parts text[]) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN COALESCE(array_to_string(parts, ' '::text), ''::text);

CREATE FUNCTION public.search_condition_vector(conditions text[], keywords text[], brief_title text, official_title text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ((setweight(to_tsvector('english'::regconfig, public.search_join(conditions)), 'A'::"char") || setweight(to_tsvector('english'::regconfig, ((COALESCE(brief_title, ''::text) || ' '::text) || COALESCE(official_title, ''::text))), 'B'::"char")) || setweight(to_tsvector('english'::regconfig, public.search_join(keywords)), 'C'::"char"));

CREATE FUNCTION public.search_intervention_vector(names text[], mesh_terms text[], mesh_ancestors text[]) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ((setweight(to_tsvector('english'::regconfig, public.search_join(names)), 'A'::"char") || setweight(to_tsvector('english'::regconfig, public.search_join(mesh_terms)), 'B'::"char")) || setweight(to_tsvector('english'::regconfig, public.search_join(mesh_ancestors)), 'C'::"char"));

CREATE FUNCTION public.search_mesh_vector(mesh_terms text[], mesh_ancestors text[]) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (setweight(to_tsvector('english'::regconfig, public.search_join(mesh_terms)), 'A'::"char") || setweight(to_tsvector('english'::regconfig, public.search_join(mesh_ancestors)), 'B'::"char"));

CREATE FUNCTION public.search_sponsor_vector(lead_sponsor text, collaborators text[], organization text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN to_tsvector('english'::regconfig, ((((COALESCE(lead_sponsor, ''::text) || ' '::text) || public.search_join(collaborators)) || ' '::text) || COALESCE(organization, ''::text)));

CREATE FUNCTION public.search_title_vector(brief_title text, official_title text, acronym text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN to_tsvector('english'::regconfig, ((((COALESCE(acronym, ''::text) || ' '::text) || COALESCE(brief_title, ''::text)) || ' '::text) || COALESCE(official_title, ''::text)));

CREATE TABLE public.studies (
    nct_id text NOT NULL,
    nct_id_aliases text[] DEFAULT '{}'::text[] NOT NULL,
    org_study_id text,
    brief_title text,
    official_title text,
    acronym text,
    organization text,
    organization_class text,
    overall_status text,
    last_known_status text,
    why_stopped text,
    status_verified_date date,
    study_type text,
    phases text[] DEFAULT '{}'::text[] NOT NULL,
    phase text,
    allocation text,
    intervention_model text,
    primary_purpose text,
    masking text,
    observational_model text,
    time_perspective text,
    enrollment integer,
    enrollment_type text,
    start_date date,
    start_date_end date,
    start_date_precision text,
    start_date_type text,
    start_date_raw text,
    primary_completion_date date,
    primary_completion_date_end date,
    primary_completion_date_precision text,
    primary_completion_date_type text,
    primary_completion_date_raw text,
    completion_date date,
    completion_date_end date,
    completion_date_precision text,
    completion_date_type text,
    completion_date_raw text,
    study_first_submit_date date,
    study_first_post_date date,
    results_first_submit_date date,
    results_first_post_date date,
    last_update_submit_date date,
    last_update_post_date date,
    min_age_raw text,
    min_age_days double precision,
    min_age_years double precision,
    max_age_raw text,
    max_age_days double precision,
    max_age_years double precision,
    sex text,
    healthy_volunteers boolean,
    std_ages text[] DEFAULT '{}'::text[] NOT NULL,
    eligibility_criteria text,
    lead_sponsor text,
    lead_sponsor_class text,
    collaborators text[] DEFAULT '{}'::text[] NOT NULL,
    countries text[] DEFAULT '{}'::text[] NOT NULL,
    conditions text[] DEFAULT '{}'::text[] NOT NULL,
    keywords text[] DEFAULT '{}'::text[] NOT NULL,
    condition_mesh_terms text[] DEFAULT '{}'::text[] NOT NULL,
    condition_mesh_ancestors text[] DEFAULT '{}'::text[] NOT NULL,
    intervention_names text[] DEFAULT '{}'::text[] NOT NULL,
    intervention_types text[] DEFAULT '{}'::text[] NOT NULL,
    intervention_mesh_terms text[] DEFAULT '{}'::text[] NOT NULL,
    intervention_mesh_ancestors text[] DEFAULT '{}'::text[] NOT NULL,
    brief_summary text,
    has_results boolean DEFAULT false NOT NULL,
    number_of_facilities integer DEFAULT 0 NOT NULL,
    has_single_facility boolean DEFAULT false NOT NULL,
    has_us_facility boolean DEFAULT false NOT NULL,
    were_results_reported boolean DEFAULT false NOT NULL,
    actual_duration integer,
    months_to_report_results integer,
    registered_in_calendar_year integer,
    number_of_arms integer DEFAULT 0 NOT NULL,
    number_of_primary_outcomes integer DEFAULT 0 NOT NULL,
    number_of_secondary_outcomes integer DEFAULT 0 NOT NULL,
    number_of_other_outcomes integer DEFAULT 0 NOT NULL,
    version_holder date,
    search_vector tsvector DEFAULT ''::tsvector NOT NULL,
    content_hash text NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    first_run_id text,
    last_run_id text,
    loaded_at timestamp with time zone DEFAULT now() NOT NULL,
    changed_at timestamp with time zone DEFAULT now() NOT NULL,
    removed_at timestamp with time zone,
    removed_reason text,
    merged_into text,
    search_sample boolean GENERATED ALWAYS AS (((hashtext(nct_id) & 7) = 0)) STORED,
    location_vector tsvector,
    geo_cells integer[],
    condition_vector tsvector,
    mesh_vector tsvector,
    intervention_vector tsvector,
    title_vector tsvector,
    sponsor_vector tsvector,
    CONSTRAINT studies_nct_id_check CHECK ((nct_id ~ '^NCT[0-9]{8}$'::text)),
    CONSTRAINT studies_removed_reason_check CHECK ((removed_reason = ANY (ARRAY['missing_from_snapshot'::text, 'merged'::text])))
)
WITH (toast_tuple_target='256');
ALTER TABLE ONLY public.studies ALTER COLUMN nct_id SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN nct_id_aliases SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN org_study_id SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN brief_title SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN official_title SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN acronym SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN organization SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN organization_class SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN overall_status SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN last_known_status SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN why_stopped SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN study_type SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN phases SET STORAGE MAIN;
ALTER TABLE ONLY public.studies ALTER COLUMN phases SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN phase SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN allocation SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN intervention_model SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN primary_purpose SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN masking SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN observational_model SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN time_perspective SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN enrollment_type SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN start_date_precision SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN start_date_type SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN start_date_raw SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN primary_completion_date_precision SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN primary_completion_date_type SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN primary_completion_date_raw SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN completion_date_precision SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN completion_date_type SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN completion_date_raw SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN min_age_raw SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN max_age_raw SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN sex SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN std_ages SET STORAGE MAIN;
ALTER TABLE ONLY public.studies ALTER COLUMN std_ages SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN eligibility_criteria SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN lead_sponsor SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN lead_sponsor_class SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN collaborators SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN countries SET STORAGE MAIN;
ALTER TABLE ONLY public.studies ALTER COLUMN countries SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN conditions SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN keywords SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN condition_mesh_terms SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN condition_mesh_ancestors SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN intervention_names SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN intervention_types SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN intervention_mesh_terms SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN intervention_mesh_ancestors SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN brief_summary SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN search_vector SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN content_hash SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN first_run_id SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN last_run_id SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN removed_reason SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN merged_into SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN location_vector SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN condition_vector SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN mesh_vector SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN intervention_vector SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN title_vector SET COMPRESSION lz4;
ALTER TABLE ONLY public.studies ALTER COLUMN sponsor_vector SET COMPRESSION lz4;

CREATE FUNCTION public.study_search_terms(s public.studies) RETURNS TABLE(kind text, key text, term text)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    BEGIN ATOMIC
 SELECT DISTINCT ON (t.kind, (lower(btrim(t.term)))) t.kind,
     lower(btrim(t.term)) AS lower,
     t.term
    FROM ( SELECT 'condition'::text AS kind,
             c.c AS term
            FROM unnest((study_search_terms.s).conditions) c(c)
         UNION ALL
          SELECT 'intervention'::text,
             i.i
            FROM unnest((study_search_terms.s).intervention_names) i(i)
         UNION ALL
          SELECT 'sponsor'::text,
             sp.sp
            FROM unnest(array_prepend((study_search_terms.s).lead_sponsor, (study_search_terms.s).collaborators)) sp(sp)
         UNION ALL
          SELECT 'mesh'::text,
             m.m
            FROM unnest(((((study_search_terms.s).condition_mesh_terms || (study_search_terms.s).condition_mesh_ancestors) || (study_search_terms.s).intervention_mesh_terms) || (study_search_terms.s).intervention_mesh_ancestors)) m(m)
         UNION ALL
          SELECT 'word'::text,
             w.w
            FROM unnest(tsvector_to_array(to_tsvector('simple'::regconfig, ((((((COALESCE((study_search_terms.s).brief_title, ''::text) || ' '::text) || COALESCE((study_search_terms.s).official_title, ''::text)) || ' '::text) || public.search_join((study_search_terms.s).conditions)) || ' '::text) || public.search_join((study_search_terms.s).intervention_names))))) w(w)
           WHERE (((length(w.w) >= 3) AND (length(w.w) <= 40)) AND (w.w ~ '^[[:alpha:]][[:alpha:]-]*$'::text))) t
   WHERE ((length(btrim(t.term)) >= 1) AND (length(btrim(t.term)) <= 300))
   ORDER BY t.kind, (lower(btrim(t.term))), t.term;
END;

CREATE TABLE public.event_consumers (
    name text NOT NULL,
    source text NOT NULL,
    "position" bigint DEFAULT 0 NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL
);
ALTER TABLE ONLY public.event_consumers ALTER COLUMN name SET COMPRESSION lz4;
ALTER TABLE ONLY public.event_consumers ALTER COLUMN source SET COMPRESSION lz4;

CREATE TABLE public.kysely_migration (
    name character varying(255) NOT NULL,
    "timestamp" character varying(255) NOT NULL
);
ALTER TABLE ONLY public.kysely_migration ALTER COLUMN name SET COMPRESSION lz4;
ALTER TABLE ONLY public.kysely_migration ALTER COLUMN "timestamp" SET COMPRESSION lz4;

CREATE TABLE public.kysely_migration_lock (
    id character varying(255) NOT NULL,
    is_locked integer DEFAULT 0 NOT NULL
);
ALTER TABLE ONLY public.kysely_migration_lock ALTER COLUMN id SET COMPRESSION lz4;

CREATE TABLE public.outbox (
    seq bigint NOT NULL,
    event_id text NOT NULL,
    type text NOT NULL,
    nct_id text NOT NULL,
    version integer NOT NULL,
    run_id text,
    occurred_at timestamp with time zone NOT NULL,
    payload jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    published_seq bigint,
    published_at timestamp with time zone,
    CONSTRAINT outbox_type_check CHECK ((type = ANY (ARRAY['study.created'::text, 'study.updated'::text, 'study.removed'::text])))
);
ALTER TABLE ONLY public.outbox ALTER COLUMN event_id SET COMPRESSION lz4;
ALTER TABLE ONLY public.outbox ALTER COLUMN type SET COMPRESSION lz4;
ALTER TABLE ONLY public.outbox ALTER COLUMN nct_id SET COMPRESSION lz4;
ALTER TABLE ONLY public.outbox ALTER COLUMN run_id SET COMPRESSION lz4;
ALTER TABLE ONLY public.outbox ALTER COLUMN payload SET COMPRESSION lz4;

ALTER TABLE public.outbox ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.outbox_seq_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.quarantine (
    id bigint NOT NULL,
    run_id text NOT NULL,
    nct_id text,
    source text NOT NULL,
    path text NOT NULL,
    message text NOT NULL,
    raw text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);
ALTER TABLE ONLY public.quarantine ALTER COLUMN run_id SET COMPRESSION lz4;
ALTER TABLE ONLY public.quarantine ALTER COLUMN nct_id SET COMPRESSION lz4;
ALTER TABLE ONLY public.quarantine ALTER COLUMN source SET COMPRESSION lz4;
ALTER TABLE ONLY public.quarantine ALTER COLUMN path SET COMPRESSION lz4;
ALTER TABLE ONLY public.quarantine ALTER COLUMN message SET COMPRESSION lz4;
ALTER TABLE ONLY public.quarantine ALTER COLUMN raw SET COMPRESSION lz4;

ALTER TABLE public.quarantine ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.quarantine_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE UNLOGGED TABLE public.run_seen (
    run_id text NOT NULL,
    nct_id text NOT NULL,
    last_update_post_date date
);
ALTER TABLE ONLY public.run_seen ALTER COLUMN run_id SET COMPRESSION lz4;
ALTER TABLE ONLY public.run_seen ALTER COLUMN nct_id SET COMPRESSION lz4;

CREATE TABLE public.run_steps (
    seq bigint NOT NULL,
    run_id text NOT NULL,
    step text NOT NULL,
    attempt integer DEFAULT 1 NOT NULL,
    state text DEFAULT 'running'::text NOT NULL,
    started_at timestamp with time zone DEFAULT now() NOT NULL,
    finished_at timestamp with time zone,
    counts jsonb DEFAULT '{}'::jsonb NOT NULL,
    progress jsonb,
    error text,
    CONSTRAINT run_steps_state_check CHECK ((state = ANY (ARRAY['running'::text, 'succeeded'::text, 'failed'::text, 'skipped'::text]))),
    CONSTRAINT run_steps_step_check CHECK ((step = ANY (ARRAY['download'::text, 'validate'::text, 'transform'::text, 'load'::text, 'index'::text, 'publish'::text])))
);
ALTER TABLE ONLY public.run_steps ALTER COLUMN run_id SET COMPRESSION lz4;
ALTER TABLE ONLY public.run_steps ALTER COLUMN step SET COMPRESSION lz4;
ALTER TABLE ONLY public.run_steps ALTER COLUMN state SET COMPRESSION lz4;
ALTER TABLE ONLY public.run_steps ALTER COLUMN counts SET COMPRESSION lz4;
ALTER TABLE ONLY public.run_steps ALTER COLUMN progress SET COMPRESSION lz4;
ALTER TABLE ONLY public.run_steps ALTER COLUMN error SET COMPRESSION lz4;

ALTER TABLE public.run_steps ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.run_steps_seq_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.run_warnings (
    id bigint NOT NULL,
    run_id text NOT NULL,
    nct_id text,
    code text NOT NULL,
    path text NOT NULL,
    message text NOT NULL
);
ALTER TABLE ONLY public.run_warnings ALTER COLUMN run_id SET COMPRESSION lz4;
ALTER TABLE ONLY public.run_warnings ALTER COLUMN nct_id SET COMPRESSION lz4;
ALTER TABLE ONLY public.run_warnings ALTER COLUMN code SET COMPRESSION lz4;
ALTER TABLE ONLY public.run_warnings ALTER COLUMN path SET COMPRESSION lz4;
ALTER TABLE ONLY public.run_warnings ALTER COLUMN message SET COMPRESSION lz4;

ALTER TABLE public.run_warnings ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.run_warnings_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.runs (
    id text NOT NULL,
    kind text NOT NULL,
    trigger text DEFAULT 'cli'::text NOT NULL,
    state text DEFAULT 'running'::text NOT NULL,
    params jsonb DEFAULT '{}'::jsonb NOT NULL,
    landing_dir text,
    data_timestamp text,
    started_at timestamp with time zone DEFAULT now() NOT NULL,
    finished_at timestamp with time zone,
    heartbeat_at timestamp with time zone DEFAULT now() NOT NULL,
    counts jsonb DEFAULT '{}'::jsonb NOT NULL,
    error text,
    CONSTRAINT runs_kind_check CHECK ((kind = ANY (ARRAY['sync'::text, 'load'::text, 'download'::text, 'rebuild'::text, 'reconcile'::text]))),
    CONSTRAINT runs_state_check CHECK ((state = ANY (ARRAY['running'::text, 'succeeded'::text, 'failed'::text])))
);
ALTER TABLE ONLY public.runs ALTER COLUMN id SET COMPRESSION lz4;
ALTER TABLE ONLY public.runs ALTER COLUMN kind SET COMPRESSION lz4;
ALTER TABLE ONLY public.runs ALTER COLUMN trigger SET COMPRESSION lz4;
ALTER TABLE ONLY public.runs ALTER COLUMN state SET COMPRESSION lz4;
ALTER TABLE ONLY public.runs ALTER COLUMN params SET COMPRESSION lz4;
ALTER TABLE ONLY public.runs ALTER COLUMN landing_dir SET COMPRESSION lz4;
ALTER TABLE ONLY public.runs ALTER COLUMN data_timestamp SET COMPRESSION lz4;
ALTER TABLE ONLY public.runs ALTER COLUMN counts SET COMPRESSION lz4;
ALTER TABLE ONLY public.runs ALTER COLUMN error SET COMPRESSION lz4;

CREATE TABLE public.saved_search_matches (
    search_id bigint NOT NULL,
    nct_id text NOT NULL
);
ALTER TABLE ONLY public.saved_search_matches ALTER COLUMN nct_id SET COMPRESSION lz4;

CREATE TABLE public.saved_searches (
    id bigint NOT NULL,
    name text NOT NULL,
    query jsonb NOT NULL,
    mesh_synonyms text[] DEFAULT '{}'::text[] NOT NULL,
    webhook_url text,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);
ALTER TABLE ONLY public.saved_searches ALTER COLUMN name SET COMPRESSION lz4;
ALTER TABLE ONLY public.saved_searches ALTER COLUMN query SET COMPRESSION lz4;
ALTER TABLE ONLY public.saved_searches ALTER COLUMN mesh_synonyms SET COMPRESSION lz4;
ALTER TABLE ONLY public.saved_searches ALTER COLUMN webhook_url SET COMPRESSION lz4;

ALTER TABLE public.saved_searches ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.saved_searches_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.search_alerts (
    id bigint NOT NULL,
    search_id bigint NOT NULL,
    kind text NOT NULL,
    nct_id text NOT NULL,
    version integer NOT NULL,
    event_id text NOT NULL,
    occurred_at timestamp with time zone NOT NULL,
    changes jsonb NOT NULL,
    reason text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    next_attempt_at timestamp with time zone,
    delivered_at timestamp with time zone,
    failed_at timestamp with time zone,
    last_error text,
    CONSTRAINT search_alerts_kind_check CHECK ((kind = ANY (ARRAY['added'::text, 'changed'::text, 'removed'::text])))
);
ALTER TABLE ONLY public.search_alerts ALTER COLUMN kind SET COMPRESSION lz4;
ALTER TABLE ONLY public.search_alerts ALTER COLUMN nct_id SET COMPRESSION lz4;
ALTER TABLE ONLY public.search_alerts ALTER COLUMN event_id SET COMPRESSION lz4;
ALTER TABLE ONLY public.search_alerts ALTER COLUMN changes SET COMPRESSION lz4;
ALTER TABLE ONLY public.search_alerts ALTER COLUMN reason SET COMPRESSION lz4;
ALTER TABLE ONLY public.search_alerts ALTER COLUMN last_error SET COMPRESSION lz4;

ALTER TABLE public.search_alerts ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.search_alerts_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE public.search_synonyms (
    synonym text NOT NULL,
    mesh_term text NOT NULL,
    study_count integer NOT NULL
);
ALTER TABLE ONLY public.search_synonyms ALTER COLUMN synonym SET COMPRESSION lz4;
ALTER TABLE ONLY public.search_synonyms ALTER COLUMN mesh_term SET COMPRESSION lz4;

CREATE TABLE public.search_term_changes (
    kind text NOT NULL,
    key text NOT NULL,
    term text NOT NULL,
    delta integer NOT NULL
);
ALTER TABLE ONLY public.search_term_changes ALTER COLUMN kind SET COMPRESSION lz4;
ALTER TABLE ONLY public.search_term_changes ALTER COLUMN key SET COMPRESSION lz4;
ALTER TABLE ONLY public.search_term_changes ALTER COLUMN term SET COMPRESSION lz4;

CREATE TABLE public.search_terms (
    kind text NOT NULL,
    term text NOT NULL,
    study_count integer NOT NULL,
    CONSTRAINT search_terms_kind_check CHECK ((kind = ANY (ARRAY['condition'::text, 'intervention'::text, 'sponsor'::text, 'mesh'::text, 'word'::text])))
);
ALTER TABLE ONLY public.search_terms ALTER COLUMN kind SET COMPRESSION lz4;
ALTER TABLE ONLY public.search_terms ALTER COLUMN term SET COMPRESSION lz4;

CREATE TABLE public.search_terms_state (
    only_row boolean DEFAULT true NOT NULL,
    rebuild_required boolean NOT NULL,
    CONSTRAINT search_terms_state_only_row_check CHECK (only_row)
);

CREATE TABLE public.site_points (
    geo public.earth NOT NULL
);

CREATE TABLE public.study_arms (
    nct_id text NOT NULL,
    ord integer NOT NULL,
    label text NOT NULL,
    type text,
    description text,
    intervention_names text[] DEFAULT '{}'::text[] NOT NULL
);
ALTER TABLE ONLY public.study_arms ALTER COLUMN nct_id SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_arms ALTER COLUMN label SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_arms ALTER COLUMN type SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_arms ALTER COLUMN description SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_arms ALTER COLUMN intervention_names SET COMPRESSION lz4;

CREATE TABLE public.study_conditions (
    nct_id text NOT NULL,
    ord integer NOT NULL,
    name text NOT NULL
);
ALTER TABLE ONLY public.study_conditions ALTER COLUMN nct_id SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_conditions ALTER COLUMN name SET COMPRESSION lz4;

CREATE TABLE public.study_documents (
    nct_id text NOT NULL,
    document json NOT NULL
);
ALTER TABLE ONLY public.study_documents ALTER COLUMN nct_id SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_documents ALTER COLUMN document SET COMPRESSION lz4;

CREATE TABLE public.study_interventions (
    nct_id text NOT NULL,
    ord integer NOT NULL,
    type text,
    name text NOT NULL,
    description text,
    other_names text[] DEFAULT '{}'::text[] NOT NULL,
    arm_group_labels text[] DEFAULT '{}'::text[] NOT NULL
);
ALTER TABLE ONLY public.study_interventions ALTER COLUMN nct_id SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_interventions ALTER COLUMN type SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_interventions ALTER COLUMN name SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_interventions ALTER COLUMN description SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_interventions ALTER COLUMN other_names SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_interventions ALTER COLUMN arm_group_labels SET COMPRESSION lz4;

CREATE TABLE public.study_keywords (
    nct_id text NOT NULL,
    ord integer NOT NULL,
    keyword text NOT NULL
);
ALTER TABLE ONLY public.study_keywords ALTER COLUMN nct_id SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_keywords ALTER COLUMN keyword SET COMPRESSION lz4;

CREATE TABLE public.study_locations (
    nct_id text NOT NULL,
    ord integer NOT NULL,
    facility text,
    city text,
    state text,
    zip text,
    country text,
    status text,
    lat double precision,
    lon double precision,
    geo public.earth GENERATED ALWAYS AS (public.ll_to_earth(lat, lon)) STORED
);
ALTER TABLE ONLY public.study_locations ALTER COLUMN nct_id SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_locations ALTER COLUMN facility SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_locations ALTER COLUMN city SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_locations ALTER COLUMN state SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_locations ALTER COLUMN zip SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_locations ALTER COLUMN country SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_locations ALTER COLUMN status SET COMPRESSION lz4;

CREATE TABLE public.study_mesh (
    nct_id text NOT NULL,
    ord integer NOT NULL,
    domain text NOT NULL,
    relation text NOT NULL,
    mesh_id text,
    term text NOT NULL,
    as_found text,
    relevance text,
    CONSTRAINT study_mesh_domain_check CHECK ((domain = ANY (ARRAY['condition'::text, 'intervention'::text]))),
    CONSTRAINT study_mesh_relation_check CHECK ((relation = ANY (ARRAY['mesh'::text, 'ancestor'::text, 'leaf'::text, 'branch'::text])))
);
ALTER TABLE ONLY public.study_mesh ALTER COLUMN nct_id SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_mesh ALTER COLUMN domain SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_mesh ALTER COLUMN relation SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_mesh ALTER COLUMN mesh_id SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_mesh ALTER COLUMN term SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_mesh ALTER COLUMN as_found SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_mesh ALTER COLUMN relevance SET COMPRESSION lz4;

CREATE TABLE public.study_outcome_vectors (
    nct_id text NOT NULL,
    vector tsvector NOT NULL
);
ALTER TABLE ONLY public.study_outcome_vectors ALTER COLUMN vector SET COMPRESSION lz4;

CREATE TABLE public.study_outcomes (
    nct_id text NOT NULL,
    ord integer NOT NULL,
    kind text NOT NULL,
    measure text NOT NULL,
    description text,
    time_frame text,
    CONSTRAINT study_outcomes_kind_check CHECK ((kind = ANY (ARRAY['primary'::text, 'secondary'::text, 'other'::text])))
);
ALTER TABLE ONLY public.study_outcomes ALTER COLUMN nct_id SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_outcomes ALTER COLUMN kind SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_outcomes ALTER COLUMN measure SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_outcomes ALTER COLUMN description SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_outcomes ALTER COLUMN time_frame SET COMPRESSION lz4;

CREATE TABLE public.study_references (
    nct_id text NOT NULL,
    ord integer NOT NULL,
    pmid text,
    type text,
    citation text
);
ALTER TABLE ONLY public.study_references ALTER COLUMN nct_id SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_references ALTER COLUMN pmid SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_references ALTER COLUMN type SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_references ALTER COLUMN citation SET COMPRESSION lz4;

CREATE TABLE public.study_sponsors (
    nct_id text NOT NULL,
    ord integer NOT NULL,
    role text NOT NULL,
    name text NOT NULL,
    class text,
    CONSTRAINT study_sponsors_role_check CHECK ((role = ANY (ARRAY['lead'::text, 'collaborator'::text])))
);
ALTER TABLE ONLY public.study_sponsors ALTER COLUMN nct_id SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_sponsors ALTER COLUMN role SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_sponsors ALTER COLUMN name SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_sponsors ALTER COLUMN class SET COMPRESSION lz4;

CREATE TABLE public.study_versions (
    nct_id text NOT NULL,
    version integer NOT NULL,
    content_hash text NOT NULL,
    schema_version integer NOT NULL,
    document json NOT NULL,
    run_id text,
    valid_from timestamp with time zone NOT NULL,
    valid_to timestamp with time zone,
    removed_at timestamp with time zone,
    removed_reason text,
    CONSTRAINT study_versions_removed_reason_check CHECK ((removed_reason = ANY (ARRAY['missing_from_snapshot'::text, 'merged'::text])))
);
ALTER TABLE ONLY public.study_versions ALTER COLUMN nct_id SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_versions ALTER COLUMN content_hash SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_versions ALTER COLUMN document SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_versions ALTER COLUMN run_id SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_versions ALTER COLUMN removed_reason SET COMPRESSION lz4;

CREATE TABLE public.sync_state (
    key text NOT NULL,
    value jsonb NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL
);
ALTER TABLE ONLY public.sync_state ALTER COLUMN key SET COMPRESSION lz4;
ALTER TABLE ONLY public.sync_state ALTER COLUMN value SET COMPRESSION lz4;

CREATE TABLE warehouse.bridge_study_condition (
    study_key bigint NOT NULL,
    condition_key bigint NOT NULL,
    relation text NOT NULL,
    CONSTRAINT bridge_study_condition_relation_check CHECK ((relation = ANY (ARRAY['listed'::text, 'mesh'::text, 'ancestor'::text])))
);

CREATE TABLE warehouse.bridge_study_country (
    study_key bigint NOT NULL,
    country_key bigint NOT NULL,
    site_count integer NOT NULL
);

CREATE TABLE warehouse.dim_condition (
    condition_key bigint NOT NULL,
    mesh_id text,
    term text NOT NULL
);

ALTER TABLE warehouse.dim_condition ALTER COLUMN condition_key ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME warehouse.dim_condition_condition_key_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE warehouse.dim_country (
    country_key bigint NOT NULL,
    name text NOT NULL
);

ALTER TABLE warehouse.dim_country ALTER COLUMN country_key ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME warehouse.dim_country_country_key_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE warehouse.dim_date (
    date_key integer NOT NULL,
    date date NOT NULL,
    year integer NOT NULL,
    quarter integer NOT NULL,
    month integer NOT NULL,
    day integer NOT NULL,
    iso_week integer NOT NULL,
    iso_day_of_week integer NOT NULL
);

CREATE TABLE warehouse.dim_sponsor (
    sponsor_key bigint NOT NULL,
    name text NOT NULL,
    class text
);

ALTER TABLE warehouse.dim_sponsor ALTER COLUMN sponsor_key ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME warehouse.dim_sponsor_sponsor_key_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE warehouse.dim_study (
    study_key bigint NOT NULL,
    nct_id text NOT NULL,
    version integer NOT NULL,
    registry text NOT NULL,
    valid_from timestamp with time zone NOT NULL,
    valid_to timestamp with time zone,
    is_current boolean NOT NULL,
    closed_reason text,
    brief_title text,
    overall_status text,
    phases text[] NOT NULL,
    study_type text,
    enrollment integer,
    enrollment_type text,
    start_date date,
    primary_completion_date date,
    completion_date date,
    first_posted date,
    results_first_posted date,
    last_update_posted date,
    lead_sponsor text,
    lead_sponsor_class text,
    site_count integer NOT NULL,
    country_count integer NOT NULL,
    has_results boolean NOT NULL,
    changes jsonb NOT NULL,
    restored boolean DEFAULT false NOT NULL,
    opened_by_event text NOT NULL,
    closed_by_event text,
    CONSTRAINT dim_study_check CHECK ((is_current = (valid_to IS NULL))),
    CONSTRAINT dim_study_closed_reason_check CHECK ((closed_reason = ANY (ARRAY['superseded'::text, 'missing_from_snapshot'::text, 'merged'::text])))
);

ALTER TABLE warehouse.dim_study ALTER COLUMN study_key ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME warehouse.dim_study_study_key_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE warehouse.fact_study_version (
    study_key bigint NOT NULL,
    sponsor_key bigint,
    valid_from_date_key integer NOT NULL,
    start_date_key integer,
    completion_date_key integer,
    enrollment integer,
    site_count integer NOT NULL,
    country_count integer NOT NULL,
    condition_count integer NOT NULL
);

CREATE TABLE warehouse.study_event_positions (
    nct_id text NOT NULL,
    last_seq bigint NOT NULL
);

ALTER TABLE ONLY public.event_consumers
    ADD CONSTRAINT event_consumers_pkey PRIMARY KEY (name, source);

ALTER TABLE ONLY public.kysely_migration_lock
    ADD CONSTRAINT kysely_migration_lock_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.kysely_migration
    ADD CONSTRAINT kysely_migration_pkey PRIMARY KEY (name);

ALTER TABLE ONLY public.outbox
    ADD CONSTRAINT outbox_event_id_key UNIQUE (event_id);

ALTER TABLE ONLY public.outbox
    ADD CONSTRAINT outbox_pkey PRIMARY KEY (seq);

ALTER TABLE ONLY public.outbox
    ADD CONSTRAINT outbox_published_seq_key UNIQUE (published_seq);

ALTER TABLE ONLY public.quarantine
    ADD CONSTRAINT quarantine_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.run_seen
    ADD CONSTRAINT run_seen_pkey PRIMARY KEY (run_id, nct_id);

ALTER TABLE ONLY public.run_steps
    ADD CONSTRAINT run_steps_pkey PRIMARY KEY (run_id, step, attempt);

ALTER TABLE ONLY public.run_warnings
    ADD CONSTRAINT run_warnings_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.runs
    ADD CONSTRAINT runs_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.saved_search_matches
    ADD CONSTRAINT saved_search_matches_pkey PRIMARY KEY (search_id, nct_id);

ALTER TABLE ONLY public.saved_searches
    ADD CONSTRAINT saved_searches_name_key UNIQUE (name);

ALTER TABLE ONLY public.saved_searches
    ADD CONSTRAINT saved_searches_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.search_alerts
    ADD CONSTRAINT search_alerts_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.search_alerts
    ADD CONSTRAINT search_alerts_search_id_event_id_key UNIQUE (search_id, event_id);

ALTER TABLE ONLY public.search_synonyms
    ADD CONSTRAINT search_synonyms_pkey PRIMARY KEY (synonym, mesh_term);

ALTER TABLE ONLY public.search_terms
    ADD CONSTRAINT search_terms_pkey PRIMARY KEY (kind, term);

ALTER TABLE ONLY public.search_terms_state
    ADD CONSTRAINT search_terms_state_pkey PRIMARY KEY (only_row);

ALTER TABLE ONLY public.site_points
    ADD CONSTRAINT site_points_pkey PRIMARY KEY (geo);

ALTER TABLE ONLY public.studies
    ADD CONSTRAINT studies_pkey PRIMARY KEY (nct_id);

ALTER TABLE ONLY public.study_arms
    ADD CONSTRAINT study_arms_pkey PRIMARY KEY (nct_id, ord);

ALTER TABLE ONLY public.study_conditions
    ADD CONSTRAINT study_conditions_pkey PRIMARY KEY (nct_id, ord);

ALTER TABLE ONLY public.study_documents
    ADD CONSTRAINT study_documents_pkey PRIMARY KEY (nct_id);

ALTER TABLE ONLY public.study_interventions
    ADD CONSTRAINT study_interventions_pkey PRIMARY KEY (nct_id, ord);

ALTER TABLE ONLY public.study_keywords
    ADD CONSTRAINT study_keywords_pkey PRIMARY KEY (nct_id, ord);

ALTER TABLE ONLY public.study_locations
    ADD CONSTRAINT study_locations_pkey PRIMARY KEY (nct_id, ord);

ALTER TABLE ONLY public.study_mesh
    ADD CONSTRAINT study_mesh_pkey PRIMARY KEY (nct_id, ord);

ALTER TABLE ONLY public.study_outcome_vectors
    ADD CONSTRAINT study_outcome_vectors_pkey PRIMARY KEY (nct_id);

ALTER TABLE ONLY public.study_outcomes
    ADD CONSTRAINT study_outcomes_pkey PRIMARY KEY (nct_id, ord);

ALTER TABLE ONLY public.study_references
    ADD CONSTRAINT study_references_pkey PRIMARY KEY (nct_id, ord);

ALTER TABLE ONLY public.study_sponsors
    ADD CONSTRAINT study_sponsors_pkey PRIMARY KEY (nct_id, ord);

ALTER TABLE ONLY public.study_versions
    ADD CONSTRAINT study_versions_pkey PRIMARY KEY (nct_id, version);

ALTER TABLE ONLY public.sync_state
    ADD CONSTRAINT sync_state_pkey PRIMARY KEY (key);

ALTER TABLE ONLY warehouse.bridge_study_condition
    ADD CONSTRAINT bridge_study_condition_pkey PRIMARY KEY (study_key, condition_key, relation);

ALTER TABLE ONLY warehouse.bridge_study_country
    ADD CONSTRAINT bridge_study_country_pkey PRIMARY KEY (study_key, country_key);

ALTER TABLE ONLY warehouse.dim_condition
    ADD CONSTRAINT dim_condition_pkey PRIMARY KEY (condition_key);

ALTER TABLE ONLY warehouse.dim_condition
    ADD CONSTRAINT dim_condition_term_mesh_id_key UNIQUE NULLS NOT DISTINCT (term, mesh_id);

ALTER TABLE ONLY warehouse.dim_country
    ADD CONSTRAINT dim_country_name_key UNIQUE (name);

ALTER TABLE ONLY warehouse.dim_country
    ADD CONSTRAINT dim_country_pkey PRIMARY KEY (country_key);

ALTER TABLE ONLY warehouse.dim_date
    ADD CONSTRAINT dim_date_date_key UNIQUE (date);

ALTER TABLE ONLY warehouse.dim_date
    ADD CONSTRAINT dim_date_pkey PRIMARY KEY (date_key);

ALTER TABLE ONLY warehouse.dim_sponsor
    ADD CONSTRAINT dim_sponsor_name_class_key UNIQUE NULLS NOT DISTINCT (name, class);

ALTER TABLE ONLY warehouse.dim_sponsor
    ADD CONSTRAINT dim_sponsor_pkey PRIMARY KEY (sponsor_key);

ALTER TABLE ONLY warehouse.dim_study
    ADD CONSTRAINT dim_study_opened_by_event_key UNIQUE (opened_by_event);

ALTER TABLE ONLY warehouse.dim_study
    ADD CONSTRAINT dim_study_pkey PRIMARY KEY (study_key);

ALTER TABLE ONLY warehouse.fact_study_version
    ADD CONSTRAINT fact_study_version_pkey PRIMARY KEY (study_key);

ALTER TABLE ONLY warehouse.study_event_positions
    ADD CONSTRAINT study_event_positions_pkey PRIMARY KEY (nct_id);

CREATE INDEX outbox_nct_id_idx ON public.outbox USING btree (nct_id, seq);

CREATE INDEX outbox_unpublished_idx ON public.outbox USING btree (seq) WHERE (published_seq IS NULL);

CREATE INDEX quarantine_run_idx ON public.quarantine USING btree (run_id);

CREATE INDEX run_warnings_run_idx ON public.run_warnings USING btree (run_id);

CREATE UNIQUE INDEX runs_one_writer_idx ON public.runs USING btree ((true)) WHERE ((state = 'running'::text) AND (kind <> 'download'::text));

CREATE INDEX runs_started_at_idx ON public.runs USING btree (started_at DESC);

CREATE INDEX search_alerts_pending_idx ON public.search_alerts USING btree (next_attempt_at) WHERE ((delivered_at IS NULL) AND (failed_at IS NULL) AND (next_attempt_at IS NOT NULL));

CREATE INDEX search_alerts_search_idx ON public.search_alerts USING btree (search_id, id);

CREATE INDEX search_synonyms_vector_idx ON public.search_synonyms USING gin (to_tsvector('english'::regconfig, synonym));

CREATE UNIQUE INDEX search_terms_key_idx ON public.search_terms USING btree (kind, lower(btrim(term)));

CREATE INDEX search_terms_trgm_idx ON public.search_terms USING gin (lower(term) public.gin_trgm_ops);

CREATE INDEX site_points_geo_idx ON public.site_points USING gist (geo);

CREATE INDEX studies_brief_title_trgm_idx ON public.studies USING gin (brief_title public.gin_trgm_ops);

CREATE INDEX studies_completion_date_idx ON public.studies USING btree (completion_date, nct_id);

CREATE INDEX studies_condition_vector_idx ON public.studies USING gin (condition_vector, geo_cells, overall_status, phases, study_type, lead_sponsor_class, countries, has_results, std_ages, ((hashtext(nct_id) & 1)));

CREATE INDEX studies_countries_idx ON public.studies USING gin (countries);

CREATE INDEX studies_enrollment_idx ON public.studies USING btree (enrollment, nct_id);

CREATE INDEX studies_geo_cells_idx ON public.studies USING gin (geo_cells);

CREATE INDEX studies_intervention_vector_idx ON public.studies USING gin (intervention_vector, geo_cells, overall_status, phases, study_type, lead_sponsor_class, countries, has_results, std_ages, ((hashtext(nct_id) & 1)));

CREATE INDEX studies_last_update_post_date_idx ON public.studies USING btree (last_update_post_date, nct_id);

CREATE INDEX studies_lead_sponsor_class_idx ON public.studies USING btree (lead_sponsor_class);

CREATE INDEX studies_location_vector_idx ON public.studies USING gin (location_vector, geo_cells, overall_status, phases, study_type, lead_sponsor_class, countries, has_results, std_ages, ((hashtext(nct_id) & 1)));

CREATE INDEX studies_mesh_vector_idx ON public.studies USING gin (mesh_vector, geo_cells, overall_status, phases, study_type, lead_sponsor_class, countries, has_results, std_ages, ((hashtext(nct_id) & 1)));

CREATE INDEX studies_nct_id_aliases_idx ON public.studies USING gin (nct_id_aliases);

CREATE INDEX studies_org_study_id_idx ON public.studies USING btree (lower(org_study_id));

CREATE INDEX studies_phases_idx ON public.studies USING gin (phases);

CREATE INDEX studies_removed_idx ON public.studies USING btree (removed_at) WHERE (removed_at IS NOT NULL);

CREATE INDEX studies_sample_condition_vector_idx ON public.studies USING gin (condition_vector, geo_cells) WHERE search_sample;

CREATE INDEX studies_sample_idx ON public.studies USING btree (nct_id) INCLUDE (overall_status, phases, study_type, lead_sponsor_class, countries, has_results, std_ages) WHERE (search_sample AND (removed_at IS NULL) AND (nct_id >= 'NCT'::text));

CREATE INDEX studies_sample_intervention_vector_idx ON public.studies USING gin (intervention_vector, geo_cells) WHERE search_sample;

CREATE INDEX studies_sample_location_vector_idx ON public.studies USING gin (location_vector, geo_cells) WHERE search_sample;

CREATE INDEX studies_sample_member_idx ON public.studies USING btree (nct_id) WHERE (search_sample AND (removed_at IS NULL) AND (nct_id >= 'NCT'::text));

CREATE INDEX studies_sample_mesh_vector_idx ON public.studies USING gin (mesh_vector, geo_cells) WHERE search_sample;

CREATE INDEX studies_sample_sponsor_vector_idx ON public.studies USING gin (sponsor_vector, geo_cells) WHERE search_sample;

CREATE INDEX studies_sample_title_vector_idx ON public.studies USING gin (title_vector, geo_cells) WHERE search_sample;

CREATE INDEX studies_sample_vector_idx ON public.studies USING gin (search_vector, geo_cells) WHERE search_sample;

CREATE INDEX studies_search_vector_idx ON public.studies USING gin (search_vector, geo_cells, overall_status, phases, study_type, lead_sponsor_class, countries, has_results, std_ages, ((hashtext(nct_id) & 1)));

CREATE INDEX studies_sort_completion_idx ON public.studies USING btree (COALESCE(completion_date, '-infinity'::date), nct_id) WHERE (removed_at IS NULL);

CREATE INDEX studies_sort_enrollment_idx ON public.studies USING btree (COALESCE(enrollment, '-1'::integer), nct_id) WHERE (removed_at IS NULL);

CREATE INDEX studies_sort_last_update_idx ON public.studies USING btree (COALESCE(last_update_post_date, '-infinity'::date), nct_id) WHERE (removed_at IS NULL);

CREATE INDEX studies_sort_start_idx ON public.studies USING btree (COALESCE(start_date, '-infinity'::date), nct_id) WHERE (removed_at IS NULL);

CREATE INDEX studies_sparse_sample_condition_vector_idx ON public.studies USING gin (condition_vector, geo_cells) WHERE ((hashtext(nct_id) & 63) = 0);

CREATE INDEX studies_sparse_sample_idx ON public.studies USING btree (nct_id) INCLUDE (overall_status, phases, study_type, lead_sponsor_class, countries, has_results, std_ages) WHERE (((hashtext(nct_id) & 63) = 0) AND (removed_at IS NULL) AND (nct_id >= 'NCT'::text));

CREATE INDEX studies_sparse_sample_intervention_vector_idx ON public.studies USING gin (intervention_vector, geo_cells) WHERE ((hashtext(nct_id) & 63) = 0);

CREATE INDEX studies_sparse_sample_location_vector_idx ON public.studies USING gin (location_vector, geo_cells) WHERE ((hashtext(nct_id) & 63) = 0);

CREATE INDEX studies_sparse_sample_mesh_vector_idx ON public.studies USING gin (mesh_vector, geo_cells) WHERE ((hashtext(nct_id) & 63) = 0);

CREATE INDEX studies_sparse_sample_sponsor_vector_idx ON public.studies USING gin (sponsor_vector, geo_cells) WHERE ((hashtext(nct_id) & 63) = 0);

CREATE INDEX studies_sparse_sample_title_vector_idx ON public.studies USING gin (title_vector, geo_cells) WHERE ((hashtext(nct_id) & 63) = 0);

CREATE INDEX studies_sparse_sample_vector_idx ON public.studies USING gin (search_vector, geo_cells) WHERE ((hashtext(nct_id) & 63) = 0);

CREATE INDEX studies_sponsor_vector_idx ON public.studies USING gin (sponsor_vector, geo_cells, overall_status, phases, study_type, lead_sponsor_class, countries, has_results, std_ages, ((hashtext(nct_id) & 1)));

CREATE INDEX studies_start_date_idx ON public.studies USING btree (start_date, nct_id);

CREATE INDEX studies_status_study_idx ON public.studies USING btree (overall_status, nct_id) INCLUDE (removed_at);

CREATE INDEX studies_std_ages_idx ON public.studies USING gin (std_ages);

CREATE INDEX studies_study_type_idx ON public.studies USING btree (study_type);

CREATE INDEX studies_title_vector_idx ON public.studies USING gin (title_vector, geo_cells, overall_status, phases, study_type, lead_sponsor_class, countries, has_results, std_ages, ((hashtext(nct_id) & 1)));

CREATE INDEX study_conditions_name_idx ON public.study_conditions USING btree (lower(name));

CREATE INDEX study_interventions_name_idx ON public.study_interventions USING btree (lower(name));

CREATE INDEX study_locations_country_idx ON public.study_locations USING btree (country);

CREATE INDEX study_locations_point_idx ON public.study_locations USING btree (geo) INCLUDE (nct_id) WHERE (geo IS NOT NULL);

CREATE INDEX study_locations_sample_point_idx ON public.study_locations USING btree (geo) INCLUDE (nct_id) WHERE ((geo IS NOT NULL) AND ((hashtext(nct_id) & 7) = 0));

CREATE INDEX study_locations_sparse_point_idx ON public.study_locations USING btree (geo) INCLUDE (nct_id) WHERE ((geo IS NOT NULL) AND ((hashtext(nct_id) & 63) = 0));

CREATE INDEX study_locations_study_point_idx ON public.study_locations USING btree (nct_id, geo) WHERE (geo IS NOT NULL);

CREATE INDEX study_mesh_id_idx ON public.study_mesh USING btree (mesh_id);

CREATE INDEX study_mesh_term_idx ON public.study_mesh USING btree (lower(term));

CREATE INDEX study_outcome_vectors_vector_idx ON public.study_outcome_vectors USING gin (vector);

CREATE INDEX study_sponsors_name_idx ON public.study_sponsors USING btree (lower(name));

CREATE INDEX bridge_study_condition_condition_idx ON warehouse.bridge_study_condition USING btree (condition_key);

CREATE INDEX bridge_study_country_country_idx ON warehouse.bridge_study_country USING btree (country_key);

CREATE INDEX dim_condition_term_idx ON warehouse.dim_condition USING btree (lower(term));

CREATE UNIQUE INDEX dim_study_current_idx ON warehouse.dim_study USING btree (nct_id) WHERE is_current;

CREATE INDEX dim_study_nct_id_idx ON warehouse.dim_study USING btree (nct_id, valid_from);

CREATE INDEX dim_study_period_idx ON warehouse.dim_study USING gist (tstzrange(valid_from, valid_to));

CREATE TRIGGER studies_search_terms_delete AFTER DELETE ON public.studies REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.log_search_term_changes();

CREATE TRIGGER studies_search_terms_insert AFTER INSERT ON public.studies REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.log_search_term_changes();

CREATE TRIGGER studies_search_terms_update AFTER UPDATE ON public.studies REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.log_search_term_changes();

CREATE TRIGGER study_locations_points_insert AFTER INSERT ON public.study_locations REFERENCING NEW TABLE AS new_sites FOR EACH STATEMENT EXECUTE FUNCTION public.add_site_points();

CREATE TRIGGER study_locations_points_update AFTER UPDATE ON public.study_locations REFERENCING NEW TABLE AS new_sites FOR EACH STATEMENT EXECUTE FUNCTION public.add_site_points();

ALTER TABLE ONLY public.quarantine
    ADD CONSTRAINT quarantine_run_id_fkey FOREIGN KEY (run_id) REFERENCES public.runs(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.run_steps
    ADD CONSTRAINT run_steps_run_id_fkey FOREIGN KEY (run_id) REFERENCES public.runs(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.run_warnings
    ADD CONSTRAINT run_warnings_run_id_fkey FOREIGN KEY (run_id) REFERENCES public.runs(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.saved_search_matches
    ADD CONSTRAINT saved_search_matches_search_id_fkey FOREIGN KEY (search_id) REFERENCES public.saved_searches(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.search_alerts
    ADD CONSTRAINT search_alerts_search_id_fkey FOREIGN KEY (search_id) REFERENCES public.saved_searches(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.study_arms
    ADD CONSTRAINT study_arms_nct_id_fkey FOREIGN KEY (nct_id) REFERENCES public.studies(nct_id) ON DELETE CASCADE;

ALTER TABLE ONLY public.study_conditions
    ADD CONSTRAINT study_conditions_nct_id_fkey FOREIGN KEY (nct_id) REFERENCES public.studies(nct_id) ON DELETE CASCADE;

ALTER TABLE ONLY public.study_documents
    ADD CONSTRAINT study_documents_nct_id_fkey FOREIGN KEY (nct_id) REFERENCES public.studies(nct_id) ON DELETE CASCADE;

ALTER TABLE ONLY public.study_interventions
    ADD CONSTRAINT study_interventions_nct_id_fkey FOREIGN KEY (nct_id) REFERENCES public.studies(nct_id) ON DELETE CASCADE;

ALTER TABLE ONLY public.study_keywords
    ADD CONSTRAINT study_keywords_nct_id_fkey FOREIGN KEY (nct_id) REFERENCES public.studies(nct_id) ON DELETE CASCADE;

ALTER TABLE ONLY public.study_locations
    ADD CONSTRAINT study_locations_nct_id_fkey FOREIGN KEY (nct_id) REFERENCES public.studies(nct_id) ON DELETE CASCADE;

ALTER TABLE ONLY public.study_mesh
    ADD CONSTRAINT study_mesh_nct_id_fkey FOREIGN KEY (nct_id) REFERENCES public.studies(nct_id) ON DELETE CASCADE;

ALTER TABLE ONLY public.study_outcome_vectors
    ADD CONSTRAINT study_outcome_vectors_nct_id_fkey FOREIGN KEY (nct_id) REFERENCES public.studies(nct_id) ON DELETE CASCADE;

ALTER TABLE ONLY public.study_outcomes
    ADD CONSTRAINT study_outcomes_nct_id_fkey FOREIGN KEY (nct_id) REFERENCES public.studies(nct_id) ON DELETE CASCADE;

ALTER TABLE ONLY public.study_references
    ADD CONSTRAINT study_references_nct_id_fkey FOREIGN KEY (nct_id) REFERENCES public.studies(nct_id) ON DELETE CASCADE;

ALTER TABLE ONLY public.study_sponsors
    ADD CONSTRAINT study_sponsors_nct_id_fkey FOREIGN KEY (nct_id) REFERENCES public.studies(nct_id) ON DELETE CASCADE;

ALTER TABLE ONLY public.study_versions
    ADD CONSTRAINT study_versions_nct_id_fkey FOREIGN KEY (nct_id) REFERENCES public.studies(nct_id) ON DELETE CASCADE;

ALTER TABLE ONLY warehouse.bridge_study_condition
    ADD CONSTRAINT bridge_study_condition_condition_key_fkey FOREIGN KEY (condition_key) REFERENCES warehouse.dim_condition(condition_key);

ALTER TABLE ONLY warehouse.bridge_study_condition
    ADD CONSTRAINT bridge_study_condition_study_key_fkey FOREIGN KEY (study_key) REFERENCES warehouse.dim_study(study_key);

ALTER TABLE ONLY warehouse.bridge_study_country
    ADD CONSTRAINT bridge_study_country_country_key_fkey FOREIGN KEY (country_key) REFERENCES warehouse.dim_country(country_key);

ALTER TABLE ONLY warehouse.bridge_study_country
    ADD CONSTRAINT bridge_study_country_study_key_fkey FOREIGN KEY (study_key) REFERENCES warehouse.dim_study(study_key);

ALTER TABLE ONLY warehouse.fact_study_version
    ADD CONSTRAINT fact_study_version_completion_date_key_fkey FOREIGN KEY (completion_date_key) REFERENCES warehouse.dim_date(date_key);

ALTER TABLE ONLY warehouse.fact_study_version
    ADD CONSTRAINT fact_study_version_sponsor_key_fkey FOREIGN KEY (sponsor_key) REFERENCES warehouse.dim_sponsor(sponsor_key);

ALTER TABLE ONLY warehouse.fact_study_version
    ADD CONSTRAINT fact_study_version_start_date_key_fkey FOREIGN KEY (start_date_key) REFERENCES warehouse.dim_date(date_key);

ALTER TABLE ONLY warehouse.fact_study_version
    ADD CONSTRAINT fact_study_version_study_key_fkey FOREIGN KEY (study_key) REFERENCES warehouse.dim_study(study_key);

ALTER TABLE ONLY warehouse.fact_study_version
    ADD CONSTRAINT fact_study_version_valid_from_date_key_fkey FOREIGN KEY (valid_from_date_key) REFERENCES warehouse.dim_date(date_key);
