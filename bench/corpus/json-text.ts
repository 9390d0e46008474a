/**
 * Building a study's JSON text from JSON fragments without parsing them: the fixture parts are stored as
 * compact JSON and concatenated as text, which keeps generation at several thousand studies per second.
 */

/** `{"a":…,"b":…}` from [key, JSON text] pairs; undefined values are left out (absent key, as in the API). */
export function jsonObject(entries: ReadonlyArray<readonly [string, string | undefined]>): string {
  let out = '{';
  for (const [key, value] of entries) {
    if (value === undefined) continue;
    if (out.length > 1) out += ',';
    out += `"${key}":${value}`;
  }
  return `${out}}`;
}

/** Adds keys (JSON text values) at the end of a compact JSON object text. */
export function withKeys(
  objectJson: string,
  entries: ReadonlyArray<readonly [string, string | undefined]>,
): string {
  const extra = jsonObject(entries);
  if (extra === '{}') return objectJson;
  if (objectJson === '{}') return extra;
  return `${objectJson.slice(0, -1)},${extra.slice(1)}`;
}

/** JSON text of a value (a shorthand that keeps call sites short). */
export function j(value: unknown): string | undefined {
  return value === undefined ? undefined : JSON.stringify(value);
}

/**
 * Fills {{C}} with the study's condition and {{I}}/{{Ik}} with its interventions inside JSON text (values are
 * escaped for a JSON string). A plain indexOf scan: this runs over every byte of the corpus.
 */
export function fillTokens(jsonText: string, condition: string, interventions: readonly string[]): string {
  const c = JSON.stringify(condition).slice(1, -1);
  const names = interventions.map((name) => JSON.stringify(name).slice(1, -1));
  let out = '';
  let last = 0;
  for (let at = jsonText.indexOf('{{'); at !== -1; at = jsonText.indexOf('{{', last)) {
    const end = jsonText.indexOf('}}', at + 2);
    if (end === -1 || end - at > 6) {
      out += jsonText.slice(last, at + 2);
      last = at + 2;
      continue;
    }
    const which = jsonText.slice(at + 2, end);
    const value =
      which === 'C'
        ? c
        : which[0] === 'I'
          ? (names[which.length > 1 ? Number(which.slice(1)) : 0] ?? names[0] ?? c)
          : undefined;
    out += jsonText.slice(last, at) + (value ?? jsonText.slice(at, end + 2));
    last = end + 2;
  }
  return last === 0 ? jsonText : out + jsonText.slice(last);
}
