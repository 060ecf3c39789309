import { describe, expect, it } from 'vitest';
import { nonJsonProblems } from './plain-json.js';

describe('nonJsonProblems', () => {
  it('accepts JSON data, undefined members included (JSON drops them)', () => {
    expect(nonJsonProblems({ a: 1, b: 'x', c: [true, null, { d: -0.5 }], e: undefined, f: Object.create(null) })).toEqual([]);
  });

  it.each([
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
    [-Infinity, '-Infinity'],
    [new Date('2026-01-15'), 'a Date'],
    [() => 1, 'a function'],
    [Symbol('s'), 'a symbol'],
    [10n, 'a bigint'],
    [new Map(), 'an instance of Map'],
  ])('refuses %s with its pointer', (bad, found) => {
    const problems = nonJsonProblems({ claim: { items: [1, bad] } });
    expect(problems).toEqual([expect.objectContaining({ path: '/claim/items/1', code: 'NOT_JSON', found })]);
  });

  it('tells how to send a date', () => {
    expect(nonJsonProblems({ bought: new Date(0) })[0]!.message).toContain('ISO 8601');
  });

  it('refuses a cycle without looping, and accepts a shared (acyclic) object', () => {
    const shared = { x: 1 };
    expect(nonJsonProblems({ a: shared, b: shared })).toEqual([]);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(nonJsonProblems(cyclic)).toEqual([expect.objectContaining({ path: '/self', found: 'a cycle' })]);
  });
});
