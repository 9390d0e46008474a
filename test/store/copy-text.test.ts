import { describe, expect, it } from 'vitest';
import { CopyBuffer, copyField, copyLine } from '../../src/store/copy-text.ts';
import { jsonbSafe } from '../../src/store/write-studies.ts';

describe('copyField', () => {
  it('escapes backslash, tab, newline and carriage return, and drops NUL', () => {
    expect(copyField('a\\b\tc\nd\re\0f')).toBe('a\\\\b\\tc\\nd\\re' + 'f');
    expect(copyField('plain text')).toBe('plain text');
  });

  it('writes null as \\N, arrays as quoted literals and objects as JSON', () => {
    expect(
      copyLine({ a: null, b: ['x, y', 'q"\\'], c: { k: 'v\n' }, d: true, e: 1.5 }, ['a', 'b', 'c', 'd', 'e']),
    ).toBe('\\N\t{"x, y","q\\\\"\\\\\\\\"}\t{"k":"v\\\\n"}\tt\t1.5\n');
  });
});

describe('CopyBuffer', () => {
  it('holds the UTF-8 bytes of the rows copyLine writes, across its growth', () => {
    const columns = ['id', 'text', 'list'];
    const rows = Array.from({ length: 300 }, (_, i) => ({
      id: i,
      // Latin-1, beyond it (≥, CJK) and beyond the BMP (a surrogate pair), escapes, and texts long
      // enough that the buffer grows several times past its first 64 KB.
      // Every third text's only special characters are backslashes (the documents' case); the others
      // have every one, NUL (dropped) included.
      text: `${'dose ≥ 5 mg/kg, café 试验 \u{1F48A}\\ '.repeat(i % 7 === 0 ? 400 : 3)}${i % 3 === 0 ? '\\' : '\t\r\n\0\\'}${i}`,
      list: i % 2 === 0 ? ['a"b', null] : null,
    }));
    const copy = new CopyBuffer();
    for (const row of rows) copy.row(row, columns);
    expect(copy.rows).toBe(300);
    expect(copy.bytes().length).toBeGreaterThan(64 * 1024);
    expect(copy.bytes().toString('utf8')).toBe(rows.map((row) => copyLine(row, columns)).join(''));
  });
  it('hands its buffer to the next CopyBuffer after a COPY, which starts empty', async () => {
    const copied: string[] = [];
    const tx = {
      query: async () => ({ rows: [], rowCount: 0 }),
      exec: async () => {},
      copyFrom: async (_table: string, _columns: readonly string[], text: string | Uint8Array) => {
        copied.push(Buffer.from(text).toString('utf8'));
      },
    };
    const long = new CopyBuffer();
    for (let i = 0; i < 50; i++) long.row({ a: 'x'.repeat(5000), b: i }, ['a', 'b']);
    await long.copyInto(tx, 't', ['a', 'b']);
    expect(long.rows).toBe(0);
    const short = new CopyBuffer();
    short.row({ a: 'y', b: 1 }, ['a', 'b']);
    await short.copyInto(tx, 't', ['a', 'b']);
    expect(copied[0]).toHaveLength(50 * 5000 + 50 * 2 + 40 + 50);
    expect(copied[1]).toBe('y\t1\n');
  });
});

describe('jsonbSafe', () => {
  it('replaces the \\u0000 escape that jsonb rejects, and nothing else', () => {
    expect(jsonbSafe('{"a":"x\\u0000y"}')).toBe('{"a":"x\\ufffdy"}');
    expect(jsonbSafe('{"a":"x\\\\u0000y"}')).toBe('{"a":"x\\\\u0000y"}');
    expect(jsonbSafe('{"a":"x\\\\\\u0000y"}')).toBe('{"a":"x\\\\\\ufffdy"}');
    expect(jsonbSafe('{"a":1.0}')).toBe('{"a":1.0}');
  });
});
