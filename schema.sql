CREATE EXTENSION IF NOT EXISTS cube WITH SCHEMA public;

CREATE EXTENSION IF NOT EXISTS earthdistance WITH SCHEMA public;

CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;

CREATE TABLE public.kysely_migration (
    name character varying(255) NOT NULL,
    "timestamp" character varying(255) NOT NULL
);

CREATE TABLE public.kysely_migration_lock (
    id character varying(255) NOT NULL,
    is_locked integer DEFAULT 0 NOT NULL
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

ALTER TABLE public.quarantine ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.quarantine_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

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
    CONSTRAINT studies_nct_id_check CHECK ((nct_id ~ '^NCT[0-9]{8}$'::text)),
    CONSTRAINT studies_removed_reason_check CHECK ((removed_reason = ANY (ARRAY['missing_from_snapshot'::text, 'merged'::text])))
);

CREATE TABLE public.study_arms (
    nct_id text NOT NULL,
    ord integer NOT NULL,
    label text NOT NULL,
    type text,
    description text,
    intervention_names text[] DEFAULT '{}'::text[] NOT NULL
);

CREATE TABLE public.study_conditions (
    nct_id text NOT NULL,
    ord integer NOT NULL,
    name text NOT NULL
);

CREATE TABLE public.study_documents (
    nct_id text NOT NULL,
    document jsonb NOT NULL
);

CREATE TABLE public.study_interventions (
    nct_id text NOT NULL,
    ord integer NOT NULL,
    type text,
    name text NOT NULL,
    description text,
    other_names text[] DEFAULT '{}'::text[] NOT NULL,
    arm_group_labels text[] DEFAULT '{}'::text[] NOT NULL
);

CREATE TABLE public.study_keywords (
    nct_id text NOT NULL,
    ord integer NOT NULL,
    keyword text NOT NULL
);

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
    lon double precision
);

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

CREATE TABLE public.study_outcomes (
    nct_id text NOT NULL,
    ord integer NOT NULL,
    kind text NOT NULL,
    measure text NOT NULL,
    description text,
    time_frame text,
    CONSTRAINT study_outcomes_kind_check CHECK ((kind = ANY (ARRAY['primary'::text, 'secondary'::text, 'other'::text])))
);

CREATE TABLE public.study_references (
    nct_id text NOT NULL,
    ord integer NOT NULL,
    pmid text,
    type text,
    citation text
);

CREATE TABLE public.study_sponsors (
    nct_id text NOT NULL,
    ord integer NOT NULL,
    role text NOT NULL,
    name text NOT NULL,
    class text,
    CONSTRAINT study_sponsors_role_check CHECK ((role = ANY (ARRAY['lead'::text, 'collaborator'::text])))
);

CREATE TABLE public.sync_state (
    key text NOT NULL,
    value jsonb NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE ONLY public.kysely_migration_lock
    ADD CONSTRAINT kysely_migration_lock_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.kysely_migration
    ADD CONSTRAINT kysely_migration_pkey PRIMARY KEY (name);

ALTER TABLE ONLY public.quarantine
    ADD CONSTRAINT quarantine_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.run_steps
    ADD CONSTRAINT run_steps_pkey PRIMARY KEY (run_id, step, attempt);

ALTER TABLE ONLY public.run_warnings
    ADD CONSTRAINT run_warnings_pkey PRIMARY KEY (id);

ALTER TABLE ONLY public.runs
    ADD CONSTRAINT runs_pkey PRIMARY KEY (id);

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

ALTER TABLE ONLY public.study_outcomes
    ADD CONSTRAINT study_outcomes_pkey PRIMARY KEY (nct_id, ord);

ALTER TABLE ONLY public.study_references
    ADD CONSTRAINT study_references_pkey PRIMARY KEY (nct_id, ord);

ALTER TABLE ONLY public.study_sponsors
    ADD CONSTRAINT study_sponsors_pkey PRIMARY KEY (nct_id, ord);

ALTER TABLE ONLY public.sync_state
    ADD CONSTRAINT sync_state_pkey PRIMARY KEY (key);

CREATE INDEX quarantine_run_idx ON public.quarantine USING btree (run_id);

CREATE INDEX run_warnings_run_idx ON public.run_warnings USING btree (run_id);

CREATE UNIQUE INDEX runs_one_writer_idx ON public.runs USING btree ((true)) WHERE ((state = 'running'::text) AND (kind <> 'download'::text));

CREATE INDEX runs_started_at_idx ON public.runs USING btree (started_at DESC);

CREATE INDEX studies_brief_title_trgm_idx ON public.studies USING gin (brief_title public.gin_trgm_ops);

CREATE INDEX studies_completion_date_idx ON public.studies USING btree (completion_date, nct_id);

CREATE INDEX studies_countries_idx ON public.studies USING gin (countries);

CREATE INDEX studies_enrollment_idx ON public.studies USING btree (enrollment, nct_id);

CREATE INDEX studies_last_update_post_date_idx ON public.studies USING btree (last_update_post_date, nct_id);

CREATE INDEX studies_lead_sponsor_class_idx ON public.studies USING btree (lead_sponsor_class);

CREATE INDEX studies_overall_status_idx ON public.studies USING btree (overall_status);

CREATE INDEX studies_phases_idx ON public.studies USING gin (phases);

CREATE INDEX studies_removed_idx ON public.studies USING btree (removed_at) WHERE (removed_at IS NOT NULL);

CREATE INDEX studies_search_vector_idx ON public.studies USING gin (search_vector);

CREATE INDEX studies_start_date_idx ON public.studies USING btree (start_date, nct_id);

CREATE INDEX studies_study_type_idx ON public.studies USING btree (study_type);

CREATE INDEX study_conditions_name_idx ON public.study_conditions USING btree (lower(name));

CREATE INDEX study_interventions_name_idx ON public.study_interventions USING btree (lower(name));

CREATE INDEX study_locations_country_idx ON public.study_locations USING btree (country);

CREATE INDEX study_locations_earth_idx ON public.study_locations USING gist (public.ll_to_earth(lat, lon)) WHERE ((lat IS NOT NULL) AND (lon IS NOT NULL));

CREATE INDEX study_mesh_id_idx ON public.study_mesh USING btree (mesh_id);

CREATE INDEX study_mesh_term_idx ON public.study_mesh USING btree (lower(term));

CREATE INDEX study_sponsors_name_idx ON public.study_sponsors USING btree (lower(name));

ALTER TABLE ONLY public.quarantine
    ADD CONSTRAINT quarantine_run_id_fkey FOREIGN KEY (run_id) REFERENCES public.runs(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.run_steps
    ADD CONSTRAINT run_steps_run_id_fkey FOREIGN KEY (run_id) REFERENCES public.runs(id) ON DELETE CASCADE;

ALTER TABLE ONLY public.run_warnings
    ADD CONSTRAINT run_warnings_run_id_fkey FOREIGN KEY (run_id) REFERENCES public.runs(id) ON DELETE CASCADE;

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

ALTER TABLE ONLY public.study_outcomes
    ADD CONSTRAINT study_outcomes_nct_id_fkey FOREIGN KEY (nct_id) REFERENCES public.studies(nct_id) ON DELETE CASCADE;

ALTER TABLE ONLY public.study_references
    ADD CONSTRAINT study_references_nct_id_fkey FOREIGN KEY (nct_id) REFERENCES public.studies(nct_id) ON DELETE CASCADE;

ALTER TABLE ONLY public.study_sponsors
    ADD CONSTRAINT study_sponsors_nct_id_fkey FOREIGN KEY (nct_id) REFERENCES public.studies(nct_id) ON DELETE CASCADE;
