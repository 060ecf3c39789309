/**
 * The compiled rule stage: a rule's condition tree (from the pack plan) turned once, at load, into plain
 * synchronous closures with exactly json-rules-engine's semantics (operators and their fact-value validators,
 * priority sets evaluated in order with short-circuit between sets, every condition of a set evaluated, `any: []`
 * true, path resolution only into objects). json-rules-engine stays the reference; the conformance corpus and a
 * differential test hold the two equal.
 */
import type { Operand, PlanLeaf, PlanNode } from './condition-tree.js';
import { operatorFunction } from './operators.js';
import { readFact, readFactPath, type Scope } from './references.js';

/** What one leaf condition saw; `result` undefined when it was not evaluated. */
export interface LeafRecord {
  result?: boolean;
  factValue?: unknown;
  value?: unknown;
}

type Node = (facts: Scope, trace: LeafRecord[] | null) => boolean;

/**
 * A getter for a fact (+ parsed path) with json-rules-engine's rule: a path applies only to objects (a primitive
 * fact is the value itself), and steps into own properties (a string's `length` and characters included). An
 * absent fact is recorded in `scope.missing` when that is set (`undefinedFacts: "error"`).
 */
function factGetter(fact: string, segments: readonly string[]): (table: Scope) => unknown {
  const base: (table: Scope) => unknown =
    fact === '$param' ? (t) => t.params : fact === '$context' ? (t) => t.context : (t) => readFact(t, fact);
  if (segments.length === 0) return base;
  return (table) => readFactPath(base(table), segments);
}

/** The right-hand side getter of an operand that is not a literal. */
function operandGetter(operand: Exclude<Operand, { kind: 'literal' }>): (table: Scope) => unknown {
  if (operand.kind === 'param') return factGetter('$param', [operand.name]);
  if (operand.kind === 'context') return factGetter('$context', [operand.name]);
  return factGetter(operand.fact, operand.segments);
}

/**
 * Compiles a condition tree of the plan into a closure. `trace`, when given, receives each evaluated leaf's
 * record at the leaf's id.
 *
 * @param node - the root of a rule's condition tree
 * @returns the rule's condition as a function of the fact table
 */
export function compileCondition(node: PlanNode): Node {
  if (node.kind === 'leaf') return compileLeaf(node);
  if (node.kind === 'not') {
    const inner = compileCondition(node.child);
    return (facts, trace) => !inner(facts, trace);
  }
  return compileGroup(node.children, node.kind);
}

function compileLeaf(leaf: PlanLeaf): Node {
  const operator = operatorFunction(leaf.operator);
  const index = leaf.id;
  const left = factGetter(leaf.fact, leaf.segments);
  const operand = leaf.operand;
  if (operand.kind !== 'literal') {
    const right = operandGetter(operand);
    return (facts, trace) => {
      const value = right(facts);
      const factValue = left(facts);
      const result = operator(factValue, value);
      if (trace) trace[index] = { result, factValue, value };
      return result;
    };
  }
  // A literal right-hand side: no getter call per evaluation.
  const raw = operand.value;
  return (facts, trace) => {
    const factValue = left(facts);
    const result = operator(factValue, raw);
    if (trace) trace[index] = { result, factValue, value: raw };
    return result;
  };
}

function compileGroup(conditions: PlanNode[], operator: 'all' | 'any'): Node {
  if (conditions.length === 0) return () => true;
  if (conditions.length === 1) return compileCondition(conditions[0]!);
  // Group by priority, highest first (leaf ids are fixed by the tree, so compile order does not matter).
  const compiled = conditions.map((c) => ({ node: compileCondition(c), priority: c.priority }));
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
