/**
 * The decision built from a rule stage's results: fired rules ordered by priority (ties in document order), the
 * hit policy applied (a `unique` conflict refused), the outcome checked against the pack's outcome schema, the
 * explanation kept as a compact trace (materialised when read), and the messages.
 */
import { FactValidationError, OutcomeValidationError, RuleConflictError } from './errors.js';
import { pointerToken } from './path.js';
import type { EvaluationState } from './inputs.js';
import { cloneJson } from './json.js';
import { composedMessage, mergeOutcome, renderMessages, type MessagePart } from './outcome.js';
import type { PackPlan } from './plan.js';
import { isConstant } from './references.js';
import type { CompactTrace } from './codegen.js';
import { explanationFromTrace, settleTrace, traceFromRecords, traceToJson, type TraceJson } from './explanation.js';
import type { LeafRecord } from './rule-stage.js';
import { toProblems } from './schema.js';
import type { Decision, FiredRule, Localized, RuleTrace } from './types.js';

/** What a rule stage found for one rule: whether it fired and, when explaining, each leaf's record by id. */
export interface RuleResultRecord {
  fired: boolean;
  leaves: LeafRecord[];
}

/**
 * The INVALID_FACTS error of `undefinedFacts: "error"`: one problem per fact a rule read that is absent from the
 * input and has no schema default (json-rules-engine's `Undefined fact: <name>`).
 *
 * @param facts - the absent facts' names, in the order they were read
 */
export function undefinedFactsError(facts: string[]): FactValidationError {
  return new FactValidationError(
    facts.map((fact) => ({
      path: `/${pointerToken(fact)}`,
      message: `a rule reads fact "${fact}", which is absent and has no default (the pack's undefinedFacts is "error")`,
      code: 'UNDEFINED_FACT',
      expected: 'a value',
      found: 'absent',
    })),
  );
}

/** An outcome checked against the outcome schema, and its messages. */
interface CheckedOutcome {
  outcome: Record<string, unknown>;
  messages: Localized;
}

const STATIC_MEMO_ENTRIES = 1024;
/**
 * Per plan, the checked outcomes of applied-rule lists whose outcome holds no reference (a constant default and
 * constant params): the same list always gives the same outcome, so it is merged, checked against the outcome
 * schema and its messages rendered once, then handed out as a copy. Bounded; an outcome that fails the schema is
 * never remembered, so its error is raised on every decision as before.
 */
const staticOutcomes = new WeakMap<PackPlan, Map<string, CheckedOutcome>>();

/** Whether the outcome of these applied rules is the same whatever the facts. */
function isStatic(plan: PackPlan, applied: number[]): boolean {
  if (!isConstant(plan.resolveDefault)) return false;
  for (const i of applied) if (!isConstant(plan.rules[i]!.resolveParams)) return false;
  return true;
}

/** Merges, checks and renders the outcome of the applied rules. */
function checkedOutcome(plan: PackPlan, state: EvaluationState, applied: FiredRule[]): CheckedOutcome {
  const outcome = mergeOutcome(plan.resolveDefault(state) as Record<string, unknown>, applied, plan.hitPolicy === 'collect' ? 'collect' : 'first');
  // Drop undefined (absent optional facts referenced by an outcome) so the decision is plain JSON.
  const cleanOutcome = cloneJson(outcome);
  if (!plan.outcomeValidator(cleanOutcome)) {
    throw new OutcomeValidationError(plan.id, toProblems(plan.outcomeValidator.errors, cleanOutcome, '/outcome'));
  }
  return { outcome: cleanOutcome, messages: decisionMessages(plan, applied, cleanOutcome) };
}

/**
 * The messages of a decision, as the engine renders them: each applied rule's message rendered with the outcome (a
 * rule without one speaks for itself from the fields it set), or the pack's default message when none applied. A
 * host that stores a changed outcome and changed params (masked personal data) renders the messages again from
 * them, so that they hold nothing the stored outcome does not.
 *
 * @param plan - the pack's plan (`pack.plan`)
 * @param applied - the fired rules the hit policy applied, in applied order (all for `collect`, else the first)
 * @param outcome - the outcome the `{{path}}` placeholders read
 * @returns the Chinese messages joined with `；`, the English with `; `
 * @example
 * ```ts
 * const applied = plan.hitPolicy === 'collect' ? decision.fired : decision.fired.slice(0, 1);
 * decisionMessages(pack.plan, applied, maskedOutcome); // { zh: '…', en: '…' }
 * ```
 */
export function decisionMessages(plan: PackPlan, applied: readonly FiredRule[], outcome: Record<string, unknown>): Localized {
  // A fired rule without a message speaks for itself from the fields it set; defaultMessage is for "none fired".
  const parts: MessagePart[] = applied.map((f) => {
    const message = plan.rules[plan.ruleIndex.get(f.rule) ?? -1]?.message;
    return message ? { template: message } : { text: composedMessage(f.rule, f.event.params) };
  });
  return renderMessages(parts, plan.defaultMessage, outcome);
}

/** The checked outcome of the applied rules (`indexes`, in applied order), remembered when it is static. */
function outcomeOf(plan: PackPlan, state: EvaluationState, indexes: number[], applied: FiredRule[]): CheckedOutcome {
  if (!isStatic(plan, indexes)) return checkedOutcome(plan, state, applied);
  let memo = staticOutcomes.get(plan);
  if (memo === undefined) {
    memo = new Map();
    staticOutcomes.set(plan, memo);
  }
  const key = indexes.join(',');
  let known = memo.get(key);
  if (known === undefined) {
    known = checkedOutcome(plan, state, applied);
    if (memo.size >= STATIC_MEMO_ENTRIES) memo.clear();
    memo.set(key, known);
  }
  return { outcome: cloneJson(known.outcome), messages: { zh: known.messages.zh, en: known.messages.en } };
}

const traces = new WeakMap<object, { plan: PackPlan; trace: CompactTrace; fired: Uint8Array }>();

/**
 * The compact trace of a decision made with its explanation (`explain` not false), in its JSON form (`trace/1`):
 * what the log keeps instead of the explanation. `undefined` for a decision made without it, or not made here.
 *
 * @param decision - a decision returned by `evaluate` or `evaluateSync`
 * @returns the trace, or `undefined`
 * @example
 * ```ts
 * const trace = decisionTrace(pack.evaluateSync(facts, { asOf })); // { rules: '0100…', results: '2120…', … }
 * ```
 */
export function decisionTrace(decision: Decision): TraceJson | undefined {
  const kept = traces.get(decision);
  return kept && traceToJson(kept.plan, kept.trace, kept.fired);
}

/**
 * Builds the decision from per-rule results (the interpreted stage's and json-rules-engine's).
 *
 * @param plan - the pack plan
 * @param state - the evaluation's state (inputs checked, derived facts computed)
 * @param results - per rule in document order
 * @param explain - whether to keep the explanation
 */
export function finishRecords(plan: PackPlan, state: EvaluationState, results: RuleResultRecord[], explain: boolean): Decision {
  const firedIndexes: number[] = [];
  results.forEach((r, i) => {
    if (r.fired) firedIndexes.push(i);
  });
  const rules = plan.rules;
  firedIndexes.sort((a, b) => rules[b]!.priority - rules[a]!.priority || a - b);
  return finish(plan, state, firedIndexes, explain ? traceFromRecords(plan, results) : null);
}

/**
 * Builds the decision from the fired rules. Every rule stage (generated, interpreted, json-rules-engine) ends
 * here, so a decision is built one way whichever stage decided.
 *
 * @param plan - the pack plan
 * @param state - the evaluation's state (inputs checked, derived facts computed)
 * @param firedIndexes - the fired rules' indexes, highest priority first (ties in document order)
 * @param trace - the compact trace when the explanation is wanted, else null
 */
export function finish(plan: PackPlan, state: EvaluationState, firedIndexes: number[], trace: CompactTrace | null): Decision {
  const rules = plan.rules;
  const fired: FiredRule[] = new Array<FiredRule>(firedIndexes.length);
  for (let j = 0; j < firedIndexes.length; j++) {
    const rule = rules[firedIndexes[j]!]!;
    fired[j] = {
      rule: rule.name,
      source: rule.source,
      priority: rule.priority,
      event: { type: rule.event.type, params: cloneJson(rule.resolveParams(state)) as Record<string, unknown> },
    };
  }
  // undefinedFacts "error": the facts the rules (and the fired rules' params) read that the input lacks.
  if (state.missing !== undefined) {
    const missing = [...state.missing];
    state.missing = undefined;
    if (missing.length > 0) throw undefinedFactsError(missing);
  }
  if (plan.hitPolicy === 'unique' && firedIndexes.length > 1) throw new RuleConflictError(plan.id, firedIndexes.map((i) => rules[i]!.name));
  const applied = plan.hitPolicy === 'collect' ? fired : fired.slice(0, 1);
  const { outcome, messages } = outcomeOf(plan, state, applied.length === fired.length ? firedIndexes : firedIndexes.slice(0, 1), applied);
  const parameters = cloneJson(state.overrides);
  const derived = cloneJson(state.derived);
  if (trace === null) {
    return { pack: plan.id, version: plan.version, packHash: plan.packHash, asOf: state.asOf, parameters, outcome, fired, derived, explanation: [], messages };
  }
  settleTrace(plan, trace, state);
  const flags = new Uint8Array(rules.length);
  for (const i of firedIndexes) flags[i] = 1;
  let explanation: RuleTrace[] | undefined;
  // Materialised on first read (JSON.stringify, a spread and structured cloning read it too).
  const decision: Decision = {
    pack: plan.id,
    version: plan.version,
    packHash: plan.packHash,
    asOf: state.asOf,
    parameters,
    outcome,
    fired,
    derived,
    get explanation(): RuleTrace[] {
      return (explanation ??= explanationFromTrace(plan, trace, flags));
    },
    set explanation(value: RuleTrace[]) {
      explanation = value;
    },
    messages,
  };
  traces.set(decision, { plan, trace, fired: flags });
  return decision;
}
