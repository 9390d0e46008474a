import { describe, expect, it } from 'vitest';
import { canonicalJson, contentHash, landingHash, withoutVolatile } from '../src/canonical-json.ts';
import { loadFixtureStudies } from './support/fake-ctgov-data.ts';

describe('canonicalJson', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: null, y: 'x' }], c: true } })).toBe(
      '{"a":{"c":true,"d":[3,{"y":"x","z":null}]},"b":1}',
    );
  });

  it('orders keys by UTF-16 code unit, so upper case sorts before lower case and ASCII before accents', () => {
    expect(canonicalJson({ é: 1, b: 2, B: 3, a: 4 })).toBe('{"B":3,"a":4,"b":2,"é":1}');
  });

  it('drops undefined properties and writes undefined array items as null, like JSON.stringify', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, 1] })).toBe('{"b":[null,1]}');
    expect(canonicalJson([undefined])).toBe(JSON.stringify([undefined]));
  });

  it('writes every real study as a plain key-sorting writer does (objects already in order are shared)', () => {
    const reference = (value: unknown): string => {
      if (value === null || typeof value !== 'object') return JSON.stringify(value);
      if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      return `{${keys.map((key) => `${JSON.stringify(key)}:${reference(record[key])}`).join(',')}}`;
    };
    const studies = loadFixtureStudies().map((text) => JSON.parse(text) as unknown);
    expect(studies.length).toBe(206);
    for (const study of studies) expect(canonicalJson(study)).toBe(reference(study));
    const sorted = { a: { b: 1, c: [{ d: 2, e: { f: 3 } }] }, g: 'h' };
    expect(canonicalJson(sorted)).toBe(JSON.stringify(sorted));
    expect(canonicalJson({ a: { c: 1, b: 2 }, z: [{ y: 1, x: 2 }] })).toBe(
      '{"a":{"b":2,"c":1},"z":[{"x":2,"y":1}]}',
    );
  });

  it('escapes strings exactly as JSON.stringify does', () => {
    const text = 'quote " backslash \\ tab \t nul \u0000 emoji 🧪 rtl שלום';
    expect(canonicalJson({ text })).toBe(`{"text":${JSON.stringify(text)}}`);
  });
});

describe('content and landing hashes', () => {
  const study = {
    protocolSection: { identificationModule: { nctId: 'NCT00000001' } },
    derivedSection: { miscInfoModule: { versionHolder: '2026-11-28' } },
  };
  const nextDay = {
    derivedSection: { miscInfoModule: { versionHolder: '2026-11-29' } },
    protocolSection: { identificationModule: { nctId: 'NCT00000001' } },
  };

  it('ignores the daily versionHolder and key order in the content hash, not in the landing hash', () => {
    expect(contentHash(nextDay)).toBe(contentHash(study));
    expect(landingHash(nextDay)).not.toBe(landingHash(study));
  });

  it('changes the content hash when any other field changes', () => {
    const changed = structuredClone(study);
    changed.protocolSection.identificationModule.nctId = 'NCT00000002';
    expect(contentHash(changed)).not.toBe(contentHash(study));
  });

  it('leaves the input untouched when removing volatile fields', () => {
    const copy = structuredClone(study);
    withoutVolatile(copy);
    expect(copy).toEqual(study);
  });
});

describe('canonicalJson with integer-like keys', () => {
  it('still orders them by code unit, although JavaScript enumerates them first and numerically', () => {
    const value = { b: 1, '10': 2, '9': 3, a: [{ '2': 'x', '1': 'y', z: 0 }] };
    expect(Object.keys(value)).toEqual(['9', '10', 'b', 'a']);
    expect(canonicalJson(value)).toBe('{"10":2,"9":3,"a":[{"1":"y","2":"x","z":0}],"b":1}');
  });

  it('writes toJSON objects as their own keys, not as toJSON returns them', () => {
    expect(canonicalJson({ at: new Date(0) })).toBe('{"at":{}}');
  });
});
