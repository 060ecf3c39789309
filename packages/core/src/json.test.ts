import { describe, expect, it } from 'vitest';
import { jsonTextNestsDeeperThan } from './json.js';

describe('jsonTextNestsDeeperThan', () => {
  it('counts objects and arrays, and is false at the limit itself', () => {
    expect(jsonTextNestsDeeperThan('[[[1]]]', 2)).toBe(true);
    expect(jsonTextNestsDeeperThan('[[[1]]]', 3)).toBe(false);
    expect(jsonTextNestsDeeperThan('{"a":{"b":[]}}', 2)).toBe(true);
    expect(jsonTextNestsDeeperThan('[1,[2],[3]]', 2)).toBe(false);
  });

  it('skips brackets inside strings, escaped quotes included', () => {
    expect(jsonTextNestsDeeperThan('{"a":"[[[["}', 1)).toBe(false);
    expect(jsonTextNestsDeeperThan('["\\"[[[[", 1]', 1)).toBe(false);
  });

  it('scans 500,000 levels without recursion', () => {
    const deep = '['.repeat(500_000) + ']'.repeat(500_000);
    expect(jsonTextNestsDeeperThan(deep, 1000)).toBe(true);
    expect(jsonTextNestsDeeperThan(deep, 500_000)).toBe(false);
  });
});
