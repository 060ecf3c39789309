/**
 * Runs a pack's test suite (`<pack-id>.test.json`) and measures coverage, the way `opa test --coverage` does for
 * policies: every rule must be seen both fired and not fired, and every leaf condition both true and false, so a
 * suite that never exercises one side of a clause shows up as missing coverage rather than passing silently.
 * Leaf conditions are identified by their rule's name and their index in document order (depth first), which is
 * also the order of `RuleTrace.conditions` in a decision's explanation.
 */
import type { Pack } from './pack.js';
import { buildConditionTree } from './condition-tree.js';
import { AftersalesError, errorCodeOf, type ErrorCode } from './errors.js';
import { assertValidSuite } from './suite.js';
import type { Decision, LeafCondition, RuleDefinition, TestCase, TestSuite } from './types.js';

/** The result of one test case. */
export interface CaseResult {
  name: string;
  status: 'pass' | 'fail';
  durationMs: number;
  /** Why it failed, one line each (expected vs actual). */
  failures: string[];
  /**
   * Set when evaluation threw where the case expected a decision: the run could not check the case, which a report shows as an error rather than as a failed assertion. Such a case has status `fail`.
   */
  error?: { code: ErrorCode; message: string };
  expected: TestSuite['cases'][number]['expect'];
  /** The decision's outcome, or `{ error: code }`. */
  actual: unknown;
  decision?: Decision;
}

/** Rule and condition coverage of a suite. */
export interface CoverageReport {
  /** Percentage (0–100) of coverage items seen. */
  percent: number;
  /** Number of coverage items (two per rule, two per leaf condition). */
  total: number;
  /** Number of coverage items seen. */
  covered: number;
  /** Items not seen, e.g. `rule level-2-claim: not fired`. */
  missing: string[];
}

/** The result of running one suite. */
export interface SuiteReport {
  /** The pack's id. */
  pack: string;
  /** The pack's version: `pack@version` names the suite in reports. */
  version: string;
  cases: CaseResult[];
  passed: number;
  /** Cases that did not pass, errors included: `passed + failed` is the number of cases. */
  failed: number;
  /** Of the failed cases, those where evaluation threw instead of deciding ({@link CaseResult.error}). */
  errors: number;
  /** Total time of the suite in milliseconds (sum of the cases). */
  durationMs: number;
  coverage: CoverageReport;
}

/** A leaf condition of a rule, with its index in document order and its place in the rule document. */
export interface LeafRef {
  /** Index among the rule's leaf conditions, depth first in document order. */
  index: number;
  /** JSON pointer from the rule to the leaf, e.g. `/conditions/any/2`. */
  pointer: string;
  condition: LeafCondition;
}

/**
 * Lists a rule's leaf conditions depth first in document order: the order the explanation reports them in (the
 * leaves of its condition tree, as the pack plan builds it).
 *
 * @param rule - a rule as authored
 * @returns the leaves with their index and JSON pointer (relative to the rule)
 * @example
 * ```ts
 * leafConditions(pack.document.rules[0]!).map((l) => l.condition.fact); // ['claimAmountYuan']
 * ```
 */
export function leafConditions(rule: RuleDefinition): LeafRef[] {
  return buildConditionTree(rule.conditions, '/conditions').leaves.map((leaf) => ({ index: leaf.id, pointer: leaf.pointer, condition: leaf.condition }));
}

/**
 * Structural equality of JSON values (objects compared by keys regardless of order, arrays by position).
 *
 * @example
 * ```ts
 * deepEqual({ a: [1, 2] }, { a: [1, 2] }); // true
 * ```
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  const ka = Object.keys(a as object).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every(
    (k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}

/** JSON text of a value for failure messages (`undefined` shown as such). */
function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  return JSON.stringify(value);
}

/** A high-resolution clock where one exists (Node, browsers); durations only, never a decision's time. */
function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

/** Compares a decision (or an error) with a case's expectations; returns one line per mismatch. */
function checkCase(testCase: TestCase, decision: Decision | undefined, error: unknown): string[] {
  const expect = testCase.expect ?? {};
  const failures: string[] = [];
  if (expect.error !== undefined) {
    if (decision) failures.push(`error: expected ${expect.error}, got outcome ${show(decision.outcome)}`);
    else if (errorCodeOf(error) !== expect.error) {
      failures.push(`error: expected ${expect.error}, got ${errorCodeOf(error)} (${(error as Error)?.message ?? String(error)})`);
    }
    return failures;
  }
  if (!decision) {
    failures.push(`error: expected a decision, got ${errorCodeOf(error)} (${(error as Error)?.message ?? String(error)})`);
    return failures;
  }
  const outcome = decision.outcome as Record<string, unknown>;
  for (const [key, want] of Object.entries(expect.outcome ?? {})) {
    if (!deepEqual(outcome[key], want)) failures.push(`outcome.${key}: expected ${show(want)}, got ${show(outcome[key])}`);
  }
  if (expect.fired !== undefined) {
    const fired = decision.fired.map((f) => f.rule);
    if (!deepEqual(fired, expect.fired)) failures.push(`fired: expected ${show(expect.fired)}, got ${show(fired)}`);
  }
  return failures;
}

/** Coverage items of a pack: per rule fired / not fired, per leaf true / false; keyed for lookup. */
interface CoverageItems {
  items: Map<string, { label: string; seen: boolean }>;
}

function coverageItems(pack: Pack): CoverageItems {
  const items = new Map<string, { label: string; seen: boolean }>();
  for (const rule of pack.plan.rules) {
    items.set(`${rule.name}|fired`, { label: `rule ${rule.name}: never fired`, seen: false });
    items.set(`${rule.name}|not-fired`, { label: `rule ${rule.name}: never not fired`, seen: false });
    for (const leaf of rule.conditions.leaves) {
      const text = describeLeafShort(leaf.condition);
      items.set(`${rule.name}|${leaf.id}|true`, {
        label: `rule ${rule.name} condition ${leaf.id} (${text}): never true`,
        seen: false,
      });
      items.set(`${rule.name}|${leaf.id}|false`, {
        label: `rule ${rule.name} condition ${leaf.id} (${text}): never false`,
        seen: false,
      });
    }
  }
  return { items };
}

/** A one-line technical rendering of a leaf: `claimAmountYuan greaterThanInclusive {param: level2ClaimYuan}`. */
export function describeLeafShort(leaf: LeafCondition): string {
  const fact = leaf.path ? `${leaf.fact}.${leaf.path.replace(/^\$\./, '')}` : leaf.fact;
  return `${fact} ${leaf.operator} ${JSON.stringify(leaf.value)}`;
}

/** Marks what a decision's explanation shows as seen. */
function recordCoverage(coverage: CoverageItems, decision: Decision): void {
  for (const trace of decision.explanation ?? []) {
    const ruleItem = coverage.items.get(`${trace.rule}|${trace.fired ? 'fired' : 'not-fired'}`);
    if (ruleItem) ruleItem.seen = true;
    trace.conditions.forEach((condition, index) => {
      if (condition.result === 'not-evaluated') return;
      const item = coverage.items.get(`${trace.rule}|${index}|${condition.result ? 'true' : 'false'}`);
      if (item) item.seen = true;
    });
  }
}

/**
 * Runs every case of a suite against a pack: evaluates each case's facts with the case's `asOf` (or the suite's)
 * and parameters, compares the outcome (partial: keys given must deep-equal), the exact list of fired rules when
 * given, or the error code when one is expected; and measures rule and condition coverage from the explanations.
 *
 * @param pack - the loaded pack
 * @param suite - its test suite (`<pack-id>.test.json`)
 * @returns one result per case (in suite order), pass/fail counts and coverage
 * @throws {@link SuiteValidationError} (`INVALID_SUITE`) when the suite is not a valid suite of this pack
 *   ({@link validateSuite}): a misspelt key, an empty `expect`, another pack's id, two cases of one name
 * @example
 * ```ts
 * const report = await runSuite(pack, suite);
 * console.log(`PASS: ${report.passed}/${report.cases.length}`, `${report.coverage.percent}%`);
 * ```
 */
export async function runSuite(pack: Pack, suite: TestSuite): Promise<SuiteReport> {
  assertValidSuite(suite, { pack });
  const coverage = coverageItems(pack);
  const cases: CaseResult[] = [];
  for (const testCase of suite.cases) {
    const asOf = testCase.asOf ?? suite.asOf;
    let decision: Decision | undefined;
    let error: unknown;
    const started = now();
    try {
      if (asOf === undefined) {
        throw new AftersalesError('NO_AS_OF', 'the case has no asOf and neither has the suite');
      }
      decision = await pack.evaluate(testCase.facts ?? {}, {
        asOf,
        ...(testCase.parameters ? { parameters: testCase.parameters } : {}),
        explain: true,
      });
    } catch (caught) {
      error = caught;
    }
    const durationMs = now() - started;
    if (decision) recordCoverage(coverage, decision);
    const failures = checkCase(testCase, decision, error);
    // An error where a decision was expected: the case could not be checked (a case expecting another error code
    // was checked, and failed).
    const unexpectedError = !decision && testCase.expect.error === undefined;
    cases.push({
      name: testCase.name,
      status: failures.length === 0 ? 'pass' : 'fail',
      durationMs,
      failures,
      expected: testCase.expect ?? {},
      actual: decision ? decision.outcome : { error: errorCodeOf(error) },
      ...(unexpectedError ? { error: { code: errorCodeOf(error), message: (error as Error)?.message ?? String(error) } } : {}),
      ...(decision ? { decision } : {}),
    });
  }
  const all = [...coverage.items.values()];
  const covered = all.filter((item) => item.seen).length;
  const percent = all.length === 0 ? 100 : Math.floor((covered / all.length) * 10000) / 100;
  const passed = cases.filter((c) => c.status === 'pass').length;
  return {
    pack: pack.id,
    version: pack.version,
    cases,
    passed,
    failed: cases.length - passed,
    errors: cases.filter((c) => c.error !== undefined).length,
    durationMs: cases.reduce((sum, c) => sum + c.durationMs, 0),
    coverage: { percent, total: all.length, covered, missing: all.filter((i) => !i.seen).map((i) => i.label) },
  };
}
