/**
 * The conformance corpus run against every rule stage: for every case, the generated function (default), the
 * interpreted plan (`engine: 'interpreted'`) and json-rules-engine (`engine: 'json-rules-engine'`, built from the
 * same plan) fire the rule exactly when the case says, and give the same whole decision, explanation included
 * (which conditions were evaluated, with what values), with and without the explanation; under
 * `undefinedFacts: "error"` the generated and the interpreted stage refuse the same absent facts in the same order.
 */
import { describe, expect, it } from 'vitest';
import { CONFORMANCE_CASES, type ConformanceCase } from './conformance.cases.js';
import { testPackHeader } from './test-pack.fixture.js';
import { loadPack } from './pack.js';
import type { Condition, RulePackDocument } from './types.js';

const asOf = '2026-03-01T09:00:00+08:00';

/** The facts a condition reads (leaves and `{fact}` operands). */
function factsOf(condition: Condition, out = new Set<string>()): Set<string> {
  const c = condition as Record<string, unknown>;
  if (typeof c.fact === 'string') {
    out.add(c.fact);
    const v = c.value as { fact?: unknown } | null;
    if (v && typeof v === 'object' && typeof v.fact === 'string') out.add(v.fact);
  }
  for (const key of ['all', 'any'] as const) if (Array.isArray(c[key])) for (const child of c[key] as Condition[]) factsOf(child, out);
  if (c.not) factsOf(c.not as Condition, out);
  return out;
}

/** A one-rule pack around a case's conditions: the outcome says whether the rule fired. */
function packOf(testCase: ConformanceCase): RulePackDocument {
  const parameters = testCase.parameters ?? { limit: 10, word: 'b' };
  return {
    ...testPackHeader('conformance', { hitPolicy: 'first', source: 'C', from: '2020-01-01' }),
    parameters: Object.fromEntries(
      Object.entries(parameters).map(([name, value]) => [
        name,
        { type: typeof value as 'number' | 'string' | 'boolean', value, description: { zh: name, en: name }, source: 'C 1' },
      ]),
    ),
    facts: { type: 'object', properties: Object.fromEntries([...factsOf(testCase.conditions)].map((f) => [f, {}])) },
    rules: [{ name: 'case', source: 'C 1', conditions: testCase.conditions as RulePackDocument['rules'][number]['conditions'], event: { type: 'fired', params: { fired: true } } }],
    default: { fired: false },
    outcome: { type: 'object', properties: { fired: { type: 'boolean' } }, required: ['fired'] },
  };
}

describe('the conformance corpus', () => {
  it('covers every operator, each on every JSON value type and on a missing fact', () => {
    const names = CONFORMANCE_CASES.map((c) => c.name);
    for (const operator of ['equal', 'notEqual', 'lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive', 'in', 'notIn', 'contains', 'doesNotContain']) {
      for (const type of ['a number', 'a string', 'true', 'null', 'an array', 'an object', 'missing']) {
        expect(names.some((n) => n.startsWith(`${operator} `) && n.endsWith(` on ${type}`)), `${operator} on ${type}`).toBe(true);
      }
    }
    expect(new Set(names).size).toBe(names.length);
  });

  it('has cases that fire and cases that do not, in every group', () => {
    expect(CONFORMANCE_CASES.filter((c) => c.fires).length).toBeGreaterThan(40);
    expect(CONFORMANCE_CASES.filter((c) => !c.fires).length).toBeGreaterThan(40);
  });
});

describe.each(CONFORMANCE_CASES.map((c) => [c.name, c] as const))('%s', (_name, testCase) => {
  const pack = loadPack(packOf(testCase));

  it(`${testCase.fires ? 'fires' : 'does not fire'} on both engines, with the same decision`, async () => {
    const compiled = await pack.evaluate(testCase.facts, { asOf });
    const reference = await pack.evaluate(testCase.facts, { asOf, engine: 'json-rules-engine' });
    expect(compiled.outcome).toEqual({ fired: testCase.fires });
    expect(reference.outcome).toEqual({ fired: testCase.fires });
    expect(compiled).toEqual(reference);
    if (testCase.messages) expect(compiled.messages).toEqual(testCase.messages);
    expect(JSON.stringify(pack.evaluateSync(testCase.facts, { asOf, engine: 'interpreted' }))).toBe(JSON.stringify(compiled));
    const quick = pack.evaluateSync(testCase.facts, { asOf, explain: false });
    expect(quick.outcome).toEqual({ fired: testCase.fires });
    if (testCase.messages) expect(quick.messages).toEqual(testCase.messages);
    expect(JSON.stringify(quick)).toBe(JSON.stringify(pack.evaluateSync(testCase.facts, { asOf, explain: false, engine: 'interpreted' })));
  });

  it('gives the same decision or the same refusal on the generated and the interpreted stage under undefinedFacts "error"', () => {
    const strict = loadPack({ ...packOf(testCase), undefinedFacts: 'error' });
    const run = (engine: 'compiled' | 'interpreted', explain: boolean): string => {
      try {
        return JSON.stringify(strict.evaluateSync(testCase.facts, { asOf, engine, explain }));
      } catch (error) {
        return JSON.stringify({ code: (error as { code?: string }).code, problems: (error as { problems?: unknown }).problems });
      }
    };
    for (const explain of [true, false]) expect(run('compiled', explain)).toBe(run('interpreted', explain));
  });
});
