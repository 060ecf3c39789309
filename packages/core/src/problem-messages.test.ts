/**
 * What a problem tells its reader: the value found, the values allowed there and, for a near miss, the closest of
 * them — for a misspelt hit policy, operator, key, fact, parameter or calculator, in the pack and in parameter
 * overrides; and a thrown error's message says it too.
 */
import { describe, expect, it } from 'vitest';
import severityFixture from '../test/fixtures/severity.pack.json';
import { ParameterValidationError, PackValidationError } from './errors.js';
import { loadPack, validatePack } from './pack.js';
import type { Problem } from './types.js';

type Json = Record<string, any>;
const severity = (): Json => JSON.parse(JSON.stringify(severityFixture)) as Json;
const firstLeaf = (doc: Json): Json => doc.rules[0].conditions.all[0] as Json;
const only = (problems: Problem[], path: string): Problem => {
  const found = problems.filter((p) => p.path === path);
  expect(found, JSON.stringify(problems)).toHaveLength(1);
  return found[0]!;
};

describe('a misspelt name in a pack', () => {
  it('hitPolicy "frist": the value found, the policies and "first"', () => {
    const doc = severity();
    doc.hitPolicy = 'frist';
    expect(only(validatePack(doc), '/hitPolicy')).toEqual({
      path: '/hitPolicy',
      code: 'schema.enum',
      message: 'must be one of "first", "collect", "unique"',
      found: 'frist',
      expected: ['first', 'collect', 'unique'],
      suggestion: 'first',
    });
  });

  it('an operator: greaterThen suggests greaterThan, decorators kept or corrected', () => {
    for (const [written, suggestion] of [
      ['greaterThen', 'greaterThan'],
      ['not:greaterThen', 'not:greaterThan'],
      ['smeFact:equal', 'someFact:equal'],
    ]) {
      const doc = severity();
      firstLeaf(doc).operator = written;
      expect(only(validatePack(doc), '/rules/0/conditions/all/0/operator')).toMatchObject({
        code: 'UNKNOWN_OPERATOR',
        found: written,
        expected: expect.arrayContaining(['greaterThan', 'equal', 'contains']),
        suggestion,
      });
    }
    const far = severity();
    firstLeaf(far).operator = 'startsWith';
    expect(only(validatePack(far), '/rules/0/conditions/all/0/operator').suggestion).toBeUndefined();
  });

  it('an unknown key: the key found, the keys allowed there and the closest', () => {
    const doc = severity();
    doc.outcom = doc.outcome;
    delete doc.outcome;
    expect(only(validatePack(doc), '/outcom')).toMatchObject({
      code: 'UNKNOWN_KEY',
      message: expect.stringContaining('did you mean "outcome"?'),
      found: 'outcom',
      expected: expect.arrayContaining(['rules', 'default', 'outcome']),
      suggestion: 'outcome',
    });
  });

  it('an unknown fact, parameter or calculator: the names declared and the closest', () => {
    const doc = severity();
    firstLeaf(doc).fact = 'casualtes';
    doc.rules[1].conditions.all[0].value = { param: 'level2ClaimYaun' };
    doc.derived = [{ name: 'total', calculator: 'sums', args: { values: [1, 2] } }];
    const problems = validatePack(doc);
    expect(only(problems, '/rules/0/conditions/all/0/fact')).toMatchObject({
      code: 'UNKNOWN_FACT',
      found: 'casualtes',
      expected: expect.arrayContaining(['casualties', 'claimAmountYuan', 'breakdown']),
      suggestion: 'casualties',
    });
    expect(only(problems, '/rules/1/conditions/all/0/value/param')).toMatchObject({
      code: 'UNKNOWN_PARAMETER',
      found: 'level2ClaimYaun',
      expected: ['level2ClaimYuan', 'level3ClaimYuan'],
      suggestion: 'level2ClaimYuan',
    });
    expect(only(problems, '/derived/0/calculator')).toMatchObject({ code: 'UNKNOWN_CALCULATOR', found: 'sums', suggestion: 'sum' });
  });

  it('says the suggestion in the thrown error message', () => {
    const doc = severity();
    doc.hitPolicy = 'frist';
    expect(() => loadPack(doc)).toThrow(PackValidationError);
    expect(() => loadPack(doc)).toThrow(/\/hitPolicy must be one of .*did you mean "first"\?/);
  });
});

describe('a misspelt parameter override', () => {
  it('names the parameters of the pack and the closest', () => {
    const pack = loadPack(severity());
    let thrown: unknown;
    try {
      pack.evaluateSync({}, { asOf: '2026-03-01T09:00:00+08:00', parameters: { level2ClaimYaun: 1 } });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ParameterValidationError);
    expect((thrown as ParameterValidationError).problems).toEqual([
      expect.objectContaining({ path: '/level2ClaimYaun', code: 'UNKNOWN_PARAMETER', found: 'level2ClaimYaun', suggestion: 'level2ClaimYuan' }),
    ]);
  });
});
