/**
 * The OpenAPI description, generated from the routes' zod schemas, at /openapi.json, and a Swagger UI
 * page for people at /docs (its assets come from the installed package, nothing from a CDN). Registered
 * on the root instance before the routes, so @fastify/swagger's hook sees every route.
 */
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

export async function registerOpenapiDocs(app: FastifyInstance, version: string): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Clinical Data Searcher API',
        description:
          'Search a PostgreSQL mirror of ClinicalTrials.gov. Data: ClinicalTrials.gov, U.S. National Library ' +
          'of Medicine. Errors are JSON {"error": {"code", "message"}}.',
        version,
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
