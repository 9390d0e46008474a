-- One outcome vector per study (issue 3), in place of the expression index over every outcome row.
--
-- The outcomes (measure and description of every primary, secondary and other outcome) were parsed twice:
-- as part of weight C's text of the study's vector, and again by `study_outcomes_text_idx`, a GIN index on
-- to_tsvector of each outcome row. That index was the costliest build of a bulk load: 4.5 of the 14.7 s
-- that building every index one at a time took at 20,000 studies (0.225 ms a study). The loader now
-- parses the outcomes once, stores their vector here, and joins the same vector into weight C
-- (write-studies.ts); this table's GIN index indexes stored vectors, with nothing to parse.
--
-- Outcome search (`outcome=`) now matches the study's outcomes as a whole, as ClinicalTrials.gov's outcome
-- search area does: "pain sleep" matches a study with pain in one outcome and sleep in another, where it
-- needed both words in one outcome before.
--
-- The backfill builds each study's outcome text from its stored outcome rows (the loader builds it from
-- the record, with markdown escapes resolved: the same words); `cds rebuild` rewrites them from the
-- documents. Each study has a row, with an empty vector when it registers no outcome. ~0.2 ms a study.
create table study_outcome_vectors (
  nct_id text primary key references studies (nct_id) on delete cascade,
  vector tsvector not null
);

do $$
begin
  if exists (
    select 1 from pg_settings where name = 'default_toast_compression' and 'lz4' = any(enumvals)
  ) then
    alter table study_outcome_vectors alter column vector set compression lz4;
  end if;
end $$;

insert into study_outcome_vectors (nct_id, vector)
select s.nct_id,
       to_tsvector('english'::regconfig, coalesce((
         select string_agg(concat_ws(E'\n', nullif(o.measure, ''), nullif(o.description, '')), E'\n' order by o.ord)
         from study_outcomes o where o.nct_id = s.nct_id), ''))
from studies s;

create index study_outcome_vectors_vector_idx on study_outcome_vectors using gin (vector);
drop index study_outcomes_text_idx;
drop function search_outcome_vector(text, text);
