import { describe, expect, it } from 'vitest';
import { STUDY_JSON_SCHEMA_ID, studyJsonSchema } from '../../src/domain/study-json-schema.ts';

type Schema = {
  $id: string;
  $schema: string;
  type: string;
  required: string[];
  properties: Record<string, Schema & { const?: unknown; enum?: unknown[] }>;
};

describe('the Study JSON Schema', () => {
  const schema = studyJsonSchema() as unknown as Schema;

  it('is draft 2020-12 with a versioned id', () => {
    expect(schema.$id).toBe(STUDY_JSON_SCHEMA_ID);
    expect(schema.$id).toMatch(/study\.v1\.json$/);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('describes every top-level field of the document as required, from the same zod source', () => {
    expect(schema.type).toBe('object');
    expect(schema.required).toEqual(Object.keys(schema.properties));
    expect(Object.keys(schema.properties)).toEqual([
      'schemaVersion',
      'registry',
      'id',
      'identifiers',
      'titles',
      'organization',
      'status',
      'design',
      'enrollment',
      'dates',
      'eligibility',
      'sponsors',
      'conditions',
      'interventions',
      'sites',
      'countries',
      'summary',
      'results',
    ]);
    expect(schema.properties.schemaVersion!.const).toBe(1);
    expect(schema.properties.registry!.enum).toEqual(['ctgov', 'ctis']);
    expect(schema.properties.status!.required).toEqual([
      'overall',
      'lastKnown',
      'whyStopped',
      'verifiedDate',
    ]);
  });
});
