/**
 * json-rules-engine's operators and operator decorators as data, with exactly its semantics: each operator a
 * callback and an optional check of the fact value (`contains` needs an array, the numeric ones a value
 * `parseFloat` reads), each decorator a wrapper (`someFact:`, `everyFact:` also check for an array), chained
 * right to left as json-rules-engine's OperatorMap builds them. The compiled rule stage and the importer read
 * this table; nothing else defines an operator.
 */

/** What to do instead of an operator a pack does not have: said with every unknown-operator problem. */
export const OPERATOR_HELP =
  "a pack runs json-rules-engine's built-in operators (equal, notEqual, in, notIn, contains, doesNotContain, lessThan, lessThanInclusive, greaterThan, greaterThanInclusive), optionally decorated with someFact:, everyFact:, someValue:, everyValue:, not:, swap:; custom operators run code, so compute the value as a derived fact (or in the caller) and compare it with a built-in operator";

/** An operator's function of (fact value, condition value). */
export type OperatorFunction = (factValue: any, value: any) => boolean;

function numberValidator(factValue: unknown): boolean {
  return Number.parseFloat(factValue as string).toString() !== 'NaN';
}

/** The ten built-in operators: callback and fact-value check. */
export const OPERATORS: Readonly<Record<string, { cb: OperatorFunction; validate?: (factValue: unknown) => boolean }>> = {
  equal: { cb: (a, b) => a === b },
  notEqual: { cb: (a, b) => a !== b },
  in: { cb: (a, b) => b.indexOf(a) > -1 },
  notIn: { cb: (a, b) => b.indexOf(a) === -1 },
  contains: { cb: (a, b) => a.indexOf(b) > -1, validate: Array.isArray },
  doesNotContain: { cb: (a, b) => a.indexOf(b) === -1, validate: Array.isArray },
  lessThan: { cb: (a, b) => a < b, validate: numberValidator },
  lessThanInclusive: { cb: (a, b) => a <= b, validate: numberValidator },
  greaterThan: { cb: (a, b) => a > b, validate: numberValidator },
  greaterThanInclusive: { cb: (a, b) => a >= b, validate: numberValidator },
};

type Decorator = { wrap: (next: OperatorFunction) => OperatorFunction; validate?: (factValue: unknown) => boolean };

/** The six decorators of json-rules-engine 7. */
export const DECORATORS: Readonly<Record<string, Decorator>> = {
  someFact: { wrap: (next) => (a, b) => a.some((x: unknown) => next(x, b)), validate: Array.isArray },
  everyFact: { wrap: (next) => (a, b) => a.every((x: unknown) => next(x, b)), validate: Array.isArray },
  someValue: { wrap: (next) => (a, b) => b.some((y: unknown) => next(a, y)) },
  everyValue: { wrap: (next) => (a, b) => b.every((y: unknown) => next(a, y)) },
  swap: { wrap: (next) => (a, b) => next(b, a) },
  not: { wrap: (next) => (a, b) => !next(a, b) },
};

/** An operator name split into its decorators (outermost first) and the built-in it decorates. */
export interface ParsedOperator {
  decorators: string[];
  operator: string;
}

/**
 * Splits `not:someFact:equal` into decorators and operator, or says why it is not one a pack can run.
 *
 * @param name - the operator as written in a condition
 * @returns the parts, or `{ error }` naming the unknown operator or decorator
 * @example
 * ```ts
 * parseOperator('everyFact:not:in') // { decorators: ['everyFact', 'not'], operator: 'in' }
 * parseOperator('startsWith') // { error: 'unknown operator "startsWith"' }
 * ```
 */
export function parseOperator(name: string): ParsedOperator | { error: string } {
  const parts = name.split(':');
  const operator = parts.pop()!;
  if (!Object.prototype.hasOwnProperty.call(OPERATORS, operator)) return { error: `unknown operator "${operator}"` };
  const unknown = parts.find((d) => !Object.prototype.hasOwnProperty.call(DECORATORS, d));
  if (unknown !== undefined) return { error: `unknown operator decorator "${unknown}"` };
  return { decorators: parts, operator };
}

/**
 * The function of an operator name, decorators applied as json-rules-engine applies them: each decorated operator
 * checks the fact value with the decorator's check (none for `someValue:`, `everyValue:`, `swap:`, `not:`), the
 * innermost with the operator's own.
 *
 * @param name - a name {@link parseOperator} accepts
 * @returns `(factValue, value) => boolean`
 * @throws Error for a name {@link parseOperator} refuses
 * @example
 * ```ts
 * operatorFunction('someFact:greaterThan')([1, 9], 5) // true
 * operatorFunction('not:contains')('abc', 'a') // true: contains needs an array
 * ```
 */
export function operatorFunction(name: string): OperatorFunction {
  const parsed = parseOperator(name);
  if ('error' in parsed) throw new Error(parsed.error);
  const { cb, validate } = OPERATORS[parsed.operator]!;
  let fn: OperatorFunction = validate === undefined ? cb : (a, b) => validate(a) && cb(a, b);
  for (let i = parsed.decorators.length - 1; i >= 0; i--) {
    const decorator = DECORATORS[parsed.decorators[i]!]!;
    const wrapped = decorator.wrap(fn);
    const check = decorator.validate;
    fn = check === undefined ? wrapped : (a, b) => check(a) && wrapped(a, b);
  }
  return fn;
}
