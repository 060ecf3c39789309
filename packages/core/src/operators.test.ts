import { Engine } from 'json-rules-engine';
import { describe, expect, it } from 'vitest';
import { operatorFunction, parseOperator } from './operators.js';

/** json-rules-engine itself on one condition: whether it passes. */
async function stock(operator: string, factValue: unknown, value: unknown): Promise<boolean> {
  const engine = new Engine([{ name: 'r', conditions: { all: [{ fact: 'f', operator, value }] }, event: { type: 'e' } }], { allowUndefinedFacts: true });
  const { results } = await engine.run(factValue === undefined ? {} : { f: factValue });
  return results.length === 1;
}

const values: unknown[] = [undefined, null, 0, 5, -1.5, '5', '10', 'abc', '', true, false, [], [5], ['a', 'b'], [[1]], { a: 1 }];
const lists: unknown[] = [[], [5], ['a', 5], [null, '5'], 'a5b', 'abc'];

describe('operatorFunction', () => {
  it.each(['equal', 'notEqual', 'lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive', 'contains', 'doesNotContain', 'not:equal', 'swap:lessThan', 'not:contains', 'someFact:equal', 'everyFact:greaterThan', 'not:someFact:equal', 'everyFact:not:equal', 'someFact:swap:contains'])(
    '%s decides as json-rules-engine on every pair of sample values',
    async (operator) => {
      for (const a of values) for (const b of values) expect(operatorFunction(operator)(a, structuredClone(b)), `${JSON.stringify(a)} ${operator} ${JSON.stringify(b)}`).toBe(await stock(operator, a, b));
    },
  );

  it.each(['in', 'notIn', 'someValue:equal', 'everyValue:lessThan', 'not:in', 'everyFact:in'])('%s decides as json-rules-engine against lists and strings', async (operator) => {
    const listsOnly = operator.includes('Value') ? lists.filter(Array.isArray) : lists;
    for (const a of values) for (const b of listsOnly) expect(operatorFunction(operator)(a, structuredClone(b)), `${JSON.stringify(a)} ${operator} ${JSON.stringify(b)}`).toBe(await stock(operator, a, b));
  });
});

describe('parseOperator', () => {
  it('splits decorators from the operator, outermost first', () => {
    expect(parseOperator('not:someFact:equal')).toEqual({ decorators: ['not', 'someFact'], operator: 'equal' });
    expect(parseOperator('equal')).toEqual({ decorators: [], operator: 'equal' });
  });

  it('names what is unknown', () => {
    expect(parseOperator('startsWith')).toEqual({ error: 'unknown operator "startsWith"' });
    expect(parseOperator('atLeast:equal')).toEqual({ error: 'unknown operator decorator "atLeast"' });
    expect(parseOperator('equal:not')).toEqual({ error: 'unknown operator "not"' });
    expect(parseOperator('toString')).toEqual({ error: 'unknown operator "toString"' });
  });
});
