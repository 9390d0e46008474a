-- The stored documents become `json`, the record text as received, instead of `jsonb` (issue 3). Nothing
-- queries inside them: the API returns a study's document whole, and `cds rebuild` and the version backfill
-- read it back as text to project it again. jsonb parsed each ~17 KB record into its binary tree on the way
-- in, for operators no reader uses; json only checks that the text is JSON. Measured on 5,000 generated
-- records, COPY into the column took 0.22 ms a record as jsonb, 0.13 as json and 0.10 as plain text, and
-- the loader's whole COPY of a batch's documents 0.216 → 0.140 ms of server CPU a study (versions
-- 0.089 → 0.064). Stored, the same records take 40 MB instead of 47 (lz4). The document also keeps the
-- record's key order and duplicate keys, which jsonb rewrote. `document::jsonb` still works for SQL users
-- who want containment or path operators.
--
-- The conversion rewrites both tables: 5 s for 20,000 studies here, so ~2.5 minutes for the registry.
alter table study_documents alter column document type json using document::json;
alter table study_versions alter column document type json using document::json;

-- A new column type keeps its compression method only if the server has it: ask for lz4 again (000013).
do $$
begin
  if exists (
    select 1 from pg_settings where name = 'default_toast_compression' and 'lz4' = any(enumvals)
  ) then
    alter table study_documents alter column document set compression lz4;
    alter table study_versions alter column document set compression lz4;
  end if;
end $$;
