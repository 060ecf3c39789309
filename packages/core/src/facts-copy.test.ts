import { describe, expect, it } from 'vitest';
import { factsCopier } from './facts-copy.js';
import { loadPack } from './pack.js';
import { testPackHeader } from './test-pack.fixture.js';

describe('factsCopier', () => {
  it('copies the top-level object only when defaults sit on top-level properties', () => {
    const copy = factsCopier({ type: 'object', properties: { n: { type: 'number', default: 0 }, tags: { type: 'array', items: { type: 'string' } } } });
    const facts = { tags: ['a'] };
    const copied = copy(facts);
    expect(copied).not.toBe(facts);
    expect(copied.tags).toBe(facts.tags);
  });

  it('copies a member whole when its schema holds a default deeper down', () => {
    const copy = factsCopier({ type: 'object', properties: { claim: { type: 'object', properties: { currency: { default: 'CNY' } } }, other: {} } });
    const facts = { claim: { amount: 1 }, other: { x: 1 } };
    const copied = copy(facts);
    expect(copied.claim).not.toBe(facts.claim);
    expect(copied.claim).toEqual(facts.claim);
    expect(copied.other).toBe(facts.other);
  });

  it.each([
    ['a $ref', { type: 'object', properties: { a: { $ref: '#/$defs/x' } }, $defs: { x: { type: 'object' } } }],
    ['a default outside the top-level properties', { type: 'object', allOf: [{ properties: { a: { properties: { b: { default: 1 } } } } }] }],
    ['a default in additionalProperties', { type: 'object', additionalProperties: { type: 'object', properties: { b: { default: 1 } } } }],
  ])('copies everything for %s', (_name, schema) => {
    const facts = { a: { b: 2 } };
    expect(copy(schema, facts).a).not.toBe(facts.a);
  });

  const copy = (schema: unknown, facts: Record<string, unknown>) => factsCopier(schema)(facts);
});

describe('facts validated in place', () => {
  const pack = loadPack({
    ...testPackHeader('facts-in-place', { hitPolicy: 'first' }),
    facts: {
      type: 'object',
      properties: {
        level: { type: 'integer', default: 1 },
        claim: { type: 'object', properties: { currency: { type: 'string', default: 'CNY' }, amount: { type: 'number' } } },
        tags: { type: 'array', items: { type: 'string' } },
      },
    },
    rules: [{ name: 'cny', source: 's 1', conditions: { all: [{ fact: 'claim', path: 'currency', operator: 'equal', value: 'CNY' }, { fact: 'level', operator: 'equal', value: 1 }] }, event: { type: 'e', params: { hit: true } } }],
    default: { hit: false },
    outcome: { type: 'object' },
  });
  const asOf = '2026-03-01T10:00:00+08:00';

  it('applies top-level and nested defaults without changing the caller\'s facts', () => {
    const facts = JSON.parse('{"claim":{"amount":5},"tags":["a"]}');
    const before = structuredClone(facts);
    expect(pack.evaluateSync(facts, { asOf }).outcome).toEqual({ hit: true });
    expect(pack.validateFacts(facts)).toEqual({ level: 1, claim: { amount: 5, currency: 'CNY' }, tags: ['a'] });
    expect(facts).toEqual(before);
  });

  it('decides facts with undefined members as their JSON copy', () => {
    const facts = { claim: { amount: 5, note: undefined }, tags: undefined };
    expect(pack.validateFacts(facts)).toEqual({ level: 1, claim: { amount: 5, currency: 'CNY' } });
    expect(Object.keys(pack.validateFacts(facts))).not.toContain('tags');
  });
});
