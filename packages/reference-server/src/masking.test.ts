/** Tests of fact masking: listed paths masked through objects and arrays, the input untouched, explanations masked. */
import { describe, expect, it } from 'vitest';
import type { Decision } from '@aftersales/core';
import { maskDecision, maskFacts, MASKED, parseMaskFields } from './masking.js';

describe('masking', () => {
  it('parses the environment list, dropping blanks and unsafe segments', () => {
    expect(parseMaskFields(' vin, customer.phone ,,__proto__.x, a..b, a.constructor, $..vin, items[*].vin')).toEqual(['vin', 'customer.phone']);
    expect(parseMaskFields(undefined)).toEqual([]);
  });

  it('masks listed paths through arrays and leaves the input unchanged', () => {
    const facts = { vin: 'LSV1', owners: [{ name: 'A', age: 3 }, { name: 'B' }], customer: { phone: '138' }, other: 1 };
    const masked = maskFacts(facts, ['vin', 'owners.name', 'customer.phone', 'absent.path']);
    expect(masked).toEqual({ vin: MASKED, owners: [{ name: MASKED, age: 3 }, { name: MASKED }], customer: { phone: MASKED }, other: 1 });
    expect(facts.vin).toBe('LSV1');
    expect(maskFacts(facts, [])).toBe(facts);
  });

  it('masks the fact values an explanation quotes for masked paths only', () => {
    const decision = {
      explanation: [
        {
          rule: 'r',
          fired: true,
          conditions: [
            { fact: 'vin', operator: 'equal', value: 'x', factValue: 'LSV1', result: false },
            { fact: 'customer', path: 'phone', operator: 'equal', value: 'x', factValue: '138', result: false },
            { fact: 'mileageKm', operator: 'lessThan', value: 5, factValue: 3, result: true },
          ],
        },
      ],
    } as unknown as Decision;
    const masked = maskDecision(decision, ['vin', 'customer.phone']);
    expect(masked.explanation[0]?.conditions.map((c) => c.factValue)).toEqual([MASKED, MASKED, 3]);
  });
});
