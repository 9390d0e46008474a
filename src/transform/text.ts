/**
 * Text going into typed columns and search vectors.
 *
 * ClinicalTrials.gov sends markup fields (brief summary, eligibility criteria, descriptions) as CommonMark
 * with backslash escapes: `TG \<= 150 mg/dL` is stored as `TG \\<= 150 mg/dL` in the JSON. Searching and
 * displaying the plain text needs the escapes removed; the raw document keeps the original.
 *
 * PostgreSQL `text` cannot hold NUL, and other C0 control characters are noise in search; both are
 * stripped from text going into typed columns (tab, line feed and carriage return are kept).
 */
import type { FieldWarning } from './study-projection.ts';

/** CommonMark backslash escapes: a backslash before any ASCII punctuation character stands for it. */
const MARKDOWN_ESCAPE = /\\([!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~])/g;

/** C0 controls except \t \n \r. */
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g;
const HAS_CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;

/** `TG \<= 150` → `TG <= 150`; `\\` → `\`. Other backslashes (before letters, digits, spaces) stay. */
export function unescapeMarkdown(text: string): string {
  return text.includes('\\') ? text.replace(MARKDOWN_ESCAPE, '$1') : text;
}

/**
 * `text` without C0 control characters (except \t \n \r); adds a `control_chars` warning at `path` when
 * any were removed. `undefined` (absent field) → null.
 */
export function cleanText(text: string | undefined, path: string, warnings: FieldWarning[]): string | null {
  if (text === undefined) return null;
  if (!HAS_CONTROL_CHARS.test(text)) return text;
  const cleaned = text.replace(CONTROL_CHARS, '');
  warnings.push({
    code: 'control_chars',
    path,
    message: `removed ${text.length - cleaned.length} control character(s) from the typed column`,
  });
  return cleaned;
}

/** A markup field for a typed column: escapes resolved, control characters removed (with a warning). */
export function cleanMarkup(text: string | undefined, path: string, warnings: FieldWarning[]): string | null {
  const cleaned = cleanText(text, path, warnings);
  return cleaned === null ? null : unescapeMarkdown(cleaned);
}

/**
 * Text for the search vector: escapes resolved, control characters turned into spaces (so words on either
 * side stay apart); no warning, the column-level cleanText reports them.
 */
export function searchText(text: string | null | undefined): string {
  if (text === null || text === undefined) return '';
  const plain = HAS_CONTROL_CHARS.test(text) ? text.replace(CONTROL_CHARS, ' ') : text;
  return unescapeMarkdown(plain);
}
