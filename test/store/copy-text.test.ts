import { describe, expect, it } from 'vitest';
import { copyField, copyLine } from '../../src/store/copy-text.ts';
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

describe('jsonbSafe', () => {
  it('replaces the \\u0000 escape that jsonb rejects, and nothing else', () => {
    expect(jsonbSafe('{"a":"x\\u0000y"}')).toBe('{"a":"x\\ufffdy"}');
    expect(jsonbSafe('{"a":"x\\\\u0000y"}')).toBe('{"a":"x\\\\u0000y"}');
    expect(jsonbSafe('{"a":"x\\\\\\u0000y"}')).toBe('{"a":"x\\\\\\ufffdy"}');
    expect(jsonbSafe('{"a":1.0}')).toBe('{"a":1.0}');
  });
});
