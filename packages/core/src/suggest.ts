/**
 * "Did you mean …?" for names a person types: a key of a suite case, a fact, a parameter, an operator. The
 * distance is Damerau-Levenshtein's in its optimal-string-alignment form (insert, delete or replace one character,
 * or swap two adjacent ones: `frist` is one edit from `first`), bounded so that a long unknown name costs
 * no more than the bound times its length; a suggestion is offered only within a small distance, so that an
 * unrelated name is not "corrected" into a known one.
 */
import type { Problem } from './types.js';

/** The largest edit distance at which a known name is offered as a suggestion. */
export const MAX_SUGGESTION_DISTANCE = 2;

/**
 * The edit distance between two strings, or `limit + 1` when it is larger than `limit` (the computation stops
 * there: one band of width `2 * limit + 1` around the diagonal).
 *
 * @param a - one string
 * @param b - the other
 * @param limit - the largest distance of interest (default {@link MAX_SUGGESTION_DISTANCE})
 * @returns the distance, at most `limit + 1`
 * @example
 * ```ts
 * editDistance('outcom', 'outcome'); // 1
 * editDistance('frist', 'first'); // 1 (two letters swapped)
 * editDistance('severity', 'outcome'); // 3 (limit 2 exceeded)
 * ```
 */
export function editDistance(a: string, b: string, limit = MAX_SUGGESTION_DISTANCE): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  if (a === b) return 0;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = new Array<number>(b.length + 1).fill(limit + 1);
    current[0] = i;
    let rowMin = current[0];
    const from = Math.max(1, i - limit);
    const to = Math.min(b.length, i + limit);
    for (let j = from; j <= to; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      current[j] = Math.min((previous[j] ?? limit + 1) + 1, (current[j - 1] ?? limit + 1) + 1, (previous[j - 1] ?? limit + 1) + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        current[j] = Math.min(current[j]!, (before[j - 2] ?? limit + 1) + 1);
      }
      rowMin = Math.min(rowMin, current[j]!);
    }
    // A row past the limit ends it: the next row is at most one more than this one or, by a swap, the row before.
    if (rowMin > limit) return limit + 1;
    before = previous;
    previous = current;
  }
  return Math.min(previous[b.length] ?? limit + 1, limit + 1);
}

/**
 * The known name closest to what was written, when one is within {@link MAX_SUGGESTION_DISTANCE} edits (ties go
 * to the earlier candidate; a name that differs only in letter case is always offered).
 *
 * @param written - the unknown name as written
 * @param candidates - the names that would have been accepted
 * @returns the suggestion, or `undefined` when nothing is close
 * @example
 * ```ts
 * suggest('outcom', ['outcome', 'fired', 'error']); // 'outcome'
 * suggest('colour', ['outcome', 'fired', 'error']); // undefined
 * ```
 */
export function suggest(written: string, candidates: Iterable<string>, maxDistance = MAX_SUGGESTION_DISTANCE): string | undefined {
  let best: string | undefined;
  let bestDistance = maxDistance + 1;
  const lower = written.toLowerCase();
  for (const candidate of candidates) {
    if (candidate === written) continue;
    const distance = candidate.toLowerCase() === lower ? 0 : editDistance(written, candidate, maxDistance);
    // A one-letter name is one edit from every other one-letter name: only an exact case-insensitive match helps.
    if (distance < bestDistance && (distance === 0 || Math.min(written.length, candidate.length) > distance)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * An unknown name's problem: the name found, the names allowed there (`expected`) and the closest of them
 * (`suggestion`, within two edits).
 *
 * @example
 * ```ts
 * unknownName('/hitPolicy', 'unknown hit policy', 'UNKNOWN_X', 'frist', ['first', 'collect']).suggestion; // 'first'
 * ```
 */
export function unknownName(path: string, message: string, code: string, found: string, allowed: Iterable<string>): Problem {
  const expected = [...allowed];
  const suggestion = suggest(found, expected);
  return { path, message, code, found, expected, ...(suggestion !== undefined ? { suggestion } : {}) };
}
