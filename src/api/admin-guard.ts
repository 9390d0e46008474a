/**
 * Admin actions ("run now") on the HTTP API. On a loopback address only this machine can reach the
 * server, so they are open there to its own pages unless a token is configured; beyond loopback `cds serve` refuses to
 * start without `CDS_ADMIN_TOKEN`, and every admin request must carry `Authorization: Bearer <token>`.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import { CdsError } from '../errors.ts';

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Throws CONFIG when the server would listen beyond loopback without an admin token. */
export function assertAdminTokenFor(config: Pick<Config, 'host' | 'adminToken'>): void {
  if (!isLoopbackHost(config.host) && !config.adminToken)
    throw new CdsError(
      'CONFIG',
      `Listening on ${config.host} (beyond this machine) needs an admin token for "run now": set CDS_ADMIN_TOKEN ` +
        'to a secret of at least 16 characters, or listen on 127.0.0.1.',
    );
}

/** The host name of a Host or Origin header value, lower-case, without port or IPv6 brackets. */
function hostName(value: string | undefined): string | null {
  if (!value) return null;
  try {
    return new URL(value.includes('://') ? value : `http://${value}`).hostname
      .replace(/^\[|\]$/g, '')
      .toLowerCase();
  } catch {
    return null;
  }
}

/**
 * A preHandler that lets a request run an admin action or answers 403/401. Without a token (loopback only)
 * the browser is the threat: a page from another site may POST to 127.0.0.1 (its Origin differs from the
 * Host) or reach it through a name that resolves to 127.0.0.1 (DNS rebinding: the Host is not a loopback
 * name). With a token, only the bearer token counts.
 */
export function adminGuard(config: Pick<Config, 'host' | 'adminToken'>) {
  const required = !isLoopbackHost(config.host) || config.adminToken !== undefined;
  const expected = config.adminToken ? Buffer.from(`Bearer ${config.adminToken}`) : null;
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!required) {
      const host = hostName(request.headers.host);
      const origin = request.headers.origin;
      if (host !== null && isLoopbackHost(host) && (origin === undefined || hostName(origin) === host))
        return;
      return reply.code(403).send({
        error: { code: 'FORBIDDEN', message: "Admin actions are accepted only from this server's own pages" },
      });
    }
    const given = Buffer.from(request.headers.authorization ?? '');
    if (expected && given.length === expected.length && timingSafeEqual(given, expected)) return;
    reply.header('www-authenticate', 'Bearer');
    return reply.code(401).send({
      error: {
        code: 'UNAUTHORIZED',
        message: 'This action needs the admin token: Authorization: Bearer <CDS_ADMIN_TOKEN>',
      },
    });
  };
}
