/**
 * json-rules-engine, the reference engine (`engine: 'json-rules-engine'`), built from the same pack plan as the
 * compiled rule stage: the authored conditions with `{param}` and `{context}` right-hand sides rewritten into
 * json-rules-engine fact references, and each rule's result read back into the per-leaf records the
 * explanation is built from.
 */
import { Engine, type RuleResult } from 'json-rules-engine';
import type { ConditionTree, PlanNode } from './condition-tree.js';
import { undefinedFactsError } from './decision.js';
import type { LeafRecord } from './rule-stage.js';
import type { UndefinedFacts } from './types.js';

/** The fact names under which parameters and the context reach json-rules-engine. */
export const PARAM_FACT = '$param';
export const CONTEXT_FACT = '$context';

/** A rule of the plan as the reference engine needs it. */
export interface ReferenceRule {
  name: string;
  priority: number;
  conditions: PlanNode;
  event: { type: string; params: Record<string, unknown> };
}

interface EngineCondition {
  result?: boolean;
  factResult?: unknown;
  valueResult?: unknown;
  all?: EngineCondition[];
  any?: EngineCondition[];
  not?: EngineCondition;
}

/**
 * A condition tree of the plan in json-rules-engine's shape. A shared condition stays a reference
 * (`{ condition: name }`), resolved by json-rules-engine from `setCondition`, as in a json-rules-engine project.
 */
export function toEngineCondition(node: PlanNode, expand = false): Record<string, unknown> {
  if (node.kind !== 'leaf' && node.via && !expand) return { ...node.via.reference };
  if (node.kind === 'leaf') {
    const out: Record<string, unknown> = { ...node.condition };
    if (node.operand.kind === 'param') out.value = { fact: PARAM_FACT, path: node.operand.name };
    else if (node.operand.kind === 'context') out.value = { fact: CONTEXT_FACT, path: node.operand.name };
    return out;
  }
  const out: Record<string, unknown> = { ...(node.condition as Record<string, unknown>) };
  if (node.kind === 'not') out.not = toEngineCondition(node.child);
  else out[node.kind] = node.children.map((child) => toEngineCondition(child));
  return out;
}

function leafCount(node: PlanNode): number {
  if (node.kind === 'leaf') return 1;
  if (node.kind === 'not') return leafCount(node.child);
  return node.children.reduce((n, c) => n + leafCount(c), 0);
}

/** Reads json-rules-engine's result tree alongside the plan's tree: each leaf's record at the leaf's id. */
function readLeaves(node: PlanNode, result: EngineCondition | undefined, leaves: LeafRecord[]): void {
  if (!result) return;
  if (node.kind === 'leaf') {
    if (typeof result.result === 'boolean') leaves[node.id] = { result: result.result, factValue: result.factResult, value: result.valueResult };
  } else if (node.kind === 'not') readLeaves(node.child, result.not, leaves);
  else node.children.forEach((child, i) => readLeaves(child, result[node.kind]?.[i], leaves));
}

/** Runs json-rules-engine over prepared facts; returns, per rule in plan order, whether it fired and its leaves. */
export type ReferenceRun = (
  facts: Record<string, unknown>,
  params: Record<string, unknown>,
  context: Record<string, unknown>,
) => Promise<Array<{ fired: boolean; leaves: LeafRecord[] }>>;

/** How the reference engine is set up from the plan. */
export interface ReferenceOptions {
  /** The pack's `undefinedFacts`: json-rules-engine's `allowUndefinedFacts` is `"allow"`. */
  undefinedFacts: UndefinedFacts;
  /** The pack's shared conditions, registered with `setCondition`. */
  sharedConditions: Map<string, ConditionTree>;
}

/**
 * Builds json-rules-engine from the plan's rules (lazily: the engine is made on first use), as stock as a
 * json-rules-engine project would run it: its own JSONPath resolver and operators, `allowUndefinedFacts` from the
 * pack, shared conditions with `setCondition`. So a test comparing the compiled evaluator with this engine sees
 * any divergence from json-rules-engine itself.
 *
 * @param rules - the plan's rules in document order
 * @param options - the pack's `undefinedFacts` and shared conditions
 * @returns a function running the engine
 * @throws (from the returned function) {@link FactValidationError} naming the fact when json-rules-engine rejects
 *   with `Undefined fact`
 */
export function referenceEngine(rules: ReferenceRule[], options: ReferenceOptions): ReferenceRun {
  let engine: Engine | undefined;
  return async (facts, params, context) => {
    if (!engine) {
      engine = new Engine(
        rules.map((rule) => ({ name: rule.name, priority: rule.priority, conditions: toEngineCondition(rule.conditions) as never, event: rule.event })),
        { allowUndefinedFacts: options.undefinedFacts === 'allow' },
      );
      for (const [name, tree] of options.sharedConditions) engine.setCondition(name, toEngineCondition(tree.root, true) as never);
    }
    let run: Awaited<ReturnType<Engine['run']>>;
    try {
      run = await engine.run({ ...facts, [PARAM_FACT]: params, [CONTEXT_FACT]: context });
    } catch (error) {
      const e = error as { code?: string; message?: string };
      if (e?.code === 'UNDEFINED_FACT') throw undefinedFactsError([String(e.message).replace(/^Undefined fact: /, '')]);
      throw error;
    }
    const byName = new Map<string, RuleResult>();
    for (const r of [...run.results, ...run.failureResults]) byName.set(r.name as string, r);
    return rules.map((rule) => {
      const r = byName.get(rule.name);
      const leaves = new Array<LeafRecord>(leafCount(rule.conditions)).fill({});
      readLeaves(rule.conditions, r?.conditions as unknown as EngineCondition | undefined, leaves);
      return { fired: r?.result === true, leaves };
    });
  };
}
