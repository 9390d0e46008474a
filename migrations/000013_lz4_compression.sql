-- LZ4 instead of pglz for every value PostgreSQL compresses (issue 3), where the server is built with it
-- (PostgreSQL 15 on Debian is; PGlite is not, and keeps pglz). Each study writes ~17 KB of raw JSON as
-- jsonb, its texts and its vectors, all compressed on the way in: on the fixture documents lz4 stored jsonb
-- ~35% faster than pglz, at the same size (±3%). Reading is no slower: rechecking 30,000 TOASTed search
-- vectors for a phrase took the same time with either.
--
-- Column compression applies to values written from now on; values already stored stay pglz until their
-- study is written again (a reload or `cds rebuild`), and both read back the same. The database default
-- covers tables made later, above all the loader's per-batch staging table, whose search texts are
-- compressed when COPYed in and decompressed again to build the vector. It takes effect in new sessions,
-- and needs the database's owner: without that right only the columns change.
--
-- Not done: keeping the search vector in the row (storage main). Measured on the 605,500-study benchmark,
-- it halved a phrase query ("type 1 diabetes" 1,064 → 546 ms: no TOAST read per recheck) but made the heap
-- 2.9 GB instead of 532 MB, and every query that visits matching rows for their facets slower (typical
-- p50 64 → 87 ms, a radius search with text 354 → 781 ms): narrow rows (migration 000008) win overall.
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
