/**
 * Splits a JSON document, fed in chunks of text, into the exact text of each element of one array: the
 * top-level array (`[ {...}, {...} ]`, the website's ctg-studies.json) or the `studies` array of a /studies
 * page object (`{"studies": [ ... ], "nextPageToken": "..."}`). Memory stays flat whatever the file size:
 * only the element being read is held. It tracks strings, escapes and nesting depth, nothing more — an
 * element's own validity is for validation to judge (an invalid element is still yielded as text).
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

export class JsonElementSplitter {
  private readonly mode: 'array' | 'page';
  private depth = 0;
  private inString = false;
  private escape = false;
  /** Depth of the target array's elements; -1 before it opens, -2 after it closed. */
  private target: number;
  private capturing = false;
  private parts: string[] = [];
  /** Page mode: the last string read directly inside the top-level object (a key, when ':' follows). */
  private keyParts: string[] | null = null;
  private lastString = '';
  private started = false;

  constructor(mode: 'array' | 'page') {
    this.mode = mode;
    this.target = -1;
  }

  /** Feeds the next chunk; returns the elements completed in it, in order. */
  push(chunk: string): string[] {
    const out: string[] = [];
    const length = chunk.length;
    let start = 0;
    let keyStart = 0;
    let i = 0;
    while (i < length) {
      if (this.inString) {
        // Most of a study is string content: jump to the next quote with indexOf (fast) and count the
        // backslashes before it to tell an escaped quote from the closing one.
        if (this.escape) {
          this.escape = false;
          i++;
          continue;
        }
        const quote = chunk.indexOf('"', i);
        if (quote === -1) {
          let slashes = 0;
          for (let j = length - 1; j >= i && chunk.charCodeAt(j) === BACKSLASH; j--) slashes++;
          this.escape = slashes % 2 === 1;
          i = length;
          break;
        }
        let slashes = 0;
        for (let j = quote - 1; j >= i && chunk.charCodeAt(j) === BACKSLASH; j--) slashes++;
        i = quote + 1;
        if (slashes % 2 === 1) continue;
        this.inString = false;
        if (this.keyParts !== null) {
          this.keyParts.push(chunk.slice(keyStart, quote));
          this.lastString = this.keyParts.join('');
          this.keyParts = null;
        }
        continue;
      }
      const c = chunk.charCodeAt(i);
      if (this.capturing) {
        if (c === QUOTE) this.inString = true;
        else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++;
        else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
          if (this.depth > this.target) {
            this.depth--;
            if (this.depth === this.target) out.push(this.take(chunk, start, i + 1));
          } else {
            out.push(this.take(chunk, start, i).trimEnd());
            this.closeTarget();
          }
        } else if (c === COMMA && this.depth === this.target) {
          out.push(this.take(chunk, start, i).trimEnd());
        }
        i++;
        continue;
      }
      i++;
      if (!this.started && !isSpace(c) && c !== 0xfeff) {
        this.started = true;
        const expected = this.mode === 'array' ? OPEN_BRACKET : OPEN_BRACE;
        if (c !== expected)
          throw new Error(`expected the document to start with '${String.fromCharCode(expected)}'`);
      }
      if (this.depth === this.target) {
        if (isSpace(c) || c === COMMA) continue;
        if (c === CLOSE_BRACKET) {
          this.closeTarget();
          continue;
        }
        this.capturing = true;
        start = i - 1;
        this.parts = [];
        if (c === QUOTE) this.inString = true;
        else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++;
        continue;
      }
      if (c === QUOTE) {
        this.inString = true;
        if (this.mode === 'page' && this.depth === 1) {
          this.keyParts = [];
          keyStart = i;
        }
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        this.depth++;
        if (this.target === -1) {
          if (this.mode === 'array' && this.depth === 1) this.target = 1;
          else if (
            this.mode === 'page' &&
            this.depth === 2 &&
            c === OPEN_BRACKET &&
            this.lastString === 'studies'
          )
            this.target = 2;
        }
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) this.depth--;
    }
    if (this.capturing) this.parts.push(chunk.slice(start));
    if (this.keyParts !== null) this.keyParts.push(chunk.slice(keyStart));
    return out;
  }

  /** Throws when the document ended inside a string, an element or a container (a truncated file). */
  end(): void {
    if (!this.started) throw new Error('the document is empty');
    if (this.inString || this.capturing || this.depth !== 0)
      throw new Error('the document ends inside an element (truncated?)');
  }

  private take(chunk: string, start: number, end: number): string {
    this.parts.push(chunk.slice(start, end));
    const text = this.parts.join('');
    this.parts = [];
    this.capturing = false;
    return text;
  }

  private closeTarget(): void {
    this.depth--;
    this.target = -2;
  }
}
