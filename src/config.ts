/**
 * All configuration, parsed and validated in one place from the environment (and CLI overrides).
 * Every option says its unit. Nothing else in src/ reads process.env.
 */
import path from 'node:path';
import { z } from 'zod';
import { CdsError } from './errors.ts';

const positiveNumber = z.coerce.number().positive();

export const configSchema = z.object({
  /** PostgreSQL connection string. Absent: the embedded PGlite database under `dataDir/pglite`. */
  databaseUrl: z.string().min(1).optional(),
  /** Where landed runs, the embedded database and locks live. */
  dataDir: z.string().min(1).default('data'),
  /** ClinicalTrials.gov API v2 base URL, without a trailing slash. */
  apiUrl: z
    .url()
    .default('https://clinicaltrials.gov/api/v2')
    .transform((u) => u.replace(/\/+$/, '')),
  /** Requests per second to the API (default 1: robots.txt asks for Crawl-delay 1). */
  apiRatePerSecond: positiveNumber.default(1),
  /** Timeout of one API request in milliseconds (time to the response headers and between body chunks). */
  apiTimeoutMs: z.coerce.number().int().positive().default(60_000),
  /** Attempts per request on retryable failures (429, 5xx, timeouts, resets), including the first. */
  apiAttempts: z.coerce.number().int().min(1).max(20).default(7),
  /** Landed run directories kept (older ones are deleted after a successful run). 0 keeps all. */
  landingRetention: z.coerce.number().int().min(0).default(14),
  /** First incremental sync with no watermark: how many days back to take. */
  initialWindowDays: z.coerce.number().int().positive().default(30),
  /** HTTP server bind address. Anything other than loopback requires an admin token. */
  host: z.string().default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Bearer token for admin actions ("run now"); required when listening beyond loopback. */
  adminToken: z.string().min(16).optional(),
  /** Cron expression (UTC) for the daily sync. */
  syncCron: z.string().default('0 10 * * *'),
  /** Search statement timeout in milliseconds. */
  searchTimeoutMs: z.coerce.number().int().positive().default(5_000),
  /** NATS server with JetStream for change events (e.g. nats://127.0.0.1:4222). Absent: delivered in-process. */
  natsUrl: z.string().min(1).optional(),
});

export type Config = z.infer<typeof configSchema>;

const ENV_KEYS: Record<keyof Config, string> = {
  databaseUrl: 'DATABASE_URL',
  dataDir: 'CDS_DATA_DIR',
  apiUrl: 'CTGOV_API_URL',
  apiRatePerSecond: 'CTGOV_RATE_PER_SEC',
  apiTimeoutMs: 'CTGOV_TIMEOUT_MS',
  apiAttempts: 'CTGOV_ATTEMPTS',
  landingRetention: 'CDS_LANDING_RETENTION',
  initialWindowDays: 'CDS_INITIAL_WINDOW_DAYS',
  host: 'CDS_HOST',
  port: 'CDS_PORT',
  adminToken: 'CDS_ADMIN_TOKEN',
  syncCron: 'CDS_SYNC_CRON',
  searchTimeoutMs: 'CDS_SEARCH_TIMEOUT_MS',
  natsUrl: 'CDS_NATS_URL',
};

/** Reads the configuration from `env`; `overrides` (from CLI flags) win. Throws CdsError('CONFIG'). */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<Record<keyof Config, unknown>> = {},
): Config {
  const input: Record<string, unknown> = {};
  for (const [key, envName] of Object.entries(ENV_KEYS)) {
    const value = env[envName];
    if (value !== undefined && value !== '') input[key] = value;
  }
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) input[key] = value;
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((i) => `${ENV_KEYS[i.path[0] as keyof Config] ?? i.path.join('.')}: ${i.message}`)
      .join('; ');
    throw new CdsError('CONFIG', `Invalid configuration: ${issues}`);
  }
  return { ...parsed.data, dataDir: path.resolve(parsed.data.dataDir) };
}

export const landingDir = (config: Pick<Config, 'dataDir'>) => path.join(config.dataDir, 'landing');
export const pgliteDir = (config: Pick<Config, 'dataDir'>) => path.join(config.dataDir, 'pglite');
