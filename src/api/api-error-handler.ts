/**
 * Errors of the HTTP API as JSON `{ error: { code, message } }`: a CdsError keeps its
 * code and message (they say what to do); anything else is logged and answered with a generic 500 —
 * never a stack trace or an internal message.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorCode, isCdsError } from '../errors.ts';
import type { Logger } from '../log.ts';

const STATUS: Partial<Record<ErrorCode, number>> = {
  BAD_QUERY: 400,
  CONFIG: 400,
  NOT_FOUND: 404,
  LOCKED: 409,
  TIMEOUT: 503,
};

export function apiErrorHandler(logger: Logger) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (isCdsError(error)) {
      const status = STATUS[error.code] ?? 500;
      return reply.code(status).send({ error: { code: error.code, message: error.message } });
    }
    if (error.validation || (error.statusCode && error.statusCode < 500)) {
      return reply
        .code(error.statusCode ?? 400)
        .send({ error: { code: 'BAD_REQUEST', message: error.message.slice(0, 300) } });
    }
    logger.error('request failed', { method: request.method, url: request.url, error: error.message });
    return reply
      .code(500)
      .send({ error: { code: 'INTERNAL', message: 'Internal error; the server log has the details' } });
  };
}
