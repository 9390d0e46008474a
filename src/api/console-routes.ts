/**
 * The web console: plain HTML, CSS and JavaScript modules from src/console/static under /console/, and
 * the browser files it needs from installed packages under /console/vendor/ (the map outline, its decoder
 * and the dashboards' charting library), so nothing is fetched from a CDN. `/` redirects to the search page. A content security policy
 * confines every page to this server.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

const STATIC_DIR = fileURLToPath(new URL('../console/static/', import.meta.url));

/** Browser files served from node_modules: URL name → package file and content type. */
const VENDOR_FILES: Record<string, { module: string; type: string }> = {
  'topojson-client.js': {
    module: 'topojson-client/dist/topojson-client.min.js',
    type: 'text/javascript; charset=utf-8',
  },
  'countries-110m.json': { module: 'world-atlas/countries-110m.json', type: 'application/json' },
  // The dashboards' charts. chart.js exports no subpath for its browser (UMD) build, which sits beside
  // the package's CommonJS entry (dist/chart.cjs); a different layout fails at startup, not in the browser.
  'chart.umd.js': {
    module: path.join(path.dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js'),
    type: 'text/javascript; charset=utf-8',
  },
};

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export const consoleRoutes: FastifyPluginAsync = async (app) => {
  const require = createRequire(import.meta.url);
  const vendor = new Map<string, { body: Buffer; type: string }>();
  for (const [name, file] of Object.entries(VENDOR_FILES))
    vendor.set(name, { body: await readFile(require.resolve(file.module)), type: file.type });

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.headers(SECURITY_HEADERS);
    return payload;
  });

  app.get('/', async (_request, reply) => reply.redirect('/console/'));

  app.get<{ Params: { name: string } }>('/console/vendor/:name', async (request, reply) => {
    const file = vendor.get(request.params.name);
    if (!file) return reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'No such file' } });
    return reply.type(file.type).header('cache-control', 'public, max-age=86400').send(file.body);
  });

  await app.register(fastifyStatic, {
    root: STATIC_DIR,
    prefix: '/console/',
    decorateReply: false,
    index: 'index.html',
    maxAge: 60_000,
  });
};
