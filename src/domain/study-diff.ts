/**
 * Field-level difference between two versions of a Study document, carried by study.updated events and
 * shown by `cds history`.
 *
 * Paths are dotted, from the document root (`status.overall`, `dates.start.date`). A value or a list of
 * values (phases, conditions) is reported whole with `before` and `after`; a list of objects (sites,
 * interventions, collaborators) as the elements `added` and `removed`, compared by content, so one site
 * added to a 2,000-site study is one small change, not two copies of the list.
 */
import { canonicalJson } from '../canonical-json.ts';
import type { StudyDocument } from './study-document.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type FieldChange =
  | { path: string; before: JsonValue; after: JsonValue }
  | { path: string; added: JsonValue[]; removed: JsonValue[] };

/** The changes from `before` to `after`, in document order ([] when equal). */
export function diffStudies(before: StudyDocument, after: StudyDocument): FieldChange[] {
  const changes: FieldChange[] = [];
  diffValue('', before as unknown as JsonValue, after as unknown as JsonValue, changes);
  return changes;
}

function diffValue(path: string, before: JsonValue, after: JsonValue, out: FieldChange[]): void {
  if (canonicalJson(before) === canonicalJson(after)) return;
  if (isObject(before) && isObject(after)) {
    const keys = [...Object.keys(after), ...Object.keys(before).filter((k) => !(k in after))];
    for (const key of keys)
      diffValue(path === '' ? key : `${path}.${key}`, before[key] ?? null, after[key] ?? null, out);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after) && [...before, ...after].some(isObject)) {
    out.push({ path, ...listDelta(before, after) });
    return;
  }
  out.push({ path, before, after });
}

/** Multiset difference by content: an element moved within the list is neither added nor removed. */
function listDelta(before: JsonValue[], after: JsonValue[]): { added: JsonValue[]; removed: JsonValue[] } {
  const remaining = new Map<string, number>();
  for (const item of before) {
    const key = canonicalJson(item);
    remaining.set(key, (remaining.get(key) ?? 0) + 1);
  }
  const added: JsonValue[] = [];
  for (const item of after) {
    const key = canonicalJson(item);
    const count = remaining.get(key) ?? 0;
    if (count > 0) remaining.set(key, count - 1);
    else added.push(item);
  }
  const removed: JsonValue[] = [];
  for (const item of before) {
    const key = canonicalJson(item);
    const count = remaining.get(key) ?? 0;
    if (count > 0) {
      removed.push(item);
      remaining.set(key, count - 1);
    }
  }
  return { added, removed };
}

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
