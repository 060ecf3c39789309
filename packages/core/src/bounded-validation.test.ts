/**
 * Validation of facts stays bounded whatever a pack's fact schema says: arrays get a default `maxItems`, the
 * pairwise `uniqueItems` check runs only on arrays within their bound, and `pattern`s run on RE2 (linear time), so
 * a schema pattern with catastrophic backtracking under JavaScript's engine answers at once, and a pattern RE2
 * cannot express is refused at load.
 */
import { describe, expect, it } from 'vitest';
import { loadPack, PackValidationError } from './index.js';
import { boundArrays, DEFAULT_MAX_ITEMS } from './schema.js';
import { testPackHeader } from './test-pack.fixture.js';

function pack(facts: Record<string, unknown>): Record<string, unknown> {
  return {
    ...testPackHeader('bounded', { hitPolicy: 'first', source: 'T' }),
    facts: { type: 'object', properties: { ...facts, flag: { type: 'string' } } },
    rules: [
      {
        name: 'never',
        source: 'T §1',
        conditions: { all: [{ fact: 'flag', operator: 'equal', value: 'never-sent' }] },
        event: { type: 'no', params: { ok: false } },
        message: { zh: '否', en: 'no' },
      },
    ],
    default: { ok: true },
    defaultMessage: { zh: '好', en: 'ok' },
    outcome: { type: 'object', properties: { ok: { type: 'boolean' } } },
  };
}

const asOf = '2026-01-01T00:00:00Z';

describe('bounded fact validation', () => {
  it('refuses an over-long uniqueItems array by maxItems without comparing its items pairwise', () => {
    const p = loadPack(pack({ changes: { type: 'array', uniqueItems: true, items: { enum: ['a', 'b'] } } }));
    // 200,000 items: pairwise comparison would be 2e10 steps; the bound answers before any of them.
    const changes = Array.from({ length: 200_000 }, (_, i) => (i % 2 ? 'a' : 'b'));
    let error: unknown;
    try {
      p.evaluateSync({ changes }, { asOf });
    } catch (e) {
      error = e;
    }
    expect((error as { code: string }).code).toBe('INVALID_FACTS');
    const problems = (error as { problems: Array<{ path: string; code: string }> }).problems;
    expect(problems).toEqual([expect.objectContaining({ path: '/changes', code: 'schema.maxItems' })]);
  });

  it('still refuses duplicates in an array within its bound', () => {
    const p = loadPack(pack({ changes: { type: 'array', uniqueItems: true, maxItems: 5, items: { type: 'string' } } }));
    expect(() => p.evaluateSync({ changes: ['a', 'a'] }, { asOf })).toThrow(/duplicate/);
    expect(p.evaluateSync({ changes: ['a', 'b'] }, { asOf }).outcome).toEqual({ ok: true });
  });

  it('gives arrays without maxItems the default bound, nested ones too, and leaves property names alone', () => {
    const bounded = boundArrays({
      type: 'object',
      properties: { items: { type: 'array', items: { type: 'array' } }, name: { type: 'string' } },
    }) as { properties: { items: { maxItems: number; items: { maxItems: number } }; name: Record<string, unknown> } };
    expect(bounded.properties.items.maxItems).toBe(DEFAULT_MAX_ITEMS);
    expect(bounded.properties.items.items.maxItems).toBe(DEFAULT_MAX_ITEMS);
    expect(bounded.properties.name).toEqual({ type: 'string' });
    expect(bounded.properties).not.toHaveProperty('maxItems');
  });

  it('runs schema patterns in linear time: ^(a+)+$ against 10,000 a and a bang answers with a problem', () => {
    const p = loadPack(pack({ note: { type: 'string', pattern: '^(a+)+$' } }));
    // Under a backtracking engine 34 characters already take minutes; RE2 takes microseconds per character.
    const note = `${'a'.repeat(10_000)}!`;
    expect(() => p.evaluateSync({ note }, { asOf })).toThrow(expect.objectContaining({ code: 'INVALID_FACTS' }));
    expect(p.evaluateSync({ note: 'aaa' }, { asOf }).outcome).toEqual({ ok: true });
  });

  it('applies patternProperties through the same engine', () => {
    const p = loadPack(pack({ tags: { type: 'object', patternProperties: { '^(x+)+$': { type: 'number' } } } }));
    expect(() => p.evaluateSync({ tags: { [`${'x'.repeat(5000)}`]: 'no' } }, { asOf })).toThrow(expect.objectContaining({ code: 'INVALID_FACTS' }));
  });

  it('refuses at load a pattern RE2 cannot express (a backreference)', () => {
    expect(() => loadPack(pack({ note: { type: 'string', pattern: '^(a)\\1$' } }))).toThrow(PackValidationError);
  });
});
