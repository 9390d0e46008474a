import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { enumNameOf, STUDY_ENUMS } from '../../src/validate/study-enums.ts';
import { studyJsonSchema, studySchema } from '../../src/validate/study-schema.ts';
import { objectShape } from '../../src/validate/validate-study.ts';
import { loadStudyFixtures } from '../transform/study-fixtures.ts';

interface SpecSchema {
  type?: string;
  enum?: string[];
  $ref?: string;
  items?: SpecSchema;
  properties?: Record<string, SpecSchema>;
}

const SPEC_PATH = join(import.meta.dirname, '..', 'fixtures', 'ctgov', 'openapi', 'ctg-oas-v2.2.0.5.yaml');
const spec = parse(readFileSync(SPEC_PATH, 'utf8')) as {
  components: { schemas: Record<string, SpecSchema> };
};
const specSchemas = spec.components.schemas;

function resolve(schema: SpecSchema): { name: string | undefined; schema: SpecSchema } {
  if (schema.$ref === undefined) return { name: undefined, schema };
  const name = schema.$ref.split('/').pop()!;
  return { name, schema: specSchemas[name]! };
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (current instanceof z.ZodOptional) current = current.unwrap() as z.ZodType;
  return current;
}

interface Mismatch {
  path: string;
  problem: string;
}

/** Walks the zod schema beside the spec schema; returns where they disagree. */
function compare(
  zod: z.ZodType,
  specNode: SpecSchema,
  path: string,
  out: Mismatch[],
  visited: { fields: number; enums: number },
): void {
  const { name: specName, schema: target } = resolve(specNode);
  const inner = unwrap(zod);
  const enumName = enumNameOf(inner);
  if (enumName !== undefined) {
    visited.enums++;
    if (specName !== enumName)
      out.push({ path, problem: `zod enum ${enumName}, spec ${specName ?? target.type}` });
    return;
  }
  if (inner instanceof z.ZodArray) {
    if (target.type !== 'array' || target.items === undefined)
      out.push({ path, problem: 'array in zod only' });
    else compare(inner.element as z.ZodType, target.items, `${path}[]`, out, visited);
    return;
  }
  const shape = objectShape(inner);
  if (shape !== undefined) {
    for (const [key, child] of Object.entries(shape)) {
      visited.fields++;
      const specChild = target.properties?.[key];
      if (specChild === undefined) out.push({ path: `${path}.${key}`, problem: 'field not in the spec' });
      else compare(child, specChild, `${path}.${key}`, out, visited);
    }
    return;
  }
  const zodType =
    inner instanceof z.ZodString ? 'string' : inner instanceof z.ZodBoolean ? 'boolean' : 'number';
  const specType = target.type === 'integer' ? 'number' : target.type;
  if (target.enum !== undefined || zodType !== specType) {
    out.push({ path, problem: `zod ${zodType}, spec ${target.enum ? 'enum' : target.type}` });
  }
}

describe('studySchema against the official OpenAPI spec (ctg-oas-v2 2.0.5)', () => {
  it('models every enum with exactly the values the spec lists under the same name', () => {
    for (const [name, values] of Object.entries(STUDY_ENUMS)) {
      expect(specSchemas[name]?.enum, name).toEqual([...values]);
    }
  });

  it('models every enum of the study document that the spec defines', () => {
    const specEnums = Object.entries(specSchemas)
      .filter(([name, schema]) => schema.enum !== undefined && name !== 'FieldStatsType')
      .map(([name]) => name);
    expect(Object.keys(STUDY_ENUMS).sort()).toEqual(specEnums.sort());
  });

  it('uses only field names that exist in the spec, with the spec type and enum at every path', () => {
    const mismatches: Mismatch[] = [];
    const visited = { fields: 0, enums: 0 };
    compare(studySchema, { $ref: '#/components/schemas/Study' }, 'Study', mismatches, visited);
    expect(mismatches).toEqual([]);
    // The walk reached the whole document: sections, modules, results and annotations.
    expect(visited.fields).toBeGreaterThan(350);
    expect(visited.enums).toBeGreaterThan(45);
  });

  it('accepts all 206 real study fixtures', () => {
    const fixtures = loadStudyFixtures();
    expect(fixtures).toHaveLength(206);
    const rejected = fixtures.filter((f) => !studySchema.safeParse(f.document).success).map((f) => f.file);
    expect(rejected).toEqual([]);
  });

  it('exports a JSON Schema with the documented enums and open objects', () => {
    const schema = studyJsonSchema() as {
      properties: Record<string, { properties?: Record<string, unknown>; additionalProperties?: unknown }>;
      $defs: Record<string, { enum?: string[] }>;
    };
    expect(Object.keys(schema.properties)).toEqual([
      'protocolSection',
      'resultsSection',
      'annotationSection',
      'documentSection',
      'derivedSection',
      'hasResults',
    ]);
    expect(schema.$defs.Status?.enum).toEqual([...STUDY_ENUMS.Status]);
    expect(schema.$defs.Phase?.enum).toEqual([...STUDY_ENUMS.Phase]);
    expect(schema.properties.protocolSection?.additionalProperties).toEqual({});
  });
});
