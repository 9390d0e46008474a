/**
 * The run records on the HTTP API, for the run console and scripts: GET /runs (newest first, with each
 * run's steps), GET /runs/:id (steps with live progress, warnings by code, quarantine count) and
 * GET /runs/:id/quarantine (the records that could not be stored, with their raw text).
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { CdsError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { getRun, listQuarantine, listRuns } from '../runs/run-queries.ts';
import type { Db } from '../store/db.ts';
import { apiErrorHandler } from './api-error-handler.ts';

export interface RunsRoutesOptions {
  db: Db;
  logger: Logger;
}

/** A step as listed with its run: enough for "counts per step" in the run list. */
export interface StepSummary {
  step: string;
  attempt: number;
  state: string;
  duration_ms: number | null;
  counts: Record<string, unknown>;
  error: string | null;
}

const RUN_ID = /^[0-9A-Za-z_.:-]{1,80}$/;

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(30),
  before: z.string().regex(RUN_ID).optional(),
});
const quarantineQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  afterId: z.coerce.number().int().min(0).default(0),
});

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success)
    throw new CdsError(
      'BAD_QUERY',
      parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '),
    );
  return parsed.data;
}

function runId(params: unknown): string {
  const id = (params as { id?: string }).id ?? '';
  if (!RUN_ID.test(id)) throw new CdsError('BAD_QUERY', `Invalid run id "${id.slice(0, 80)}"`);
  return id;
}

/** The steps of several runs in one query, in the order they started (retries after the failed try). */
export async function listStepsOfRuns(
  db: Db,
  runIds: readonly string[],
): Promise<Map<string, StepSummary[]>> {
  const byRun = new Map<string, StepSummary[]>(runIds.map((id) => [id, []]));
  if (runIds.length === 0) return byRun;
  const { rows } = await db.query<StepSummary & { run_id: string }>(
    `select run_id, step, attempt, state, counts, error,
       (extract(epoch from (coalesce(finished_at, now()) - started_at)) * 1000)::bigint as duration_ms
     from run_steps where run_id = any($1::text[]) order by seq`,
    [runIds],
  );
  for (const { run_id, ...step } of rows)
    byRun.get(run_id)?.push({ ...step, duration_ms: Number(step.duration_ms) });
  return byRun;
}

export const runsRoutes: FastifyPluginAsync<RunsRoutesOptions> = async (app, options) => {
  const { db } = options;
  app.setErrorHandler(apiErrorHandler(options.logger));

  app.get('/runs', async (request) => {
    const query = parse(listQuery, request.query);
    const runs = await listRuns(db, {
      limit: query.limit,
      ...(query.before ? { before: query.before } : {}),
    });
    const steps = await listStepsOfRuns(
      db,
      runs.map((r) => r.id),
    );
    return {
      runs: runs.map((r) => ({
        ...r,
        duration_ms: r.duration_ms === null ? null : Number(r.duration_ms),
        steps: steps.get(r.id) ?? [],
      })),
      nextBefore: runs.length === query.limit ? (runs.at(-1)?.id ?? null) : null,
    };
  });

  app.get('/runs/:id', async (request) => {
    const id = runId(request.params);
    const run = await getRun(db, id);
    if (!run) throw new CdsError('NOT_FOUND', `No run ${id}`);
    return {
      ...run,
      duration_ms: run.duration_ms === null ? null : Number(run.duration_ms),
      steps: run.steps.map((s) => ({
        ...s,
        duration_ms: s.duration_ms === null ? null : Number(s.duration_ms),
      })),
    };
  });

  app.get('/runs/:id/quarantine', async (request) => {
    const id = runId(request.params);
    const query = parse(quarantineQuery, request.query);
    const entries = await listQuarantine(db, { runId: id, limit: query.limit, afterId: query.afterId });
    return { entries, nextAfterId: entries.length === query.limit ? (entries.at(-1)?.id ?? null) : null };
  });
};
