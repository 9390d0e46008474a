/**
 * A fake ClinicalTrials.gov API v2 on 127.0.0.1 for tests, serving the real fixture studies, with faults
 * injected on request.
 *
 *   const api = await startFakeCtgov();            // api.url = http://127.0.0.1:<port>/api/v2
 *   api.inject({ kind: 'status', status: 503, times: 2, path: '/studies' });
 *   ... run the client against api.url ...
 *   api.requests                                   // every request received, in order
 *   await api.close();
 *
 * Endpoints: /studies (pageSize default 10, max 1000; opaque page tokens that follow-up pages must use with
 * the same parameters; filter.advanced=AREA[LastUpdatePostDate]RANGE[from,to]; sort=LastUpdatePostDate[:asc];
 * filter.ids; query.term as a substring; countTotal), /studies/{nctId} (301 for an alias, 404 text/plain for
 * an unknown id), /version, /stats/size, /studies/download?format=json.zip (built with yazl). Unknown
 * parameters get 400 text/plain "`<name>` is unknown parameter" like the real API. Page tokens expire when
 * the data changes (setStudies, setDataTimestamp).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  buildBulkZip,
  decodeToken,
  encodeToken,
  type FakeStudy,
  KNOWN_UNSUPPORTED_PARAMS,
  loadFixtureStudies,
  querySignature,
  renderPage,
  SUPPORTED_PARAMS,
  selectStudies,
  toFakeStudy,
} from './fake-ctgov-data.ts';

/**
 * A fault fires on the next `times` matching requests (default 1). `path` matches the request path and
 * query (a string must be a prefix of the path after /api/v2, e.g. '/studies/download'; a RegExp is tested
 * against the whole path and query).
 */
export type FakeFault = { times?: number; path?: string | RegExp } & (
  | { kind: 'status'; status: number; retryAfter?: string; body?: string }
  /** Waits `delayMs` before answering normally (longer than the client timeout: a timeout). */
  | { kind: 'slow'; delayMs: number }
  /** Closes the connection before any header is sent. */
  | { kind: 'drop' }
  /** Sends the headers and half the body, then resets the connection. */
  | { kind: 'reset-mid-body' }
  /** Content-Length promises the whole body, half is sent, then the connection ends. */
  | { kind: 'short-body' }
  /** A complete, valid HTTP response whose body is the first half of the real one (a cut JSON page or zip). */
  | { kind: 'truncated-body' }
  /** Answers a request that carries a pageToken with 400, as an expired token. */
  | { kind: 'expired-token' }
  /**
   * The bulk zip with the compressed bytes of one entry damaged (its central directory intact, so the zip
   * opens and counts its entries; that entry fails to inflate or its CRC-32 does not match).
   */
  | { kind: 'corrupt-zip-entry'; nctId: string }
);

export interface FakeRequest {
  method: string;
  /** Path after the host, with the query string: `/api/v2/studies?pageSize=1000`. */
  url: string;
  path: string;
  params: URLSearchParams;
  fault?: FakeFault['kind'];
}

export interface FakeCtgov {
  /** Base URL ending in /api/v2. */
  url: string;
  requests: FakeRequest[];
  inject(fault: FakeFault): void;
  setStudies(texts: readonly string[]): void;
  setDataTimestamp(timestamp: string): void;
  close(): Promise<void>;
}

export interface FakeCtgovOptions {
  /** Study texts to serve (default: the 206 fixtures). */
  studies?: readonly string[];
  dataTimestamp?: string;
  /** NCT alias → canonical NCT id, answered with 301 on /studies/{alias}. */
  aliases?: Record<string, string>;
}

const API = '/api/v2';

/** A copy of `zip` with bytes in the middle of the compressed data of the entry `<nn>/<nctId>.json` flipped. */
export function corruptZipEntry(zip: Buffer, nctId: string): Buffer {
  const copy = Buffer.from(zip);
  const name = Buffer.from(`${nctId.slice(-2)}/${nctId}.json`);
  // The first occurrence of the name is in the entry's local header (the central directory comes last).
  const at = copy.indexOf(name);
  const header = at - 30;
  if (at < 0 || copy.readUInt32LE(header) !== 0x04034b50) throw new Error(`no zip entry for ${nctId}`);
  const data = at + name.length + copy.readUInt16LE(header + 28);
  for (let i = 8; i < 40; i++) copy[data + i] = (copy[data + i] ?? 0) ^ 0xa5;
  return copy;
}

export async function startFakeCtgov(options: FakeCtgovOptions = {}): Promise<FakeCtgov> {
  let studies: FakeStudy[] = (options.studies ?? loadFixtureStudies()).map(toFakeStudy);
  let dataTimestamp = options.dataTimestamp ?? '2026-11-28T09:00:04';
  let generation = 1;
  let zip: Promise<Buffer> | undefined;
  const faults: (FakeFault & { left: number })[] = [];
  const requests: FakeRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const takeFault = (path: string, params: URLSearchParams): FakeFault | undefined => {
    const index = faults.findIndex((f) => {
      if (f.kind === 'expired-token' && !params.has('pageToken')) return false;
      if (f.path === undefined) return true;
      return typeof f.path === 'string' ? path.startsWith(API + f.path) : f.path.test(path);
    });
    const fault = faults[index];
    if (!fault) return undefined;
    fault.left--;
    if (fault.left <= 0) faults.splice(index, 1);
    return fault;
  };

  const text = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'text/plain', ...headers });
    res.end(body);
  };

  const answer = async (
    req: IncomingMessage,
  ): Promise<{ status: number; type: string; body: Buffer; headers?: Record<string, string> }> => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const route = url.pathname.startsWith(API) ? url.pathname.slice(API.length) : url.pathname;
    const params = url.searchParams;
    const plain = (status: number, body: string) => ({ status, type: 'text/plain', body: Buffer.from(body) });
    const json = (value: unknown) => ({
      status: 200,
      type: 'application/json',
      body: Buffer.from(JSON.stringify(value)),
    });
    if (route === '/version') return json({ apiVersion: '2.0.5', dataTimestamp });
    if (route === '/stats/size') {
      const sizes = studies.map((s) => Buffer.byteLength(s.text));
      return json({
        totalStudies: studies.length,
        averageSizeBytes: Math.round(sizes.reduce((a, b) => a + b, 0) / Math.max(1, sizes.length)),
        largestStudies: [],
        percentiles: {},
        ranges: [],
      });
    }
    if (route === '/studies/download') {
      for (const key of params.keys())
        if (key !== 'format') return plain(400, 'Invalid prefix in parameter name');
      if (params.get('format') !== 'json.zip') return plain(400, 'Only format=json.zip is supported');
      zip ??= buildBulkZip(studies);
      return { status: 200, type: 'application/zip', body: await zip };
    }
    if (route === '/studies') {
      for (const key of params.keys()) {
        if (KNOWN_UNSUPPORTED_PARAMS.has(key)) return plain(400, `fake server does not support \`${key}\``);
        if (!SUPPORTED_PARAMS.has(key)) return plain(400, `\`${key}\` is unknown parameter`);
      }
      const signature = querySignature(params);
      let offset = 0;
      const tokenText = params.get('pageToken');
      if (tokenText !== null) {
        const token = decodeToken(tokenText);
        if (!token || token.generation !== generation)
          return plain(400, `Invalid or expired pageToken: ${tokenText}`);
        if (token.signature !== signature)
          return plain(400, 'Parameters of a follow-up page must repeat those of the first page');
        offset = token.offset;
      }
      const selected = selectStudies(studies, params);
      if (typeof selected === 'string') return plain(400, selected);
      const requested = Number(params.get('pageSize') ?? '10');
      const pageSize =
        !Number.isFinite(requested) || requested <= 0 ? 10 : Math.min(1000, Math.floor(requested));
      const end = offset + pageSize;
      const page = renderPage(selected.slice(offset, end), {
        totalCount: tokenText === null && params.get('countTotal') === 'true' ? selected.length : undefined,
        nextPageToken:
          end < selected.length ? encodeToken({ offset: end, signature, generation }) : undefined,
      });
      return { status: 200, type: 'application/json', body: Buffer.from(page) };
    }
    const one = /^\/studies\/(NCT\d{8})$/i.exec(route);
    if (one) {
      const id = (one[1] ?? '').toUpperCase();
      const canonical = options.aliases?.[id];
      if (canonical)
        return {
          status: 301,
          type: 'text/plain',
          body: Buffer.from(''),
          headers: { location: `${API}/studies/${canonical}` },
        };
      const study = studies.find((s) => s.nctId === id);
      return study
        ? { status: 200, type: 'application/json', body: Buffer.from(study.text) }
        : plain(404, `Study ${id} not found`);
    }
    return plain(404, `Not found: ${route}`);
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const record: FakeRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      path: url.pathname,
      params: url.searchParams,
    };
    requests.push(record);
    const fault = takeFault(`${url.pathname}${url.search}`, url.searchParams);
    if (fault) record.fault = fault.kind;
    void (async () => {
      if (fault?.kind === 'drop') return void req.socket.destroy();
      if (fault?.kind === 'status')
        return text(
          res,
          fault.status,
          fault.body ?? `fault ${fault.status}`,
          fault.retryAfter ? { 'retry-after': fault.retryAfter } : {},
        );
      if (fault?.kind === 'expired-token') return text(res, 400, 'Invalid or expired pageToken');
      if (fault?.kind === 'slow') {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            timers.delete(timer);
            resolve();
          }, fault.delayMs);
          timers.add(timer);
        });
        if (res.destroyed || req.socket.destroyed) return;
      }
      const reply = await answer(req);
      const headers = { 'content-type': reply.type, ...(reply.headers ?? {}) };
      if (fault?.kind === 'corrupt-zip-entry') reply.body = corruptZipEntry(reply.body, fault.nctId);
      const half = reply.body.subarray(0, Math.floor(reply.body.length / 2));
      if (fault?.kind === 'truncated-body') {
        res.writeHead(reply.status, { ...headers, 'content-length': String(half.length) });
        return void res.end(half);
      }
      res.writeHead(reply.status, { ...headers, 'content-length': String(reply.body.length) });
      if (fault?.kind === 'reset-mid-body' || fault?.kind === 'short-body') {
        res.write(half, () => {
          if (fault.kind === 'reset-mid-body') req.socket.resetAndDestroy();
          else req.socket.end();
        });
        return;
      }
      res.end(reply.body);
    })().catch((error: unknown) => {
      if (!res.headersSent) text(res, 500, `fake server error: ${String(error)}`);
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${API}`,
    requests,
    inject: (fault) => faults.push({ ...fault, left: fault.times ?? 1 }),
    setStudies: (texts) => {
      studies = texts.map(toFakeStudy);
      zip = undefined;
      generation++;
    },
    setDataTimestamp: (timestamp) => {
      dataTimestamp = timestamp;
      generation++;
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
