/**
 * Structured logging. On a TTY a human reads the CLI, so lines are short text; otherwise every line is one
 * JSON object (`{ts, level, msg, ...fields}`) that log shippers can parse. Progress bars are drawn by
 * `progress.ts` and only on a TTY.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Keys whose values are never written to a log, whatever logs them. */
const SECRET_KEY = /pass(word)?|secret|token|authorization|api[-_]?key|databaseurl|database_url/i;

export function redact(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (SECRET_KEY.test(key) && key !== 'pageToken' && key !== 'nextPageToken') out[key] = '[redacted]';
    else if (typeof value === 'string') out[key] = redactUrl(value);
    else out[key] = value;
  }
  return out;
}

/** Removes the password from a connection string such as postgres://user:pw@host/db. */
export function redactUrl(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]+:)[^@\s]+@/gi, '$1***@');
}

export interface LoggerOptions {
  level?: LogLevel;
  /** JSON lines (default when stderr is not a TTY) or short text lines. */
  format?: 'json' | 'text';
  write?: (line: string) => void;
  clock?: () => Date;
}

export function createLogger(options: LoggerOptions = {}, base: Record<string, unknown> = {}): Logger {
  const min = LEVELS[options.level ?? 'info'];
  const format = options.format ?? (process.stderr.isTTY ? 'text' : 'json');
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const clock = options.clock ?? (() => new Date());

  const emit = (level: LogLevel, msg: string, fields: Record<string, unknown> = {}) => {
    if (LEVELS[level] < min) return;
    const all = redact({ ...base, ...fields });
    if (format === 'json') {
      write(JSON.stringify({ ts: clock().toISOString(), level, msg, ...all }));
    } else {
      const extra = Object.entries(all)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      write(`${level === 'info' ? '' : `${level}: `}${msg}${extra ? `  ${extra}` : ''}`);
    }
  };

  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (fields) => createLogger(options, { ...base, ...fields }),
  };
}

/** A logger that drops everything: the default for library calls and tests. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
