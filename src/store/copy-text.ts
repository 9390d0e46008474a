/**
 * Encodes rows in PostgreSQL's COPY text format (tab-separated, `\N` for null, backslash escapes),
 * the fastest way to hand rows to COPY on both engines. Arrays become array literals, objects jsonb.
 */
import type { Queryable } from './db.ts';

export type CopyValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly (string | number | null)[]
  | object;

/** Encodes one value for a COPY text field (before the row is joined with tabs). */
export function copyField(value: CopyValue): string {
  const text = fieldText(value);
  return text === null ? NULL_FIELD : escapeCopy(text);
}

/** COPY text's null. */
const NULL_FIELD = '\\N';

/** A value's text before COPY's escapes, or null for a null field (also a number that is not finite). */
function fieldText(value: CopyValue): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (Array.isArray(value)) return arrayLiteral(value);
  return JSON.stringify(value);
}

/**
 * COPY text for many rows, encoded into one growing Buffer as the rows come. The loader writes ~30 KB
 * of COPY text per study; joined into one string per batch first, that string is a rope of thousands of
 * pieces, and half the registry's documents hold a character beyond Latin-1, which makes the flattened
 * batch a two-byte string: flattening and encoding it cost ~5× encoding each field straight into bytes
 * (0.12 against 0.02 ms per 18 KB document, bench corpus).
 *
 * `copyInto` hands the buffer back for the next CopyBuffer: a batch's documents take ~10 MB, and a fresh
 * buffer that size costs its page faults (and its growth, copies) every batch, ~0.03 ms per study.
 */
export class CopyBuffer {
  /** Empty until the first row takes a spare buffer (a CopyBuffer that writes nothing takes none). */
  #bytes: Buffer = EMPTY;
  #length = 0;
  #rows = 0;

  /** Rows written so far. */
  get rows(): number {
    return this.#rows;
  }

  /** Appends one line (with its newline) for `columns` of `row`: the bytes of copyLine(row, columns). */
  row(row: Readonly<Record<string, unknown>>, columns: readonly string[]): void {
    for (let i = 0; i < columns.length; i++) {
      if (i > 0) this.#byte(TAB);
      const text = fieldText(row[columns[i]!] as CopyValue);
      if (text === null) this.#text(NULL_FIELD);
      else this.#escaped(text);
    }
    this.#byte(NEWLINE);
    this.#rows++;
  }

  /** The text written so far (a view of the buffer, valid until the next row). */
  bytes(): Buffer {
    return this.#bytes.subarray(0, this.#length);
  }

  /**
   * COPYs the rows into `table (columns)`, then gives the buffer to the next CopyBuffer: this one is
   * empty afterwards. After a failed COPY the buffer is left alone (the socket may still hold it).
   */
  async copyInto(tx: Queryable, table: string, columns: readonly string[]): Promise<void> {
    await tx.copyFrom(table, columns, this.bytes());
    recycle(this.#bytes);
    this.#bytes = EMPTY;
    this.#length = 0;
    this.#rows = 0;
  }

  #byte(value: number): void {
    this.#reserve(1);
    this.#bytes[this.#length++] = value;
  }

  #text(text: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit (a surrogate pair, 2 units, takes 4).
    this.#reserve(text.length * 3);
    this.#length += this.#bytes.write(text, this.#length, 'utf8');
  }

  /**
   * `text` escaped as escapeCopy does, on its UTF-8 bytes: each special character is found by the native
   * indexOf (UTF-8 continuation bytes are never below 0x80) and the runs between them copied. A document's
   * special characters are the backslashes of its JSON escapes; a search text's, newlines. Against
   * replaceAll on the string (a two-byte string for half the documents): 0.01 against 0.04 ms per 18 KB
   * document (bench corpus).
   */
  #escaped(text: string): void {
    if (!COPY_SPECIAL.test(text)) {
      this.#text(text);
      return;
    }
    const raw = utf8Scratch(text);
    this.#reserve(raw.length * 2);
    const next = nextSpecial;
    for (let k = 0; k < SPECIAL_BYTES.length; k++) next[k] = raw.indexOf(SPECIAL_BYTES[k]!);
    for (let from = 0; ; ) {
      let special = -1;
      let at = raw.length;
      for (let k = 0; k < SPECIAL_BYTES.length; k++)
        if (next[k]! >= 0 && next[k]! < at) {
          at = next[k]!;
          special = k;
        }
      this.#length += raw.copy(this.#bytes, this.#length, from, at);
      if (special < 0) return;
      const letter = SPECIAL_ESCAPES[special]!;
      // NUL has no escape: PostgreSQL text cannot hold it, and it is dropped.
      if (letter !== 0) {
        this.#bytes[this.#length++] = BACKSLASH;
        this.#bytes[this.#length++] = letter;
      }
      from = at + 1;
      next[special] = raw.indexOf(SPECIAL_BYTES[special]!, from);
    }
  }

  #reserve(bytes: number): void {
    const needed = this.#length + bytes;
    if (needed <= this.#bytes.length) return;
    if (this.#length === 0) {
      recycle(this.#bytes);
      this.#bytes = spareBuffers.pop() ?? EMPTY;
      if (needed <= this.#bytes.length) return;
    }
    const grown = Buffer.allocUnsafe(Math.max(needed, this.#bytes.length * 2, 64 * 1024));
    this.#bytes.copy(grown, 0, 0, this.#length);
    recycle(this.#bytes);
    this.#bytes = grown;
  }
}

/**
 * Buffers free for the next CopyBuffer, largest last. A loader lane runs one COPY at a time, so two lanes
 * need two; a few more cover the smaller ones of the child tables. At most 4 × 64 MB stay allocated.
 */
const spareBuffers: Buffer[] = [];
const EMPTY = Buffer.alloc(0);
const MAX_SPARE_BUFFERS = 4;
const MAX_SPARE_BYTES = 64 * 1024 * 1024;

function recycle(bytes: Buffer): void {
  if (bytes.length === 0 || bytes.length > MAX_SPARE_BYTES) return;
  spareBuffers.push(bytes);
  spareBuffers.sort((a, b) => a.length - b.length);
  if (spareBuffers.length > MAX_SPARE_BUFFERS) spareBuffers.shift();
}

const TAB = 0x09;
const NEWLINE = 0x0a;
const BACKSLASH = 0x5c;
/** The bytes COPY text escapes, and the letter after the backslash of each (0: dropped). */
const SPECIAL_BYTES = [BACKSLASH, TAB, NEWLINE, 0x0d, 0x00];
const SPECIAL_ESCAPES = [BACKSLASH, 0x74, 0x6e, 0x72, 0];
/** #escaped's next position of each of SPECIAL_BYTES (-1: none left). */
const nextSpecial = new Int32Array(SPECIAL_BYTES.length);

let scratch = Buffer.allocUnsafe(64 * 1024);

/** `text` in UTF-8, in a buffer shared by all calls (valid until the next one). */
function utf8Scratch(text: string): Buffer {
  if (scratch.length < text.length * 3) scratch = Buffer.allocUnsafe(text.length * 3);
  return scratch.subarray(0, scratch.write(text, 0, 'utf8'));
}

/** One COPY line (with its trailing newline) for `columns` of `row`. */
export function copyLine(row: Readonly<Record<string, unknown>>, columns: readonly string[]): string {
  let line = '';
  for (let i = 0; i < columns.length; i++) {
    if (i > 0) line += '\t';
    line += copyField(row[columns[i]!] as CopyValue);
  }
  return `${line}\n`;
}

const COPY_SPECIAL = /[\\\t\n\r\0]/;

/**
 * NUL cannot be stored in PostgreSQL text; callers strip it first (transform warns), here it is dropped.
 * Plain replaceAll passes instead of one regex with a callback: ~3× faster on 10–20 KB texts. The loader
 * escapes with CopyBuffer, on bytes; this is copyField's and copyLine's (one-off rows, the benchmarks).
 */
function escapeCopy(text: string): string {
  if (!COPY_SPECIAL.test(text)) return text;
  let out = text.includes('\\') ? text.replaceAll('\\', '\\\\') : text;
  if (out.includes('\t')) out = out.replaceAll('\t', '\\t');
  if (out.includes('\n')) out = out.replaceAll('\n', '\\n');
  if (out.includes('\r')) out = out.replaceAll('\r', '\\r');
  if (out.includes('\0')) out = out.replaceAll('\0', '');
  return out;
}

/** A PostgreSQL array literal: every element quoted, so commas, braces and spaces are safe. */
export function arrayLiteral(values: readonly (string | number | null)[]): string {
  const items = values.map((v) =>
    v === null ? 'NULL' : `"${String(v).replace(/[\\"]/g, (c) => `\\${c}`)}"`,
  );
  return `{${items.join(',')}}`;
}
