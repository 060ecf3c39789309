/**
 * Explanations on demand. An evaluation keeps a compact trace (per leaf condition: its result, the fact value it
 * read, the value it compared against when that is not a literal of the pack); the explanation a decision shows
 * is materialised from that trace and the pack plan only when it is read. The same trace, in its JSON form
 * (`trace/1`), is what the reference server's log keeps: the explanation is rebuilt from it and the recorded
 * pack version, without evaluating again.
 */
import { emptyTrace, type CompactTrace } from './codegen.js';
import { cloneJson } from './json.js';
import type { PackPlan } from './plan.js';
import type { PlanLeaf } from './condition-tree.js';
import { isConstant, type Scope } from './references.js';
import type { LeafRecord } from './rule-stage.js';
import type { ConditionTrace, RuleTrace } from './types.js';

/**
 * The JSON form of a decision's trace (`trace/1`): `rules` one character per rule in document order (`1` fired,
 * `0` not), `results` one character per leaf condition, rules in document order and each rule's leaves in
 * explanation order (`0` not evaluated, `1` false, `2` true), `factValues` the fact value of each evaluated leaf
 * in that order (`null` for an absent value), `values` the compared value of each leaf whose right-hand side is a
 * parameter, the context or another fact, in that order (evaluated or not).
 */
export interface TraceJson {
  rules: string;
  results: string;
  factValues: unknown[];
  values: unknown[];
}

interface Layout {
  /** Offset of each rule's first leaf. */
  offsets: number[];
  leafCount: number;
  /** Every leaf, at its place in the trace. */
  leaves: PlanLeaf[];
  /** Per leaf, whether the trace keeps its compared value (see storesValue). */
  stores: Uint8Array;
}

const layouts = new WeakMap<PackPlan, Layout>();

/**
 * Where each rule's leaves sit in a compact trace of the plan.
 *
 * @param plan - the pack plan
 */
export function traceLayout(plan: PackPlan): Layout {
  let layout = layouts.get(plan);
  if (layout === undefined) {
    const offsets: number[] = [];
    const leaves: PlanLeaf[] = [];
    for (const rule of plan.rules) {
      offsets.push(leaves.length);
      for (const leaf of rule.conditions.leaves) leaves[offsets[offsets.length - 1]! + leaf.id] = leaf;
    }
    layout = { offsets, leafCount: leaves.length, leaves, stores: Uint8Array.from(leaves, (leaf) => (storesValue(leaf) ? 1 : 0)) };
    layouts.set(plan, layout);
  }
  return layout;
}

/** A value as the explanation shows it: a JSON copy, `null` for undefined; primitives as they are. */
function copy(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === 'object') return v === null ? null : cloneJson(v);
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  return v;
}

/**
 * Whether the trace keeps a leaf's compared value: a right-hand side that is not a literal, or a literal holding
 * references (a not-evaluated leaf shows it resolved). Other literals are read from the plan.
 */
function storesValue(leaf: PlanLeaf): boolean {
  return leaf.operand.kind !== 'literal' || !isConstant(leaf.resolveValue);
}

/**
 * Settles a trace once its evaluation is over: object values are copied (later changes to the facts cannot
 * reach the explanation), undefined reads become `null`, and each leaf that was not evaluated gets the value its
 * right-hand side resolves to in the scope, so the trace alone explains the decision.
 *
 * @param plan - the pack plan
 * @param trace - the trace the evaluation filled
 * @param scope - the evaluation's scope
 */
export function settleTrace(plan: PackPlan, trace: CompactTrace, scope: Scope): void {
  const { leaves, stores, leafCount } = traceLayout(plan);
  const { results, factValues, values } = trace;
  for (let k = 0; k < leafCount; k++) {
    if (results[k] !== 0) {
      factValues[k] = copy(factValues[k]);
      if (stores[k] === 1) {
        const operand = leaves[k]!.operand;
        values[k] = copy(operand.kind === 'literal' ? operand.value : values[k]);
      }
    } else if (stores[k] === 1) values[k] = copy(leaves[k]!.resolveValue(scope));
  }
}

/**
 * A compact trace from per-rule leaf records (the interpreted stage's and json-rules-engine's).
 *
 * @param plan - the pack plan
 * @param results - per rule in document order, its leaves' records by id
 */
export function traceFromRecords(plan: PackPlan, results: Array<{ leaves: LeafRecord[] }>): CompactTrace {
  const { offsets, leafCount } = traceLayout(plan);
  const trace = emptyTrace(leafCount);
  results.forEach((result, i) => {
    const offset = offsets[i]!;
    result.leaves.forEach((seen, id) => {
      if (seen && typeof seen.result === 'boolean') {
        trace.results[offset + id] = seen.result ? 2 : 1;
        trace.factValues[offset + id] = seen.factValue;
        trace.values[offset + id] = seen.value;
      }
    });
  });
  return trace;
}

/**
 * The explanation of a decision from its settled trace: every rule in document order with each leaf condition.
 *
 * @param plan - the pack plan the decision was made with
 * @param trace - the settled trace
 * @param fired - per rule in document order, whether it fired
 * @returns the explanation, as `Decision.explanation` shows it
 */
export function explanationFromTrace(plan: PackPlan, trace: CompactTrace, fired: ArrayLike<boolean | number>): RuleTrace[] {
  const { offsets } = traceLayout(plan);
  return plan.rules.map((rule, i) => {
    const offset = offsets[i]!;
    const conditions = rule.conditions.leaves.map((leaf): ConditionTrace => {
      const k = offset + leaf.id;
      const out: ConditionTrace = { fact: leaf.fact, operator: leaf.operator, value: null, result: 'not-evaluated' };
      if (leaf.path !== undefined) out.path = leaf.path;
      if (leaf.param !== undefined) out.param = leaf.param;
      const value = storesValue(leaf) ? copy(trace.values[k]) : copy((leaf.operand as { value: unknown }).value);
      const r = trace.results[k];
      if (r !== 0) {
        out.result = r === 2;
        out.value = value;
        out.factValue = copy(trace.factValues[k]);
      } else out.value = value;
      return out;
    });
    return { rule: rule.name, fired: Boolean(fired[i]), conditions };
  });
}

/**
 * The JSON form (`trace/1`) of a settled trace.
 *
 * @param plan - the pack plan
 * @param trace - the settled trace
 * @param fired - per rule in document order, whether it fired
 */
export function traceToJson(plan: PackPlan, trace: CompactTrace, fired: ArrayLike<boolean | number>): TraceJson {
  const { offsets } = traceLayout(plan);
  let rules = '';
  let results = '';
  const factValues: unknown[] = [];
  const values: unknown[] = [];
  plan.rules.forEach((rule, i) => {
    rules += fired[i] ? '1' : '0';
    for (const leaf of rule.conditions.leaves) {
      const k = offsets[i]! + leaf.id;
      const r = trace.results[k]!;
      results += String(r);
      if (r !== 0) factValues.push(copy(trace.factValues[k]));
      if (storesValue(leaf)) values.push(copy(trace.values[k]));
    }
  });
  return { rules, results, factValues, values };
}

/**
 * Reads a trace's JSON form back against the plan of the pack version it was recorded with.
 *
 * @param plan - the plan of the recorded pack version
 * @param json - the `trace/1` form
 * @returns the trace and the per-rule fired flags
 * @throws Error when the trace does not fit the plan (another version's trace)
 */
export function traceFromJson(plan: PackPlan, json: TraceJson): { trace: CompactTrace; fired: boolean[] } {
  const { offsets, leafCount } = traceLayout(plan);
  if (json.rules.length !== plan.rules.length || json.results.length !== leafCount) throw new Error(`the trace does not fit ${plan.id}@${plan.version}`);
  const trace = emptyTrace(leafCount);
  let f = 0;
  let v = 0;
  plan.rules.forEach((rule, i) => {
    for (const leaf of rule.conditions.leaves) {
      const k = offsets[i]! + leaf.id;
      const r = Number(json.results[k]);
      if (r !== 0 && r !== 1 && r !== 2) throw new Error(`the trace does not fit ${plan.id}@${plan.version}`);
      trace.results[k] = r;
      if (r !== 0) trace.factValues[k] = json.factValues[f++];
      if (storesValue(leaf)) trace.values[k] = json.values[v++];
    }
  });
  return { trace, fired: [...json.rules].map((c) => c === '1') };
}

/**
 * The explanation rebuilt from a `trace/1` record and the plan of the pack version it was recorded with: what
 * the record says was seen, not a new evaluation.
 *
 * @param plan - the plan of the recorded pack version (`pack.plan`)
 * @param json - the record's trace
 * @returns the explanation
 * @throws Error when the trace does not fit the plan
 * @example
 * ```ts
 * const explanation = explanationFromTraceJson(pack.plan, record.evidence.trace);
 * ```
 */
export function explanationFromTraceJson(plan: PackPlan, json: TraceJson): RuleTrace[] {
  const { trace, fired } = traceFromJson(plan, json);
  return explanationFromTrace(plan, trace, fired);
}
