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
    expect(getPath({ a: [1] }, 'a.map')).toBeUndefined();
    expect(getPath({ a: 'x' }, 'a.toUpperCase')).toBeUndefined();
  });

  it("reads a string's and an array's own length and a string's characters, as json-rules-engine's JSONPath does", () => {
    expect(getPath({ a: 'xyz' }, 'a.length')).toBe(3);
    expect(getPath({ a: 'xyz' }, '$.a[1]')).toBe('y');
    expect(getPath({ a: [1, 2] }, '$.a.length')).toBe(2);
  });

  it.each(['__proto__', 'a.constructor', 'prototype.x', 'a.__proto__.polluted'])('refuses %s', (path) => {
    expect(() => getPath({ a: {} }, path)).toThrow(UnsafePathError);
    try {
      getPath({}, path);
    } catch (error) {
      expect((error as UnsafePathError).code).toBe('UNSAFE_PATH');
    }
  });

  it.each([
    ['a.b', ['a', 'b']],
    ['$.a.b', ['a', 'b']],
    ['a.0', ['a', '0']],
    ['a[0]', ['a', '0']],
    ['$.[0].id', ['0', 'id']],
    ['$.items[0].price', ['items', '0', 'price']],
    ["$['dot.key']", ['dot.key']],
    ['$["a b"].c', ['a b', 'c']],
    ["$['']", ['']],
    ['$.matrix[1][0]', ['matrix', '1', '0']],
    ['$.account-information.中文', ['account-information', '中文']],
  ])('parses the plain JSONPath %s into steps', (path, steps) => {
    expect(parsePath(path)).toEqual(steps);
  });

  it.each([
    ['$..[?(@.x)]', /recursive descent/],
    ['a..b', /recursive descent/],
    ['$.items[?(@.price > 5)]', /not an index \[n\] nor a quoted key/],
    ['$.items[*].price', /not an index/],
    ['$.items.*', /not a name/],
    ['$.items[(@.length-1)]', /not an index/],
    ['$.items[0,1]', /not an index/],
    ['$.items[-1]', /not an index/],
    ['$.a[b]', /not an index/],
    ["$['__proto__'].x", /prototype pollution/],
  ])('evaluates nothing: refuses %s with the reason and what to write instead', (path, reason) => {
    expect(() => parsePath(path)).toThrow(UnsafePathError);
    expect(() => parsePath(path)).toThrow(reason);
    if (!/proto/.test(path)) expect(() => parsePath(path)).toThrow(/someFact: or everyFact:/);
  });
});
