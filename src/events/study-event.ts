/**
 * Change events about studies, as they travel on the bus and reach consumers.
 *
 * - study.created: a study appeared (first seen, or back after a removal: `restored`).
 * - study.updated: its content changed (a new version); `changes` is the field-level diff.
 * - study.removed: it left the registry (missing from a full snapshot, or merged into another study).
 *
 * Every created/updated event carries the whole new Study document (`study`), not only the diff: a consumer
 * can build its state from events alone, and a log compacted by key (Kafka, key = NCT id) keeps each
 * study's current document. `seq` is the outbox sequence: per study it is the order in which the changes
 * committed, which is what consumers use to ignore an event they have already applied.
 */
import { z } from 'zod';
import { studyDocumentSchema } from '../domain/study-document.ts';

export const STUDY_EVENT_TYPES = ['study.created', 'study.updated', 'study.removed'] as const;
export type StudyEventType = (typeof STUDY_EVENT_TYPES)[number];

export const REMOVAL_REASONS = ['missing_from_snapshot', 'merged'] as const;
export type RemovalReason = (typeof REMOVAL_REASONS)[number];

const fieldChangeSchema = z.union([
  z.object({ path: z.string(), before: z.json(), after: z.json() }),
  z.object({ path: z.string(), added: z.array(z.json()), removed: z.array(z.json()) }),
]);

export const studyEventSchema = z.object({
  /** Stable id: the bus de-duplicates on it (Nats-Msg-Id). */
  id: z.string().min(1),
  type: z.enum(STUDY_EVENT_TYPES),
  seq: z.number().int().positive(),
  nctId: z.string().min(1),
  /** The study's version (studies.version) the event is about; for a removal, the last version. */
  version: z.number().int().positive(),
  /** ISO timestamp: the start of the run that observed the change (the version's valid-from). */
  occurredAt: z.iso.datetime({ offset: true }),
  runId: z.string().nullable(),
  changes: z.array(fieldChangeSchema),
  restored: z.boolean(),
  removal: z.object({ reason: z.enum(REMOVAL_REASONS), mergedInto: z.string().nullable() }).nullable(),
  study: studyDocumentSchema.nullable(),
});

export type StudyEvent = z.infer<typeof studyEventSchema>;

/** The event id: one per study, version, kind of change and run (a study can go and come back). */
export function studyEventId(type: StudyEventType, nctId: string, version: number, runId: string): string {
  return `${type}/${nctId}/v${version}/${runId}`;
}
