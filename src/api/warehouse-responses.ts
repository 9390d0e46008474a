/**
 * Response shapes of the warehouse API (history, as-of) and of the field-level changes that alerts carry,
 * as zod schemas: fastify serializes through them and the OpenAPI document is generated from them. The
 * fields are those of `cds history --json` and `cds asof --json`.
 */
import { z } from 'zod';

const nullableText = z.string().nullable();
const instant = (what: string) => z.string().describe(`${what} (ISO timestamp, UTC)`);

/**
 * One field-level change (src/domain/study-diff.ts): a value replaced, or a list of objects (sites, arms…)
 * with entries added and removed. The list form comes first: the value form's `before`/`after` accept
 * anything, so it would also match — and strip — a list change.
 */
export const fieldChangeResponse = z.union([
  z.object({
    path: z.string().describe('Dotted path in the study document, e.g. locations'),
    added: z.array(z.unknown()),
    removed: z.array(z.unknown()),
  }),
  z.object({
    path: z.string().describe('Dotted path in the study document, e.g. status.overall'),
    before: z.unknown(),
    after: z.unknown(),
  }),
]);

const historyStartsAt = nullableText.describe(
  'When history starts: the first sync (earliest valid-from). What studies looked like before it is not known; null while the warehouse is empty',
);

export const studyHistoryResponse = z.object({
  nctId: z.string(),
  rows: z
    .array(
      z.object({
        version: z.number(),
        valid_from: instant('When this version became current'),
        valid_to: instant('When it stopped being current').nullable(),
        is_current: z.boolean(),
        closed_reason: nullableText.describe(
          'superseded, missing_from_snapshot or merged; null while current',
        ),
        restored: z.boolean().describe('The study came back after it had been removed'),
        overall_status: nullableText,
        phases: z.array(z.string()),
        enrollment: z.number().nullable(),
        start_date: nullableText,
        primary_completion_date: nullableText,
        completion_date: nullableText,
        lead_sponsor: nullableText,
        site_count: z.number(),
        has_results: z.boolean(),
        changes: z.array(fieldChangeResponse).describe('What changed from the previous version'),
      }),
    )
    .describe('Every version since the first sync, oldest first'),
  historyStartsAt,
});

export const asOfResponse = z.object({
  at: instant('The instant asked about'),
  total: z.number().describe('Studies matching at that instant (studies lists at most `limit`)'),
  studies: z.array(
    z.object({
      nct_id: z.string(),
      version: z.number(),
      brief_title: nullableText,
      overall_status: nullableText,
      phases: z.array(z.string()),
      enrollment: z.number().nullable(),
      lead_sponsor: nullableText,
      site_count: z.number(),
      valid_from: instant('When this version became current'),
      valid_to: instant('When it stopped being current').nullable(),
    }),
  ),
  historyStartsAt,
});
