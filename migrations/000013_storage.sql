-- How the large values are stored (issues 3 and 5). Both apply to values written from now on: rows already
-- stored keep their form until their study is written again (a reload or `cds rebuild`); both read back the
-- same.
--
-- 1. The weighted search vector stays in the row (storage main: compressed, moved out only when the row
--    would not fit a page), where it was TOASTed out of line (~4.7 KB compressed on average). A phrase
--    query rechecks the vector of every study holding its words, and a relevance page scores 500: each
--    such read was a TOAST index lookup and ~3 chunk reads. Measured on 30,000 vectors of the 605,500-study
--    benchmark: the phrase "type 1 diabetes" checked in 155 ms inline against 528 ms out of line. The
--    heap grows by the vectors' size, which only whole-table passes (ANALYZE, the typeahead terms' full
--    rebuild) read more of: search goes through indexes.
alter table studies alter column search_vector set storage main;

-- 2. LZ4 instead of pglz for every value PostgreSQL compresses, where the server is built with it
-- (PostgreSQL 15 on Debian is; PGlite is not, and keeps pglz). Each study writes ~17 KB of raw JSON as
-- jsonb, its texts and its vectors, all compressed on the way in: on the fixture documents lz4 stored jsonb
-- ~35% faster than pglz, at the same size (±3%). The database default
-- covers tables made later, above all the loader's per-batch staging table, whose search texts are
-- compressed when COPYed in and decompressed again to build the vector. It takes effect in new sessions,
-- and needs the database's owner: without that right only the columns change.
do $$
declare
  col record;
begin
  if not exists (
    select 1 from pg_settings where name = 'default_toast_compression' and 'lz4' = any(enumvals)
  ) then
    raise notice 'lz4 is not available on this server: values stay pglz-compressed';
    return;
  end if;
  for col in
    select c.relname, a.attname
    from pg_attribute a
    join pg_class c on c.oid = a.attrelid
    where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'p')
      and a.attnum > 0 and not a.attisdropped and a.attstorage in ('x', 'm')
    order by c.relname, a.attnum
  loop
    execute format('alter table %I alter column %I set compression lz4', col.relname, col.attname);
  end loop;
  begin
    execute format('alter database %I set default_toast_compression = lz4', current_database());
  exception when insufficient_privilege then
    raise notice 'not the owner of database %: only the columns use lz4', current_database();
  end;
end $$;
