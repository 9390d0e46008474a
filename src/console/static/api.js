/**
 * Calls to this server's JSON API. Errors come back as `{ error: { code, message } }`; `ApiError` carries
 * both so pages can show the message. Admin actions send the admin token kept for this browser tab.
 */
const TOKEN_KEY = 'cds.adminToken';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function getJson(path, params) {
  const url = params ? `${path}?${params}` : path;
  return parseResponse(await fetch(url, { headers: { accept: 'application/json' } }));
}

/** POSTs an admin action, with `body` as JSON when given (see sendAdmin). */
export function postAdmin(path, body) {
  return sendAdmin('POST', path, body);
}

/** An admin action (POST, DELETE); on 401 asks once for the admin token and retries with it. */
export async function sendAdmin(method, path, body) {
  for (let attempt = 0; attempt < 2; attempt++) {
    const token = sessionStorage.getItem(TOKEN_KEY);
    const response = await fetch(path, {
      method,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (response.status === 401 && attempt === 0) {
      const given = window.prompt('This server needs the admin token (CDS_ADMIN_TOKEN) for this action:');
      if (!given) throw new ApiError(401, 'UNAUTHORIZED', 'The admin token is needed for this action.');
      sessionStorage.setItem(TOKEN_KEY, given.trim());
      continue;
    }
    if (response.status === 401) sessionStorage.removeItem(TOKEN_KEY);
    return parseResponse(response);
  }
  throw new ApiError(401, 'UNAUTHORIZED', 'The admin token was not accepted.');
}

async function parseResponse(response) {
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const error = body && typeof body === 'object' ? body.error : null;
    throw new ApiError(
      response.status,
      error?.code ?? `HTTP_${response.status}`,
      (typeof error === 'string' ? error : error?.message) ??
        body?.message ??
        `The server answered ${response.status}.`,
    );
  }
  return body;
}
