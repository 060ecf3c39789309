/**
 * The conformance corpus: one table of cases, each a rule's conditions, the facts it sees and whether it fires,
 * run against both engines (the compiled rule stage and json-rules-engine built from the same plan) by
 * `conformance.test.ts`. Every operator meets every JSON value type, with all/any/not, nested groups, condition
 * priorities, references to parameters, facts and the context, paths into objects, arrays and strings, missing
 * facts and null.
 */
import type { Condition, ConditionOperator, Localized } from './types.js';

/** One case: conditions, facts (absent members are missing facts), whether the rule fires. */
export interface ConformanceCase {
  name: string;
  conditions: Condition;
  facts: Record<string, unknown>;
  fires: boolean;
  /** Parameter values of the case's pack (default: `{ limit: 10, word: 'b' }`). */
  parameters?: Record<string, number | string | boolean>;
  /**
   * The decision's messages, when the case checks them. The case's rule has no `message` and sets
   * `{ fired: true }`; the pack has no `defaultMessage`.
   */
  messages?: Localized;
}

const leaf = (fact: string, operator: ConditionOperator, value: unknown, path?: string): Condition => ({ fact, operator, value, ...(path ? { path } : {}) });
const one = (c: Condition): Condition => ({ all: [c] });

/** The JSON value types a fact can hold, and the missing fact. */
const VALUES: Array<[string, unknown]> = [
  ['a number', 5],
  ['zero', 0],
  ['a numeric string', '5'],
  ['a string', 'b'],
  ['an empty string', ''],
  ['true', true],
  ['false', false],
  ['null', null],
  ['an array', [5, 'b']],
  ['an empty array', []],
  ['an object', { n: 5 }],
  ['missing', undefined],
];

/** What each operator gives for each fact value against its operand (in JavaScript's own terms). */
const OPERATORS: Array<{ operator: ConditionOperator; operand: unknown; expect: (v: unknown) => boolean }> = [
  { operator: 'equal', operand: 5, expect: (v) => v === 5 },
  { operator: 'equal', operand: 'b', expect: (v) => v === 'b' },
  { operator: 'equal', operand: null, expect: (v) => v === null },
  { operator: 'equal', operand: false, expect: (v) => v === false },
  { operator: 'notEqual', operand: 5, expect: (v) => v !== 5 },
  { operator: 'notEqual', operand: null, expect: (v) => v !== null },
  // Numeric comparisons: only fact values that parse as a number are compared (json-rules-engine's validator).
  { operator: 'lessThan', operand: 10, expect: (v) => isNumeric(v) && (v as number) < 10 },
  { operator: 'lessThanInclusive', operand: 5, expect: (v) => isNumeric(v) && (v as number) <= 5 },
  { operator: 'greaterThan', operand: 4, expect: (v) => isNumeric(v) && (v as number) > 4 },
  { operator: 'greaterThanInclusive', operand: 5, expect: (v) => isNumeric(v) && (v as number) >= 5 },
  { operator: 'greaterThan', operand: -1, expect: (v) => isNumeric(v) && (v as number) > -1 },
  { operator: 'in', operand: [5, 'b', null], expect: (v) => [5, 'b', null].includes(v as never) },
  { operator: 'notIn', operand: [5, 'b', null], expect: (v) => ![5, 'b', null].includes(v as never) },
  { operator: 'in', operand: [], expect: () => false },
  // contains / doesNotContain: only an array fact is searched.
  { operator: 'contains', operand: 'b', expect: (v) => Array.isArray(v) && v.includes('b') },
  { operator: 'contains', operand: 7, expect: (v) => Array.isArray(v) && v.includes(7) },
  { operator: 'doesNotContain', operand: 'b', expect: (v) => Array.isArray(v) && !v.includes('b') },
  { operator: 'doesNotContain', operand: 7, expect: (v) => Array.isArray(v) && !v.includes(7) },
];

function isNumeric(v: unknown): boolean {
  return Number.parseFloat(v as string).toString() !== 'NaN';
}

const operatorCases: ConformanceCase[] = OPERATORS.flatMap(({ operator, operand, expect }) =>
  VALUES.map(([label, value]): ConformanceCase => ({
    name: `${operator} ${JSON.stringify(operand)} on ${label}`,
    conditions: one(leaf('x', operator, operand)),
    facts: value === undefined ? {} : { x: value },
    fires: expect(value),
  })),
);

const T = leaf('t', 'equal', true);
// A condition that does not hold: on a fact no case sends (absent, so not equal to true). Written on `t` as
// `equal false`, an `all` holding it beside T would be refused at load as contradictory.
const F = leaf('u', 'equal', true);

const groupCases: ConformanceCase[] = [
  { name: 'all of nothing fires', conditions: { all: [] }, facts: {}, fires: true },
  { name: 'any of nothing fires', conditions: { any: [] }, facts: {}, fires: true },
  { name: 'all: every condition must hold', conditions: { all: [T, T, F] }, facts: { t: true }, fires: false },
  { name: 'all: every condition holds', conditions: { all: [T, T] }, facts: { t: true }, fires: true },
  { name: 'any: one condition suffices', conditions: { any: [F, T] }, facts: { t: true }, fires: true },
  { name: 'any: none holds', conditions: { any: [F, F] }, facts: { t: true }, fires: false },
  { name: 'not inverts a leaf', conditions: { not: T }, facts: { t: true }, fires: false },
  { name: 'not inverts a group', conditions: { not: { any: [F, F] } }, facts: { t: true }, fires: true },
  { name: 'not of a missing fact compared', conditions: { not: leaf('x', 'equal', 1) }, facts: {}, fires: true },
  { name: 'nested all in any', conditions: { any: [{ all: [T, F] }, { all: [T, T] }] }, facts: { t: true }, fires: true },
  { name: 'nested any in all in not', conditions: { not: { all: [{ any: [F, T] }, { not: T }] } }, facts: { t: true }, fires: true },
  { name: 'three levels deep', conditions: { all: [{ any: [{ all: [T, { not: F }] }, F] }, { not: { not: T } }] }, facts: { t: true }, fires: true },
  // Priorities: higher-priority conditions of a group are evaluated first, and a decided group stops there.
  { name: 'all: a failing higher-priority condition decides', conditions: { all: [{ ...T, priority: 1 }, { ...F, priority: 5 }] }, facts: { t: true }, fires: false },
  { name: 'any: a holding higher-priority condition decides', conditions: { any: [{ ...F, priority: 1 }, { ...T, priority: 9 }] }, facts: { t: true }, fires: true },
  { name: 'any: lower priorities are reached when higher ones fail', conditions: { any: [{ ...T, priority: 1 }, { ...F, priority: 2 }, { ...F, priority: 3 }] }, facts: { t: true }, fires: true },
  { name: 'all: equal priorities are one set', conditions: { all: [{ ...T, priority: 2 }, { ...T, priority: 2 }, { ...F, priority: 1 }] }, facts: { t: true }, fires: false },
  { name: 'priority on a nested group', conditions: { any: [{ all: [T, T], priority: 3 }, { ...F, priority: 1 }] }, facts: { t: true }, fires: true },
];

const referenceCases: ConformanceCase[] = [
  { name: 'a parameter as threshold, below', conditions: one(leaf('x', 'greaterThanInclusive', { param: 'limit' })), facts: { x: 9 }, fires: false },
  { name: 'a parameter as threshold, at', conditions: one(leaf('x', 'greaterThanInclusive', { param: 'limit' })), facts: { x: 10 }, fires: true },
  { name: 'a parameter as threshold, above', conditions: one(leaf('x', 'greaterThanInclusive', { param: 'limit' })), facts: { x: 11 }, fires: true },
  { name: 'a string parameter', conditions: one(leaf('x', 'equal', { param: 'word' })), facts: { x: 'b' }, fires: true },
  { name: 'a boolean parameter', conditions: one(leaf('x', 'equal', { param: 'flag' })), facts: { x: false }, fires: true, parameters: { limit: 10, word: 'b', flag: false } },
  { name: 'another fact', conditions: one(leaf('x', 'lessThan', { fact: 'y' })), facts: { x: 1, y: 2 }, fires: true },
  { name: 'another fact, missing', conditions: one(leaf('x', 'equal', { fact: 'y' })), facts: { x: 1 }, fires: false },
  { name: 'both facts missing are equal (undefined)', conditions: one(leaf('x', 'equal', { fact: 'y' })), facts: {}, fires: true },
  { name: 'another fact at a path', conditions: one(leaf('x', 'equal', { fact: 'o', path: 'a.b' })), facts: { x: 3, o: { a: { b: 3 } } }, fires: true },
  { name: 'another fact at a path into an array', conditions: one(leaf('x', 'equal', { fact: 'o', path: '$.list.1' })), facts: { x: 'q', o: { list: ['p', 'q'] } }, fires: true },
  { name: 'the context: asOfDate', conditions: one(leaf('d', 'equal', { context: 'asOfDate' })), facts: { d: '2026-03-01' }, fires: true },
  { name: 'the context: asOf', conditions: one(leaf('d', 'equal', { context: 'asOf' })), facts: { d: '2026-03-01T09:00:00+08:00' }, fires: true },
  { name: 'a parameter inside in', conditions: one(leaf('x', 'notEqual', { param: 'limit' })), facts: { x: 10 }, fires: false },
];

const pathCases: ConformanceCase[] = [
  { name: 'a path into an object', conditions: one(leaf('o', 'equal', 1, 'a.b')), facts: { o: { a: { b: 1 } } }, fires: true },
  { name: 'a $.-prefixed path', conditions: one(leaf('o', 'equal', 1, '$.a.b')), facts: { o: { a: { b: 1 } } }, fires: true },
  { name: 'a path into an array by index', conditions: one(leaf('o', 'equal', 'y', 'list.1')), facts: { o: { list: ['x', 'y'] } }, fires: true },
  { name: 'a path into an array of objects', conditions: one(leaf('o', 'greaterThan', 2, 'lines.0.qty')), facts: { o: { lines: [{ qty: 3 }] } }, fires: true },
  { name: 'an index past the end', conditions: one(leaf('o', 'equal', null, 'list.5')), facts: { o: { list: [1] } }, fires: false },
  { name: 'a path on an array fact', conditions: one(leaf('o', 'equal', 2, '1')), facts: { o: [1, 2] }, fires: true },
  { name: 'a path into a string fact reads the string itself', conditions: one(leaf('s', 'equal', 'abc', 'length')), facts: { s: 'abc' }, fires: true },
  { name: 'a path into a number fact reads the number itself', conditions: one(leaf('s', 'equal', 4, 'a.b')), facts: { s: 4 }, fires: true },
  { name: 'a path through null reads nothing', conditions: one(leaf('o', 'equal', null, 'a.b')), facts: { o: { a: null } }, fires: false },
  { name: 'a path into a null fact reads null', conditions: one(leaf('o', 'equal', null, 'a')), facts: { o: null }, fires: true },
  { name: 'a path into a missing fact', conditions: one(leaf('o', 'notEqual', 1, 'a')), facts: {}, fires: true },
  { name: 'a path to a missing member', conditions: one(leaf('o', 'in', [1], 'zzz')), facts: { o: { a: 1 } }, fires: false },
];

// A fired rule without a message explains itself from the fields it set, never with the default message, which
// is for "no rule fired".
const messageCases: ConformanceCase[] = [
  {
    name: 'a fired rule without a message gives a message composed from its outcome',
    conditions: one(T),
    facts: { t: true },
    fires: true,
    messages: { zh: '规则「case」决定：fired = true。', en: 'Rule "case" decided: fired = true.' },
  },
  {
    name: 'no rule fired gives the default message',
    conditions: one(T),
    facts: { t: false },
    fires: false,
    messages: { zh: '无规则命中，采用默认结果。', en: 'No rule fired; the default outcome applies.' },
  },
];

// A host's keys under meta (on a leaf, a group, a nested group) are kept and decide nothing, on either engine.
const metaCases: ConformanceCase[] = [
  { name: 'meta on a leaf decides nothing, holding', conditions: { all: [{ ...T, meta: { id: 'c1', fact: 'x' } }] }, facts: { t: true }, fires: true },
  { name: 'meta on a leaf decides nothing, failing', conditions: { all: [{ ...T, meta: { id: 'c1' } }] }, facts: { t: false }, fires: false },
  { name: 'meta on groups decides nothing', conditions: { any: [{ all: [F], meta: { any: [T] } }, { not: F, meta: {} }], meta: { owner: 'ops' } }, facts: { t: true }, fires: true },
];

/** Every case of the corpus. */
export const CONFORMANCE_CASES: ConformanceCase[] = [...operatorCases, ...groupCases, ...referenceCases, ...pathCases, ...messageCases, ...metaCases];
