/**
 * Tests of the suite format: the shipped schema (2020-12, with an `$id`, members equal to the `TestSuite` and
 * `TestCase` types), and `validateSuite`'s refusals — each of a suite that would otherwise run and could pass by
 * mistake — with a JSON pointer, the value found and, for a misspelt key, the key meant.
 */
import { describe, expect, it } from 'vitest';
import schema from '../schema/test-suite.schema.json';
import { assertValidSuite, validateSuite } from './suite.js';
import type { TestCase, TestSuite } from './types.js';

const asOf = '2026-03-01T09:00:00+08:00';
const valid = {
  pack: 'claim-grade',
  asOf,
  cases: [
    { name: 'level 2', facts: { claimAmountYuan: 50000 }, expect: { outcome: { level: 2 }, fired: ['level-2-claim-amount'] } },
    { name: 'refused', facts: { claimAmountYuan: -1 }, asOf, parameters: { level2ClaimYuan: 1 }, expect: { error: 'INVALID_FACTS' } },
  ],
};
/** The valid suite with one case's part replaced. */
const withCase = (patch: Record<string, unknown>): Record<string, unknown> => ({ ...valid, cases: [{ ...valid.cases[0], ...patch }] });

type Members<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? false : true };
const suiteMembers: Members<TestSuite> = { $schema: false, pack: true, asOf: false, cases: true };
const caseMembers: Members<TestCase> = { name: true, facts: true, asOf: false, parameters: false, expect: true };
const expectMembers: Members<TestCase['expect']> = { outcome: false, fired: false, error: false };

describe('the suite schema', () => {
  it('is JSON Schema 2020-12 with an $id, shipped beside the pack schema', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe('https://aftersales.dev/schema/test-suite.schema.json');
  });

  it('has the members of the TestSuite, TestCase and expect types, required where the types require them', () => {
    const shape = (properties: object, required: string[] = []) => Object.fromEntries(Object.keys(properties).map((k) => [k, required.includes(k)]));
    expect(shape(schema.properties, schema.required)).toEqual(suiteMembers);
    expect(shape(schema.$defs.case.properties, schema.$defs.case.required)).toEqual(caseMembers);
    expect(shape(schema.$defs.expect.properties)).toEqual(expectMembers);
  });
});

describe('validateSuite', () => {
  it('accepts a valid suite of the pack it runs against', () => {
    expect(validateSuite(valid, { pack: 'claim-grade' })).toEqual([]);
    expect(assertValidSuite(valid, { pack: { id: 'claim-grade' } })).toBe(valid);
  });

  it('refuses a misspelt key of an expect, a case or the suite, with the allowed keys and the one meant', () => {
    expect(validateSuite(withCase({ expect: { outcom: { level: 2 } } }))).toEqual([
      {
        path: '/cases/0/expect/outcom',
        code: 'UNKNOWN_KEY',
        message: 'unknown key "outcom": did you mean "outcome"? (allowed: outcome, fired, error)',
        expected: ['outcome', 'fired', 'error'],
        found: 'outcom',
        suggestion: 'outcome',
      },
    ]);
    expect(validateSuite(withCase({ paramters: {} }))).toMatchObject([{ path: '/cases/0/paramters', code: 'UNKNOWN_KEY', suggestion: 'parameters' }]);
    const [unrelated] = validateSuite({ ...valid, owner: 'qa' });
    expect(unrelated).toMatchObject({ path: '/owner', code: 'UNKNOWN_KEY', found: 'owner' });
    expect(unrelated!.suggestion).toBeUndefined();
  });

  it('refuses an empty expect and an empty expected outcome', () => {
    expect(validateSuite(withCase({ expect: {} }))).toMatchObject([{ path: '/cases/0/expect', code: 'schema.minProperties' }]);
    expect(validateSuite(withCase({ expect: { outcome: {} } }))).toMatchObject([{ path: '/cases/0/expect/outcome', code: 'schema.minProperties' }]);
  });

  it("refuses a suite naming another pack than the one it runs against", () => {
    expect(validateSuite(valid, { pack: 'quality-severity' })).toEqual([
      { path: '/pack', message: 'names pack "claim-grade", but runs against pack "quality-severity"', code: 'PACK_MISMATCH', expected: 'quality-severity', found: 'claim-grade' },
    ]);
  });

  it('refuses two cases of one name', () => {
    const suite = { ...valid, cases: [valid.cases[0], valid.cases[1], { ...valid.cases[1] }] };
    expect(validateSuite(suite)).toEqual([
      { path: '/cases/2/name', message: 'repeats the name of case 1: names must be unique in a suite', code: 'DUPLICATE_CASE', found: 'refused' },
    ]);
  });

  it('refuses a case without asOf in a suite without one, an expected error beside an outcome, no cases, and a non-object', () => {
    expect(validateSuite({ pack: 'claim-grade', cases: [valid.cases[0]] })).toMatchObject([{ path: '/cases/0/asOf', code: 'NO_AS_OF' }]);
    expect(validateSuite(withCase({ expect: { error: 'INVALID_FACTS', outcome: { level: 2 } } }))).toMatchObject([
      { path: '/cases/0/expect/error', code: 'EXPECT_CONFLICT', found: ['error', 'outcome'] },
    ]);
    expect(validateSuite({ ...valid, cases: [] })).toMatchObject([{ path: '/cases', code: 'schema.minItems' }]);
    expect(validateSuite([])).toMatchObject([{ path: '', code: 'schema.type' }]);
    expect(() => assertValidSuite(withCase({ facts: 'none' }))).toThrow(expect.objectContaining({ code: 'INVALID_SUITE' }));
  });
});
