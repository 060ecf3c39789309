/**
 * Tests of "did you mean": the bounded edit distance against a plain one, and which names are offered.
 */
import { describe, expect, it } from 'vitest';
import { editDistance, suggest } from './suggest.js';

/** Optimal-string-alignment (Damerau-Levenshtein) distance, the textbook full table: the reference for the banded one. */
function plainDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

describe('editDistance', () => {
  it('equals the full Levenshtein distance up to the limit, and limit + 1 beyond it', () => {
    const words = ['', 'a', 'ab', 'ba', 'outcome', 'outcom', 'outcomes', 'otucome', 'fired', 'fried', 'error', 'eror', 'first', 'frist', 'fisrt', 'unique', 'collect', 'severity', 'ca', 'abc', 'abcdef', 'badcfe'];
    for (const a of words) {
      for (const b of words) {
        for (const limit of [0, 1, 2, 3]) expect(editDistance(a, b, limit), `${a} ${b} ${limit}`).toBe(Math.min(plainDistance(a, b), limit + 1));
      }
    }
  });
});

describe('suggest', () => {
  it('offers the closest known name within two edits', () => {
    expect(suggest('outcom', ['outcome', 'fired', 'error'])).toBe('outcome');
    expect(suggest('frist', ['first', 'collect', 'unique'])).toBe('first');
    expect(suggest('Outcome', ['outcome', 'fired'])).toBe('outcome');
  });

  it('offers nothing for an unrelated name, or for one short name against another', () => {
    expect(suggest('colour', ['outcome', 'fired', 'error'])).toBeUndefined();
    expect(suggest('x', ['a', 'b'])).toBeUndefined();
    expect(suggest('outcome', ['outcome'])).toBeUndefined();
  });
});

describe('editDistance counts a swap of two adjacent letters as one edit', () => {
  it.each([
    ['frist', 'first', 1],
    ['ch', 'hc', 1],
    ['greaterThen', 'greaterThan', 1],
    ['publshed', 'published', 1],
    ['ca', 'abc', 3],
    ['kitten', 'sitting', 3],
  ])('%s to %s is %i (limit 3)', (a, b, d) => {
    expect(editDistance(a, b, 3)).toBe(d);
    expect(editDistance(b, a, 3)).toBe(d);
  });

  it('so a two-letter code with its letters swapped gets the code as suggestion', () => {
    expect(suggest('ch', ['hc', 'pv'])).toBe('hc');
    expect(suggest('greaterThen', ['lessThan', 'greaterThan', 'greaterThanInclusive'])).toBe('greaterThan');
  });
});
