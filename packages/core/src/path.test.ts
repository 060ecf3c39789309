import { describe, expect, it } from 'vitest';
import { UnsafePathError } from './errors.js';
import { getPath, parsePath } from './path.js';

describe('getPath', () => {
  it('reads nested own properties and array indexes', () => {
    expect(getPath({ a: { b: [10, 20] } }, 'a.b.1')).toBe(20);
    expect(getPath({ a: { b: 1 } }, '$.a.b')).toBe(1);
    expect(getPath({ a: 1 }, 'a.b.c')).toBeUndefined();
  });

  it('does not read inherited properties', () => {
    expect(getPath({}, 'toString')).toBeUndefined();
    expect(getPath({ a: 'x' }, 'a.length')).toBeUndefined();
  });

  it.each(['__proto__', 'a.constructor', 'prototype.x', 'a.__proto__.polluted'])('refuses %s', (path) => {
    expect(() => getPath({ a: {} }, path)).toThrow(UnsafePathError);
    try {
      getPath({}, path);
    } catch (error) {
      expect((error as UnsafePathError).code).toBe('UNSAFE_PATH');
    }
  });

  it('evaluates nothing: JSONPath filters and scripts are malformed paths', () => {
    expect(() => parsePath('$..[?(@.x)]')).toThrow(UnsafePathError);
    expect(() => parsePath('a[0]')).toThrow(/must match/);
    expect(() => parsePath('a..b')).toThrow(UnsafePathError);
  });
});
