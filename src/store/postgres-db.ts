/** The PostgreSQL server adapter: a pg pool, COPY FROM STDIN through pg-copy-streams. */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';
import { CdsError } from '../errors.ts';
import { redactUrl } from '../log.ts';
import {
  type AnyKysely,
  type Db,
  ident,
  type Queryable,
  type QueryResult,
  type SessionSettings,
  setLocalScript,
} from './db.ts';

// int8 (counts, bigint ids) as JS numbers: every count here is far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
// numeric as numbers (ages in years, ratios): precision well inside a double.
pg.types.setTypeParser(1700, (v) => Number(v));
// date as the 'yyyy-MM-dd' string: a calendar date has no time zone, a JS Date would invent one.
pg.types.setTypeParser(1082, (v) => v);

export interface PostgresDbOptions {
  /** Connections in the pool (default 4: two loader streams, the API and the scheduler). */
  max?: number;
  /** statement_timeout for every connection, in milliseconds (0 = none). */
  statementTimeoutMs?: number;
  applicationName?: string;
}

function wrap(client: pg.PoolClient | pg.Pool): Queryable {
  return {
    async query<R>(text: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
      const result = await client.query(text, params as unknown[]);
      return { rows: result.rows as R[], rowCount: result.rowCount ?? result.rows.length };
    },
    async exec(script: string) {
      await client.query(script);
    },
    async copyFrom(table: string, columns: readonly string[], text: string | Uint8Array) {
      const sql = `COPY ${ident(table)} (${columns.map(ident).join(', ')}) FROM STDIN`;
      if ('release' in client) {
        await pipeline(Readable.from([text]), client.query(copyFromStdin(sql)));
        return;
      }
      const own = await client.connect();
      try {
        await pipeline(Readable.from([text]), own.query(copyFromStdin(sql)));
      } finally {
        own.release();
      }
    },
  };
}

/**
 * A client checked out of the pool, and its release. A checked-out client has no pool error listener: a
 * connection lost mid-transaction (a server restart) would be an uncaught 'error' event that kills the
 * process. Its pending query fails instead, and the broken client (or one released with an error) is
 * discarded, not returned to the pool.
 */
async function checkout(pool: pg.Pool): Promise<{ client: pg.PoolClient; release: (error?: Error) => void }> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onError = (error: Error) => {
    lost = error;
  };
  client.on('error', onError);
  return {
    client,
    release: (error) => {
      client.off('error', onError);
      client.release(error ?? lost);
    },
  };
}

export async function openPostgresDb(url: string, options: PostgresDbOptions = {}): Promise<Db> {
  const max = options.max ?? 4;
  const pool = new pg.Pool({
    connectionString: url,
    max,
    application_name: options.applicationName ?? 'cds',
    ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
  });
  // An idle client that loses its connection (server restart) must not crash the process.
  pool.on('error', () => {});
  const clients = trackClients(pool);
  try {
    await pool.query('select 1');
  } catch (error) {
    await pool.end().catch(() => {});
    throw new CdsError(
      'CONFIG',
      `Cannot connect to PostgreSQL at ${redactUrl(url)}: ${(error as Error).message}. ` +
        'Check DATABASE_URL, or unset it to use the embedded database.',
      { cause: error },
    );
  }
  const kysely: AnyKysely = new Kysely({ dialect: new PostgresDialect({ pool }) });
  const base = wrap(pool);
  return {
    engine: 'postgres',
    parallelism: max,
    kysely,
    ...base,
    async transaction(fn) {
      const { client, release } = await checkout(pool);
      try {
        await client.query('begin');
        const result = await fn(wrap(client));
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => {});
        throw error;
      } finally {
        release();
      }
    },
    // BEGIN with the settings in one script, then the statement: two round trips before the rows, where a
    // transaction() with its settings takes three. The COMMIT follows after the rows are handed back (a read
    // has nothing to commit), and the connection returns to the pool when it is done. Under load each round
    // trip waits for a core: on two cores busy with a search's other statements, 1–9 ms each.
    async readWith<R>(settings: SessionSettings, text: string, params: readonly unknown[] = []) {
      const { client, release } = await checkout(pool);
      let result: pg.QueryResult;
      try {
        await client.query(`begin; ${setLocalScript(settings)}`);
        result = await client.query(text, params as unknown[]);
      } catch (error) {
        await client.query('rollback').catch(() => {});
        release();
        throw error;
      }
      client.query('commit').then(
        () => release(),
        (error: Error) => release(error),
      );
      return { rows: result.rows as R[], rowCount: result.rowCount ?? result.rows.length };
    },
    async close() {
      const ended = clients.allEnded();
      // Kysely ends the pool only if it ever used it; until then its destroy() does nothing.
      await kysely.destroy();
      if (!pool.ending) await pool.end();
      await ended;
    },
  };
}

/** How long close() waits for the connections to end. */
const CLOSE_WAIT_MS = 5_000;

/**
 * The pool's connected clients, and a wait for all of them to end. pool.end() resolves once no client is
 * left in the pool, while their connections are still closing: a backend of it could outlive close(), and
 * one terminated then (DROP DATABASE … WITH (FORCE), a server shutdown) sends 57P01 to a client that has
 * no 'error' listener any more, which throws. The pool emits 'remove' when a client's connection has ended.
 * The wait is bounded: a connection to an unreachable server may not end before TCP gives up on it.
 */
function trackClients(pool: pg.Pool): { allEnded(): Promise<void> } {
  const open = new Set<pg.PoolClient>();
  const waiting: (() => void)[] = [];
  pool.on('connect', (client) => {
    open.add(client);
  });
  pool.on('remove', (client) => {
    open.delete(client as pg.PoolClient);
    if (open.size === 0) for (const resolve of waiting.splice(0)) resolve();
  });
  return {
    allEnded() {
      // From here on an error of an ending client concerns no one.
      for (const client of open) client.on('error', () => {});
      if (open.size === 0) return Promise.resolve();
      return new Promise((resolve) => {
        waiting.push(resolve);
        setTimeout(resolve, CLOSE_WAIT_MS).unref();
      });
    },
  };
}
