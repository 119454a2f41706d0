import { describe, expect, it } from 'vitest';
import { canonicalJson, changedFields, fingerprint, sameValue } from './snapshot.ts';

describe('snapshot comparison', () => {
  it('treats missing, null, empty strings, empty lists and empty objects as no value', () => {
    for (const empty of [undefined, null, '', [], {}, { a: null, b: '' }, { a: [] }])
      expect(canonicalJson(empty), JSON.stringify(empty)).toBe('null');
    expect(sameValue({ a: 1, b: null }, { a: 1 })).toBe(true);
  });

  it('ignores key order at every depth, but not list order', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3, { f: 4, e: 5 }] } })).toBe(
      '{"a":{"c":[3,{"e":5,"f":4}],"d":2},"b":1}',
    );
    expect(sameValue(['x', 'y'], ['y', 'x'])).toBe(false);
    expect(sameValue({ a: ['x', null] }, { a: ['x', ''] })).toBe(true);
  });

  it('tells different values apart', () => {
    expect(sameValue('a', 'b')).toBe(false);
    expect(sameValue(0, null)).toBe(false);
    expect(sameValue(false, null)).toBe(false);
    expect(sameValue({ a: { b: 1 } }, { a: { b: 2 } })).toBe(false);
  });

  it('lists the fields that differ, sorted, from either side', () => {
    expect(changedFields({ b: 1, a: 1, c: 'x' }, { a: 2, c: 'x', d: 'new', b: 1 })).toEqual(['a', 'd']);
    expect(changedFields({ z: 1, y: 1 }, {})).toEqual(['y', 'z']);
    expect(changedFields({ a: '' }, { a: null })).toEqual([]);
  });

  it('fingerprints by content: 32 characters, the same for the same content', () => {
    const print = fingerprint({ b: 'x', a: ['y'] });
    expect(print).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(fingerprint({ a: ['y'], b: 'x', c: null })).toBe(print);
    expect(fingerprint({ a: ['y'], b: 'z' })).not.toBe(print);
  });
});
