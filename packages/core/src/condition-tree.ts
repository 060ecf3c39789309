/**
 * A rule's condition tree as the pack plan holds it: built once from the authored conditions, each node with its
 * JSON pointer, each leaf with a stable id (its index among the rule's leaves, depth first in document order: the
 * order of `RuleTrace.conditions`), its path parsed and its right-hand side classified. This is the only walker
 * of authored conditions: the evaluator, json-rules-engine, explanation, coverage, lint, describe and docs read
 * the tree it builds.
 */
import { isPlainObject } from './json.js';
import { parsePath } from './path.js';
import { compileValue, isReference, type Resolver } from './references.js';
import { pointerToken } from './path.js';
import type { Condition, ConditionReference, LeafCondition } from './types.js';

/** The right-hand side of a leaf: a literal, a parameter, the context, or another fact (path parsed). */
export type Operand =
  | { kind: 'literal'; value: unknown }
  | { kind: 'param'; name: string }
  | { kind: 'context'; name: string }
  | { kind: 'fact'; fact: string; path?: string; segments: string[] };

/** A leaf of a condition tree. */
export interface PlanLeaf {
  kind: 'leaf';
  /** Index among the rule's leaves, depth first in document order. */
  id: number;
  /** JSON pointer of the leaf (from the pack root when built by the plan). */
  pointer: string;
  fact: string;
  /** The property path as authored. */
  path?: string;
  /** The property path, parsed (empty for none). */
  segments: string[];
  /** The operator as written, decorators included (`someFact:equal`). */
  operator: string;
  operand: Operand;
  /** The parameter named by the right-hand side, when it is `{ "param": ... }`. */
  param?: string;
  /** The right-hand side with its references resolved in a scope. */
  resolveValue: Resolver;
  /** Priority within its group (json-rules-engine's; 1 when absent). */
  priority: number;
  /** The condition as authored. */
  condition: LeafCondition;
}

/** A shared condition a group was reached through (`{ "condition": name }`): its name and the reference's priority. */
export interface ViaReference {
  name: string;
  /** The reference as authored. */
  reference: ConditionReference;
}

/** An `all` or `any` group. */
export interface PlanGroup {
  kind: 'all' | 'any';
  pointer: string;
  priority: number;
  children: PlanNode[];
  condition: Condition;
  /** Set when the group is a shared condition, reached through a reference. */
  via?: ViaReference;
}

/** A `not` group. */
export interface PlanNot {
  kind: 'not';
  pointer: string;
  priority: number;
  child: PlanNode;
  condition: Condition;
  /** Set when the group is a shared condition, reached through a reference. */
  via?: ViaReference;
}

/** A node of a condition tree. */
export type PlanNode = PlanLeaf | PlanGroup | PlanNot;

/** A condition tree, its leaves in id order and its `all`/`any` groups (each after the groups inside it). */
export interface ConditionTree {
  root: PlanNode;
  leaves: PlanLeaf[];
  groups: PlanGroup[];
}

/** Whether a condition object is a shared-condition reference (has `condition`) rather than a leaf or a group. */
export function isConditionReference(condition: Condition): condition is ConditionReference {
  return Object.prototype.hasOwnProperty.call(condition, 'condition') && !isLeafCondition(condition) && !('all' in condition || 'any' in condition || 'not' in condition);
}

/**
 * A rule's priority as json-rules-engine reads it: `parseInt`, with 0 or none read as 1 (a negative or
 * non-numeric priority is refused at load).
 */
export function rulePriority(priority: unknown): number {
  return Number.parseInt(String(priority || 1), 10);
}

/**
 * A condition's priority within its group as json-rules-engine reads it: a leaf's and a group's `parseInt`
 * (anything not a positive number is 1); a shared-condition reference's priority as written (json-rules-engine
 * sorts the reference before it is expanded, and does not parse it).
 */
export function conditionPriority(condition: Condition): number {
  const raw = (condition as { priority?: unknown }).priority;
  if (isConditionReference(condition)) return Number(raw) || 1;
  return Number.parseInt(String(raw), 10) || 1;
}

/** Whether a condition object is a leaf (has `fact`) rather than an all/any/not group. */
export function isLeafCondition(condition: Condition): condition is LeafCondition {
  return typeof (condition as { fact?: unknown }).fact === 'string';
}

/** Parses a path; in a tolerant build a bad path is reported and reads as no path. */
function segmentsOf(path: string | undefined, report: PathReport | undefined, at: string): string[] {
  if (!path) return [];
  if (!report) return parsePath(path);
  try {
    return parsePath(path);
  } catch (error) {
    report(at, path, error as Error);
    return [];
  }
}

/** Where a tolerant build reports a path it cannot parse. */
export type PathReport = (pointer: string, path: string, error: Error) => void;

function operandOf(value: unknown, report: PathReport | undefined, at: string): Operand {
  if (isReference(value)) {
    if (value.param !== undefined) return { kind: 'param', name: value.param };
    if (value.context !== undefined) return { kind: 'context', name: value.context };
  }
  // json-rules-engine reads any object with a `fact` member as a fact reference.
  if (isPlainObject(value) && Object.prototype.hasOwnProperty.call(value, 'fact')) {
    const ref = value as { fact: string; path?: string };
    return { kind: 'fact', fact: ref.fact, ...(ref.path !== undefined ? { path: ref.path } : {}), segments: segmentsOf(ref.path, report, `${at}/path`) };
  }
  return { kind: 'literal', value };
}

/** A value's resolver, or nothing when a reference in it has a bad path (reported by the reference checks). */
function tolerantValue(value: unknown): Resolver {
  try {
    return compileValue(value);
  } catch {
    return () => undefined;
  }
}

/**
 * Builds the tree of a condition. A shared-condition reference is expanded into the shared condition's tree
 * (its nodes' pointers under `/conditions/<name>`), compiled like the rest of the rule.
 *
 * @param condition - the condition as authored (schema-valid)
 * @param pointer - its JSON pointer, e.g. `/rules/0/conditions`
 * @param report - where to report a path that cannot be parsed (it then reads as no path); without it the
 *   path error is thrown
 * @param shared - the pack's shared conditions (`conditions`); a reference to a missing one, or one that reaches
 *   itself, reads as a condition that never holds when `report` is given (the checks report it), else throws
 * @returns the root node, the leaves in id order and the groups
 */
export function buildConditionTree(condition: Condition, pointer: string, report?: PathReport, shared: Record<string, Condition> = {}): ConditionTree {
  const leaves: PlanLeaf[] = [];
  const groups: PlanGroup[] = [];
  const build = (c: Condition, at: string, priority: number, active: readonly string[]): PlanNode => {
    if (isConditionReference(c)) {
      const name = c.condition;
      const target = Object.prototype.hasOwnProperty.call(shared, name) ? shared[name] : undefined;
      if (target === undefined || active.includes(name)) {
        if (!report) throw new Error(target === undefined ? `No condition ${name} exists` : `shared condition ${name} refers to itself`);
        // Never holds: not (all of nothing).
        return { kind: 'not', pointer: at, priority, child: { kind: 'all', pointer: at, priority: 1, children: [], condition: { all: [] } }, condition: c };
      }
      const node = build(target, `/conditions/${pointerToken(name)}`, priority, [...active, name]);
      if (node.kind === 'leaf') return node;
      return { ...node, via: { name, reference: c } };
    }
    if (isLeafCondition(c)) {
      const operand = operandOf(c.value, report, `${at}/value`);
      const leaf: PlanLeaf = {
        kind: 'leaf',
        id: leaves.length,
        pointer: at,
        fact: c.fact,
        ...(c.path !== undefined ? { path: c.path } : {}),
        segments: segmentsOf(c.path, report, `${at}/path`),
        operator: c.operator,
        operand,
        ...(operand.kind === 'param' ? { param: operand.name } : {}),
        resolveValue: report ? tolerantValue(c.value) : compileValue(c.value),
        priority,
        condition: c,
      };
      leaves.push(leaf);
      return leaf;
    }
    const child = (x: Condition, to: string) => build(x, to, conditionPriority(x), active);
    const group = (node: PlanGroup): PlanGroup => {
      groups.push(node);
      return node;
    };
    if ('all' in c && Array.isArray(c.all)) return group({ kind: 'all', pointer: at, priority, children: c.all.map((x, i) => child(x, `${at}/all/${i}`)), condition: c });
    if ('any' in c && Array.isArray(c.any)) return group({ kind: 'any', pointer: at, priority, children: c.any.map((x, i) => child(x, `${at}/any/${i}`)), condition: c });
    const inner = (c as { not: Condition }).not;
    return { kind: 'not', pointer: at, priority, child: child(inner, `${at}/not`), condition: c };
  };
  const root = build(condition, pointer, conditionPriority(condition), []);
  return { root, leaves, groups };
}
