/**
 * The validation boundary: decides whether a parsed record can be stored, and reports what in it could
 * not fill a typed column.
 *
 * Quarantine (an `ok: false` result) is only for what cannot be stored faithfully (docs/decisions.md):
 * a record that is not a JSON object, or has no usable NCT id (`^NCT\d{8}$` after trimming). Everything
 * else is stored, with warnings:
 * - `unknown_enum`: a string outside a documented enum; the value is kept in the typed view.
 * - `type_mismatch`: a value of the wrong JSON type (a count sent as a string, `phases` not an array);
 *   the value is dropped from the typed view (its column ends up null or empty), the document keeps it.
 *   A wrong-typed element of a list is dropped from the list.
 * - `unknown_field`: a key the schema does not model, reported for the document, its sections and their
 *   modules only (one warning per key path), so a new API field is noticed without flooding the log.
 */
import { z } from 'zod';
import type { FieldWarning } from '../transform/study-projection.ts';
import { type Study, studySchema } from './study-schema.ts';

/** `NCT` and 8 digits: the only id form the registry issues (aliases use it too). */
export const NCT_ID_PATTERN = /^NCT\d{8}$/;

export const NCT_ID_PATH = 'protocolSection.identificationModule.nctId';

export type ValidationResult =
  | { ok: true; nctId: string; study: Study; warnings: FieldWarning[] }
  | { ok: false; path: string; message: string };

export function validateStudy(value: unknown): ValidationResult {
  if (!isRecord(value)) {
    return { ok: false, path: '', message: `a study record must be a JSON object, got ${jsonTypeOf(value)}` };
  }
  const rawId = readPath(value, NCT_ID_PATH.split('.'));
  if (rawId === undefined) {
    return { ok: false, path: NCT_ID_PATH, message: 'the record has no nctId' };
  }
  if (typeof rawId !== 'string') {
    return { ok: false, path: NCT_ID_PATH, message: `nctId must be a string, got ${jsonTypeOf(rawId)}` };
  }
  const nctId = rawId.trim();
  if (!NCT_ID_PATTERN.test(nctId)) {
    return {
      ok: false,
      path: NCT_ID_PATH,
      message: `malformed nctId ${JSON.stringify(rawId.slice(0, 40))}: expected NCT followed by 8 digits`,
    };
  }

  const warnings = unknownFieldWarnings(value);
  const parsed = studySchema.safeParse(value);
  if (parsed.success) return { ok: true, nctId, study: value as Study, warnings };

  const dropped: PropertyKey[][] = [];
  for (const issue of parsed.error.issues) {
    const found = readPath(value, issue.path);
    const path = formatPath(issue.path);
    if (issue.code === 'invalid_value' && typeof found === 'string') {
      warnings.push({ code: 'unknown_enum', path, message: `unknown value ${JSON.stringify(found)}` });
    } else {
      warnings.push({ code: 'type_mismatch', path, message: `${issue.message}; value not used` });
      dropped.push(issue.path);
    }
  }
  const study = (dropped.length === 0 ? value : withoutPaths(value, dropped)) as Study;
  return { ok: true, nctId, study, warnings };
}

/** `a.b[2].c`, the path notation of every warning. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

interface KnownKeys {
  keys: ReadonlySet<string>;
  children: ReadonlyMap<string, KnownKeys>;
}

/** The keys the schema models at the top three levels (document → section → module), built once. */
const KNOWN: KnownKeys = knownKeys(studySchema, 3);

function knownKeys(schema: z.ZodType, depth: number): KnownKeys {
  const shape = objectShape(schema);
  const children = new Map<string, KnownKeys>();
  if (shape !== undefined && depth > 1) {
    for (const [key, child] of Object.entries(shape)) {
      if (objectShape(child) !== undefined) children.set(key, knownKeys(child, depth - 1));
    }
  }
  return { keys: new Set(shape === undefined ? [] : Object.keys(shape)), children };
}

/** The shape of an object schema, looking through `.optional()`. */
export function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  let current: z.ZodType = schema;
  while (current instanceof z.ZodOptional) current = current.unwrap() as z.ZodType;
  return current instanceof z.ZodObject ? (current.shape as Record<string, z.ZodType>) : undefined;
}

function unknownFieldWarnings(document: Record<string, unknown>): FieldWarning[] {
  const warnings: FieldWarning[] = [];
  const visit = (value: Record<string, unknown>, known: KnownKeys, path: string): void => {
    for (const key of Object.keys(value)) {
      const keyPath = path === '' ? key : `${path}.${key}`;
      if (!known.keys.has(key)) {
        warnings.push({
          code: 'unknown_field',
          path: keyPath,
          message: 'field not in the API v2 schema; kept',
        });
        continue;
      }
      const child = value[key];
      const childKnown = known.children.get(key);
      if (childKnown !== undefined && isRecord(child)) visit(child, childKnown, keyPath);
    }
  };
  visit(document, KNOWN, '');
  return warnings;
}

const DROPPED = Symbol('dropped');

/** A copy of `value` without the values at `paths`, copying only the branches on those paths. */
function withoutPaths(value: unknown, paths: readonly (readonly PropertyKey[])[]): unknown {
  if (paths.some((path) => path.length === 0)) return DROPPED;
  const byHead = new Map<PropertyKey, PropertyKey[][]>();
  for (const [head, ...rest] of paths) {
    if (head === undefined) continue;
    const group = byHead.get(head);
    if (group === undefined) byHead.set(head, [rest]);
    else group.push(rest);
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    value.forEach((item, index) => {
      const group = byHead.get(index);
      const kept = group === undefined ? item : withoutPaths(item, group);
      if (kept !== DROPPED) out.push(kept);
    });
    return out;
  }
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = { ...value };
  for (const [head, group] of byHead) {
    const key = String(head);
    const kept = withoutPaths(value[key], group);
    if (kept === DROPPED) delete out[key];
    else out[key] = kept;
  }
  return out;
}

function readPath(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
