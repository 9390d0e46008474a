/**
 * The embedded adapter: PGlite (PostgreSQL compiled to WebAssembly) in a data directory, so `cds` works
 * on a machine with nothing installed. PGlite is single-connection and single-process: statements are
 * serialized by PGlite itself, and the data directory is locked so a second process gets a clear message.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import { cube } from '@electric-sql/pglite/contrib/cube';
import { earthdistance } from '@electric-sql/pglite/contrib/earthdistance';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { Kysely, PostgresDialect } from 'kysely';
import { CdsError } from '../errors.ts';
import {
  type AnyKysely,
  type Db,
  ident,
  type Queryable,
  type QueryResult,
  type SessionSettings,
  setLocalScript,
} from './db.ts';

type PgliteLike = Pick<PGlite, 'query' | 'exec'>;

function wrap(pg: PgliteLike): Queryable {
  return {
    async query<R>(text: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
      const result = await pg.query<R>(text, params as unknown[]);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
    async exec(script: string) {
      await pg.exec(script);
    },
    async copyFrom(table: string, columns: readonly string[], text: string | Uint8Array) {
      const sql = `COPY ${ident(table)} (${columns.map(ident).join(', ')}) FROM '/dev/blob'`;
      await pg.query(sql, [], { blob: new Blob([text]) });
    },
  };
}

/**
 * A pg-Pool look-alike for Kysely's PostgresDialect. Each statement goes through PGlite's own queue.
 * Kysely transactions are not used on this engine outside the migrator, which runs alone at start-up.
 */
function kyselyPool(pg: PGlite) {
  const client = {
    async query(sql: string, params: unknown[]) {
      if (params.length === 0 && !/^\s*(select|with|insert|update|delete)\b/i.test(sql)) {
        const results = await pg.exec(sql);
        const last = results.at(-1);
        return { command: 'UPDATE', rowCount: last?.affectedRows ?? 0, rows: last?.rows ?? [] };
      }
      const result = await pg.query(sql, params);
      return { command: 'SELECT', rowCount: result.affectedRows ?? result.rows.length, rows: result.rows };
    },
    release() {},
  };
  return { connect: async () => client, end: async () => {} };
}

/** Holds `<dir>.lock` with our pid; a lock whose process is gone is taken over. */
function lockDataDir(dir: string): () => void {
  const lockPath = `${dir}.lock`;
  mkdirSync(path.dirname(lockPath), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(
        fd,
        JSON.stringify({ pid: process.pid, argv: process.argv.slice(2), since: new Date().toISOString() }),
      );
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let holder: { pid?: number; argv?: string[]; since?: string } = {};
      try {
        holder = JSON.parse(readFileSync(lockPath, 'utf8'));
      } catch {
        // A lock file being written right now, or garbage: treat as held.
      }
      if (holder.pid && !isAlive(holder.pid)) {
        rmSync(lockPath, { force: true });
        continue;
      }
      throw new CdsError(
        'LOCKED',
        `The embedded database ${dir} is in use by process ${holder.pid ?? '?'}` +
          `${holder.argv ? ` (cds ${holder.argv.join(' ')})` : ''}${holder.since ? ` since ${holder.since}` : ''}. ` +
          'PGlite allows one process: run `cds serve` (it runs the scheduler in-process) or stop that process, ' +
          'or set DATABASE_URL to use a PostgreSQL server.',
        { context: { dir, pid: holder.pid } },
      );
    }
  }
  throw new CdsError('LOCKED', `Could not lock the embedded database ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Opens (creating if needed) the embedded database in `dir`, or in memory when `dir` is 'memory://'. */
export async function openPgliteDb(dir: string): Promise<Db> {
  const inMemory = dir.startsWith('memory://');
  const unlock = inMemory ? () => {} : lockDataDir(dir);
  let pg: PGlite;
  try {
    pg = await PGlite.create(inMemory ? undefined : dir, {
      extensions: { pg_trgm, cube, earthdistance, unaccent, btree_gin },
    });
  } catch (error) {
    unlock();
    throw error;
  }
  const kysely: AnyKysely = new Kysely({ dialect: new PostgresDialect({ pool: kyselyPool(pg) as never }) });
  return {
    engine: 'pglite',
    parallelism: 1,
    kysely,
    ...wrap(pg),
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
    // One connection, in process: no round trips to save.
    readWith: <R>(settings: SessionSettings, text: string, params: readonly unknown[] = []) =>
      pg.transaction(async (tx) => {
        await tx.exec(setLocalScript(settings));
        return wrap(tx).query<R>(text, params);
      }),
    async close() {
      try {
        await pg.close();
      } finally {
        unlock();
      }
    },
  };
}
