import { describe, expect, it } from 'vitest';
import { JsonShape, jsonShape, nonJsonProblems } from './plain-json.js';

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

describe('jsonShape', () => {
  it('reads JSON.parse output as parsed, whatever its nesting', () => {
    expect(jsonShape(JSON.parse('{"a":[1,"x",true,null,{"b":-0.5}],"__proto__":{"c":1}}'))).toBe(JsonShape.Parsed);
  });

  it.each([
    ['an undefined member', { a: undefined }],
    ['an undefined item', { a: [1, undefined] }],
    ['a hole', { a: [1, , 2] }],
    ['a null-prototype object', { a: Object.create(null) }],
    ['an array subclass', { a: new (class Items extends Array {})() }],
  ])('marks %s as JSON data a copy would normalise', (_name, value) => {
    expect(jsonShape(value)).toBe(JsonShape.Normalise);
  });

  it.each([
    ['NaN', { a: NaN }],
    ['a Date', { a: [new Date(0)] }],
    ['a function', { a: { b: () => 1 } }],
    ['a class instance', { a: new Map() }],
    ['a bigint', { a: 1n }],
  ])('marks %s as not JSON, like nonJsonProblems', (_name, value) => {
    expect(jsonShape(value)).toBe(JsonShape.NotJson);
    expect(nonJsonProblems(value)).not.toEqual([]);
  });

  it('marks a cycle and over-deep nesting as not JSON without looping', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(jsonShape(cyclic)).toBe(JsonShape.NotJson);
    let deep: unknown = 1;
    for (let i = 0; i < 300; i++) deep = [deep];
    expect(jsonShape(deep)).toBe(JsonShape.NotJson);
  });
});
