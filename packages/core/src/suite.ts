/**
 * The test-suite format (`<pack-id>.test.json`) and its validation. A suite is evidence for an auditor only if it
 * cannot pass by mistake: a misspelt key (`"outcom"`) would otherwise be ignored and the case would compare
 * nothing, a suite written for another pack would run against this one, two cases of one name would merge in a
 * report. So a suite is checked as strictly as a pack: against `schema/test-suite.schema.json` (every key known,
 * an `expect` that expects something) and then for what a schema cannot say (the pack it names, unique case
 * names, an `asOf` for every case, an expected error given alone). Problems carry a JSON pointer, like a pack's.
 */
import suiteSchema from '../schema/test-suite.schema.json';
import { SuiteValidationError } from './errors.js';
import { packAjv, toProblems } from './schema.js';
import { suggest } from './suggest.js';
import type { Problem, TestSuite } from './types.js';

/** The suite format's JSON Schema (2020-12), as shipped in `schema/test-suite.schema.json`. */
export const testSuiteSchema: Record<string, unknown> = suiteSchema as Record<string, unknown>;

const validateSuiteDocument = packAjv.compile(suiteSchema);

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);

const defs = (suiteSchema as { $defs: Record<string, { properties: object }> }).$defs;
/** The keys allowed in each kind of object of a suite, for "did you mean". */
const ALLOWED_KEYS = {
  suite: Object.keys(suiteSchema.properties),
  case: Object.keys(defs.case!.properties),
  expect: Object.keys(defs.expect!.properties),
};

/** Which object of the suite a pointer's parent is: the suite itself, a case or a case's `expect`. */
function allowedKeysAt(parent: string): string[] | undefined {
  if (parent === '') return ALLOWED_KEYS.suite;
  if (/^\/cases\/\d+$/.test(parent)) return ALLOWED_KEYS.case;
  if (/^\/cases\/\d+\/expect$/.test(parent)) return ALLOWED_KEYS.expect;
  return undefined;
}

/** An unknown key's problem gains the key found, the keys allowed there and the closest of them. */
function explainUnknownKey(problem: Problem): Problem {
  if (problem.code !== 'UNKNOWN_KEY') return problem;
  const cut = problem.path.lastIndexOf('/');
  const key = problem.path.slice(cut + 1).replace(/~1/g, '/').replace(/~0/g, '~');
  const allowed = allowedKeysAt(problem.path.slice(0, cut));
  if (!allowed) return problem;
  const suggestion = suggest(key, allowed);
  return {
    ...problem,
    message: `unknown key "${key}"${suggestion ? `: did you mean "${suggestion}"?` : ''} (allowed: ${allowed.join(', ')})`,
    code: 'UNKNOWN_KEY',
    expected: allowed,
    found: key,
    ...(suggestion ? { suggestion } : {}),
  };
}

/** What to check a suite against. */
export interface ValidateSuiteOptions {
  /** The id of the pack the suite will run against (or the pack): the suite's `pack` must equal it. */
  pack?: string | { id: string };
}

/**
 * Checks a test suite: the suite format's schema (unknown keys refused, with the closest allowed key as a
 * suggestion; an empty `expect` or `expect.outcome` refused), then the pack it names (when `options.pack` is
 * given), unique case names, an `asOf` for every case (its own or the suite's) and an expected `error` given
 * without `outcome` or `fired` (which it would leave uncompared).
 *
 * @param suite - the parsed suite document
 * @param options - `pack`: the pack (or its id) the suite will run against
 * @returns the problems, each with a JSON pointer into the suite; empty when the suite is valid
 * @example
 * ```ts
 * validateSuite({ pack: 'claim-grade', asOf: '2026-03-01T09:00:00+08:00', cases: [
 *   { name: 'level 2', facts: { claimAmountYuan: 50000 }, expect: { outcom: { level: 2 } } },
 * ] }, { pack: 'claim-grade' });
 * // [{ path: '/cases/0/expect/outcom', code: 'UNKNOWN_KEY', suggestion: 'outcome',
 * //    message: 'unknown key "outcom": did you mean "outcome"? (allowed: outcome, fired, error)', … }]
 * ```
 */
export function validateSuite(suite: unknown, options: ValidateSuiteOptions = {}): Problem[] {
  const problems: Problem[] = validateSuiteDocument(suite) ? [] : toProblems(validateSuiteDocument.errors, suite).map(explainUnknownKey);
  if (!isObject(suite)) return problems;
  const packId = typeof options.pack === 'string' ? options.pack : options.pack?.id;
  if (packId !== undefined && typeof suite.pack === 'string' && suite.pack !== packId) {
    problems.push({ path: '/pack', message: `names pack "${suite.pack}", but runs against pack "${packId}"`, code: 'PACK_MISMATCH', expected: packId, found: suite.pack });
  }
  if (!Array.isArray(suite.cases)) return problems;
  const firstOfName = new Map<string, number>();
  suite.cases.forEach((testCase: unknown, i) => {
    if (!isObject(testCase)) return;
    const at = `/cases/${i}`;
    if (typeof testCase.name === 'string') {
      const first = firstOfName.get(testCase.name);
      if (first === undefined) firstOfName.set(testCase.name, i);
      else problems.push({ path: `${at}/name`, message: `repeats the name of case ${first}: names must be unique in a suite`, code: 'DUPLICATE_CASE', found: testCase.name });
    }
    if (testCase.asOf === undefined && suite.asOf === undefined) {
      problems.push({ path: `${at}/asOf`, message: 'the case has no asOf and neither has the suite', code: 'NO_AS_OF' });
    }
    const expect = testCase.expect;
    if (isObject(expect) && expect.error !== undefined && (expect.outcome !== undefined || expect.fired !== undefined)) {
      const extra = ['outcome', 'fired'].filter((k) => expect[k] !== undefined);
      problems.push({
        path: `${at}/expect/error`,
        message: `an expected error leaves no decision to compare: ${extra.join(' and ')} would never be checked; give error alone`,
        code: 'EXPECT_CONFLICT',
        found: ['error', ...extra],
      });
    }
  });
  return problems;
}

/**
 * Checks a suite and returns it typed, or throws.
 *
 * @param suite - the parsed suite document
 * @param options - `pack`: the pack (or its id) the suite will run against
 * @returns the suite, typed
 * @throws {@link SuiteValidationError} (`INVALID_SUITE`) with every problem found by {@link validateSuite}
 * @example
 * ```ts
 * const suite = assertValidSuite(JSON.parse(readFileSync('claim-grade.test.json', 'utf8')), { pack });
 * ```
 */
export function assertValidSuite(suite: unknown, options: ValidateSuiteOptions = {}): TestSuite {
  const problems = validateSuite(suite, options);
  if (problems.length > 0) throw new SuiteValidationError(problems);
  return suite as TestSuite;
}
