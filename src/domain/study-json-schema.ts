/**
 * The canonical Study document as JSON Schema (draft 2020-12), generated from the zod schema so the two
 * never disagree. Served to other teams and registries' mappers as the contract of the document and of the
 * `study` field of change events.
 */
import { z } from 'zod';
import { STUDY_SCHEMA_VERSION, studyDocumentSchema } from './study-document.ts';

/** The stable `$id` of the schema, versioned with the document's schemaVersion. */
export const STUDY_JSON_SCHEMA_ID = `https://clinical-data-searcher/schemas/study.v${STUDY_SCHEMA_VERSION}.json`;

export function studyJsonSchema(): Record<string, unknown> {
  return {
    $id: STUDY_JSON_SCHEMA_ID,
    title: 'Study',
    ...z.toJSONSchema(studyDocumentSchema, { target: 'draft-2020-12' }),
  };
}
