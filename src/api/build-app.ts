/**
 * The HTTP application: fastify with zod validation and serialization, the OpenAPI description and docs
 * page, and one plugin per concern (search here; runs, sync and the console register beside it). Returns
 * the app without listening: `cds serve` listens on config.host (loopback by default) and tests inject.
 *
 * Security defaults: no CORS headers (the console is same-origin), no request bodies beyond 64 KB, errors
 * as JSON without stack traces (apiErrorHandler), every parameter validated.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Db } from '../store/db.ts';
import { apiErrorHandler } from './api-error-handler.ts';
import { registerOpenapiDocs } from './openapi-docs.ts';
import { searchRoutes } from './search-routes.ts';

export interface BuildAppOptions {
  db: Db;
  config: Pick<Config, 'searchTimeoutMs'>;
  logger: Logger;
  /** API version shown in the OpenAPI description. */
  version?: string;
}

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { db, config, logger } = options;
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024, routerOptions: { maxParamLength: 200 } });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(apiErrorHandler(logger));
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: {
        code: 'NOT_FOUND',
        message: `No route ${request.method} ${request.url.split('?')[0]}; see /docs`,
      },
    }),
  );
  app.addHook('onResponse', async (request, reply) => {
    logger.debug('request', {
      method: request.method,
      url: request.url.split('?')[0],
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    });
  });

  await registerOpenapiDocs(app, options.version ?? '0.1.0');
  await app.register(searchRoutes, { db, logger, searchTimeoutMs: config.searchTimeoutMs });
  return app;
}
