/** Tests of the JSON diff used by replay. */
import { describe, expect, it } from 'vitest';
import { jsonDiff } from './diff.js';

describe('jsonDiff', () => {
  it('is empty for equal values and lists each difference with a JSON pointer', () => {
    expect(jsonDiff({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]);
    expect(jsonDiff({ a: 1, 'x/y': [1, 2], gone: true }, { a: 2, 'x/y': [1], added: null })).toEqual([
      { path: '/a', recorded: 1, replayed: 2 },
      { path: '/added', replayed: null },
      { path: '/gone', recorded: true },
      { path: '/x~1y/1', recorded: 2 },
    ]);
  });

  it('stops at the limit', () => {
    const a = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, i]));
    expect(jsonDiff(a, {}, 3)).toHaveLength(3);
  });
});
