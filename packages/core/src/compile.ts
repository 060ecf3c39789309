/**
 * The compiled evaluation path: a rule's conditions turned once, at load, into plain synchronous closures with
 * exactly json-rules-engine's semantics (operators and their fact-value validators, priority sets evaluated
 * in order with short-circuit between sets, every condition of a set evaluated, `any: []` true, path
 * resolution only into objects). json-rules-engine stays the reference; a differential test holds the two equal.
 */
import { parsePath } from './path.js';

/** What one leaf condition saw; `result` undefined when it was not evaluated. */
export interface LeafRecord {
  result?: boolean;
  factValue?: unknown;
  value?: unknown;
}

/**
 * What one evaluation's conditions read: the facts (input, derived, required packs' outcomes), the parameter
 * values (`$param` in an engine condition) and the context (`$context`), kept apart so nothing is copied.
 */
export interface FactTable {
  facts: Record<string, unknown>;
  params: Record<string, unknown>;
  context: Record<string, unknown>;
}

type Node = (facts: FactTable, trace: LeafRecord[] | null) => boolean;

const hasOwn = Object.prototype.hasOwnProperty;

function numberValidator(factValue: unknown): boolean {
  return Number.parseFloat(factValue as string).toString() !== 'NaN';
}

type OperatorFn = (a: any, b: any) => boolean;
const OPERATORS: Record<string, { cb: OperatorFn; validate?: (a: unknown) => boolean }> = {
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

/** A getter for `fact` (+ optional path) with json-rules-engine's rule: a path applies only to objects. */
function factGetter(fact: string, path: string | undefined): (table: FactTable) => unknown {
  const base: (table: FactTable) => unknown =
    fact === '$param'
      ? (t) => t.params
      : fact === '$context'
        ? (t) => t.context
        : fact in Object.prototype
          ? (t) => (hasOwn.call(t.facts, fact) ? t.facts[fact] : undefined)
          : // A name no object inherits: a plain read is the own property or undefined.
            (t) => t.facts[fact];
  if (path === undefined || path === '') return base;
  const segments = parsePath(path);
  return (table) => {
    const value = base(table);
    if (value === null || typeof value !== 'object') return value;
    let current: unknown = value;
    for (const segment of segments) {
      if (current === null || typeof current !== 'object' || !hasOwn.call(current, segment)) return undefined;
      current = (current as Record<string, unknown>)[segment];
    }
    return current;
  };
}

interface EngineLeaf {
  fact: string;
  path?: string;
  operator: string;
  value: unknown;
  priority?: number;
}

/**
 * Compiles an engine-shaped condition (references already rewritten to `{ fact, path }`) into a closure.
 * Leaves are numbered in document order; `counter` carries the next index.
 */
export function compileCondition(condition: Record<string, unknown>, counter: { next: number }): Node {
  if (Array.isArray(condition.all)) return compileGroup(condition.all as Array<Record<string, unknown>>, 'all', counter);
  if (Array.isArray(condition.any)) return compileGroup(condition.any as Array<Record<string, unknown>>, 'any', counter);
  if (condition.not !== undefined) {
    const inner = compileCondition(condition.not as Record<string, unknown>, counter);
    return (facts, trace) => !inner(facts, trace);
  }
  return compileLeaf(condition as unknown as EngineLeaf, counter.next++);
}

function compileLeaf(leaf: EngineLeaf, index: number): Node {
  const operator = OPERATORS[leaf.operator];
  if (!operator) throw new Error(`Unknown operator: ${leaf.operator}`);
  const left = factGetter(leaf.fact, leaf.path);
  const raw = leaf.value;
  const { cb, validate } = operator;
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && hasOwn.call(raw, 'fact')) {
    const ref = raw as { fact: string; path?: string };
    const right = factGetter(ref.fact, ref.path);
    return (facts, trace) => {
      const value = right(facts);
      const factValue = left(facts);
      const result = (validate === undefined || validate(factValue)) && cb(factValue, value);
      if (trace) trace[index] = { result, factValue, value };
      return result;
    };
  }
  // A literal right-hand side: no getter call per evaluation.
  return (facts, trace) => {
    const factValue = left(facts);
    const result = (validate === undefined || validate(factValue)) && cb(factValue, raw);
    if (trace) trace[index] = { result, factValue, value: raw };
    return result;
  };
}

function compileGroup(conditions: Array<Record<string, unknown>>, operator: 'all' | 'any', counter: { next: number }): Node {
  if (conditions.length === 0) return () => true;
  if (conditions.length === 1) return compileCondition(conditions[0]!, counter);
  // Compile in document order (leaf numbering), then group by priority, highest first.
  const compiled = conditions.map((c) => ({ node: compileCondition(c, counter), priority: (c.priority as number | undefined) || 1 }));
  const priorities = [...new Set(compiled.map((c) => c.priority))].sort((a, b) => b - a);
  const sets = priorities.map((p) => compiled.filter((c) => c.priority === p).map((c) => c.node));
  if (sets.length === 1) {
    // One priority set (the usual case): every condition is evaluated, as json-rules-engine does with Promise.all.
    const nodes = sets[0]!;
    const n = nodes.length;
    if (operator === 'all') {
      return (facts, trace) => {
        let ok = true;
        for (let i = 0; i < n; i++) if (!nodes[i]!(facts, trace)) ok = false;
        return ok;
      };
    }
    return (facts, trace) => {
      let ok = false;
      for (let i = 0; i < n; i++) if (nodes[i]!(facts, trace)) ok = true;
      return ok;
    };
  }
  if (operator === 'all') {
    return (facts, trace) => {
      for (const set of sets) {
        let ok = true;
        for (const node of set) if (!node(facts, trace)) ok = false;
        if (!ok) return false;
      }
      return true;
    };
  }
  return (facts, trace) => {
    for (const set of sets) {
      let ok = false;
      for (const node of set) if (node(facts, trace)) ok = true;
      if (ok) return true;
    }
    return false;
  };
}
