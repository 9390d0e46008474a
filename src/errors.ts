/**
 * The few error types of this codebase. Each carries a stable `code` that callers and tests match on,
 * a message that says what happened, where, and what to do, and the context (NCT id, page, run id).
 */

export type ErrorCode =
  /** Configuration or command-line input is invalid. */
  | 'CONFIG'
  /** The ClinicalTrials.gov API answered with a status that retrying cannot fix (400, 404, …). */
  | 'API_REJECTED'
  /** The API could not be reached or kept failing after every retry. */
  | 'API_UNREACHABLE'
  /** A downloaded file (page, zip) is incomplete or corrupt. */
  | 'CORRUPT_DOWNLOAD'
  /** A landed file or directory cannot be read as study records. */
  | 'BAD_INPUT'
  /** The database schema is newer than this code, or a migration failed. */
  | 'SCHEMA'
  /** Another process holds a lock (PGlite data directory, a running sync). */
  | 'LOCKED'
  /** A search or API request is invalid. */
  | 'BAD_QUERY'
  /** A search ran past its statement timeout. */
  | 'TIMEOUT'
  /** Not found (study, run). */
  | 'NOT_FOUND';

export class CdsError extends Error {
  readonly code: ErrorCode;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { context?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CdsError';
    this.code = code;
    this.context = Object.freeze({ ...(options.context ?? {}) });
  }
}

export function isCdsError(error: unknown, code?: ErrorCode): error is CdsError {
  return error instanceof CdsError && (code === undefined || error.code === code);
}

/** A one-line description of any thrown value, with the causes chained, for logs and run records. */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    if (current instanceof Error) {
      parts.push(current.message);
      current = current.cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join(': caused by: ');
}
