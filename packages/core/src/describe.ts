/**
 * A decision in words, for the person who has to explain it to a customer or an auditor: the outcome, which rules
 * fired and on what, which conditions failed with the value seen, which were never evaluated, and — for a numeric
 * threshold that decided the outcome — the value at which it would change ("would be level 2 at a claim of 50,000
 * yuan"). It reads only the pack document and the decision's explanation: nothing is re-evaluated, so a threshold
 * is reported as decisive only when flipping that one condition settles the rule with the other results as seen
 * (conditions never evaluated count as unknown).
 */
import type { Pack } from './pack.js';
import { rulePriority, type PlanNode } from './condition-tree.js';
import type { PlanRule } from './plan.js';
import type { ConditionTrace, Decision } from './types.js';
import { formatLeaf, formatNumber, formatParams, formatValue, type Lang } from './docs.js';

type Tri = boolean | 'unknown';

/** Kleene three-valued evaluation of a rule's condition tree (from the plan) from its leaves' results by id. */
function evaluateTree(node: PlanNode, results: Tri[]): Tri {
  if (node.kind === 'leaf') return results[node.id] ?? 'unknown';
  if (node.kind === 'not') {
    const inner = evaluateTree(node.child, results);
    return inner === 'unknown' ? 'unknown' : !inner;
  }
  if (node.kind === 'all') {
    const values = node.children.map((c) => evaluateTree(c, results));
    if (values.includes(false)) return false;
    return values.includes('unknown') ? 'unknown' : true;
  }
  const values = node.children.map((c) => evaluateTree(c, results));
  if (values.includes(true)) return true;
  return values.includes('unknown') ? 'unknown' : false;
}

function triOf(trace: ConditionTrace | undefined): Tri {
  if (!trace || trace.result === 'not-evaluated') return 'unknown';
  return trace.result;
}

const NUMERIC = new Set(['lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive']);
const OP = { lessThan: '<', lessThanInclusive: '≤', greaterThan: '>', greaterThanInclusive: '≥' } as Record<string, string>;
const NEGATED = { lessThan: '≥', lessThanInclusive: '>', greaterThan: '≤', greaterThanInclusive: '<' } as Record<string, string>;

const TEXT = {
  en: {
    header: (d: Decision) => `${d.pack} ${d.version}, as of ${d.asOf}`,
    outcome: 'Outcome',
    fired: 'Rules that fired',
    notFired: 'Rules that did not fire',
    noneFired: 'No rule fired: the default outcome applies.',
    because: 'because',
    held: (c: string, v: string) => `${c} (seen ${v})`,
    failed: 'failed',
    notEvaluated: 'not evaluated',
    seen: (v: string) => `seen ${v}`,
    change: 'What would change the outcome',
    nothing: 'No single numeric threshold decided this outcome.',
    wouldBe: (outcome: string, rule: string, cond: string, now: string) =>
      `would be ${outcome} (rule ${rule}) at ${cond} (now ${now})`,
    wouldAdd: (outcome: string, rule: string, cond: string, now: string) =>
      `would also apply ${outcome} (rule ${rule}) at ${cond} (now ${now})`,
    wouldConflict: (rule: string, cond: string, now: string) =>
      `rule ${rule} would also fire at ${cond} (now ${now}): a conflict in this unique pack`,
    wouldLose: (rule: string, cond: string, now: string) => `rule ${rule} would no longer apply at ${cond} (now ${now})`,
    absent: '(absent)',
  },
  zh: {
    header: (d: Decision) => `${d.pack} ${d.version}，判定时点 ${d.asOf}`,
    outcome: '结果',
    fired: '触发的规则',
    notFired: '未触发的规则',
    noneFired: '没有规则触发：采用默认结果。',
    because: '因为',
    held: (c: string, v: string) => `${c}（实际 ${v}）`,
    failed: '不满足',
    notEvaluated: '未求值',
    seen: (v: string) => `实际 ${v}`,
    change: '使结果改变的条件',
    nothing: '本结果不取决于单一数值阈值。',
    wouldBe: (outcome: string, rule: string, cond: string, now: string) =>
      `若 ${cond}（当前 ${now}），结果将为 ${outcome}（规则 ${rule}）`,
    wouldAdd: (outcome: string, rule: string, cond: string, now: string) =>
      `若 ${cond}（当前 ${now}），还将适用 ${outcome}（规则 ${rule}）`,
    wouldConflict: (rule: string, cond: string, now: string) =>
      `若 ${cond}（当前 ${now}），规则 ${rule} 也将触发：与唯一命中策略冲突`,
    wouldLose: (rule: string, cond: string, now: string) => `若 ${cond}（当前 ${now}），规则 ${rule} 将不再适用`,
    absent: '（无）',
  },
} as const;

/** The unit of a condition's threshold, when it is a parameter with one. */
function unitOf(pack: Pack, trace: ConditionTrace): string {
  const name = trace.param;
  const unit = name ? pack.document.parameters?.[name]?.unit : undefined;
  return unit ? ` ${unit}` : '';
}

function seenText(trace: ConditionTrace, lang: Lang): string {
  return 'factValue' in trace && trace.factValue !== undefined ? formatValue(trace.factValue, lang) : TEXT[lang].absent;
}

/**
 * Describes a decision in Chinese or English: the outcome and the messages, each fired rule with the conditions
 * that held, each rule that did not fire with the conditions that failed (and the value seen) and those never
 * evaluated, then the numeric thresholds at which the outcome would change.
 *
 * @param pack - the pack that took the decision
 * @param decision - the decision, with its explanation (evaluate with `explain: true`, the default)
 * @param lang - `'en'` (default) or `'zh'`
 * @returns plain text, one statement a line
 * @example
 * ```ts
 * const decision = await pack.evaluate({ claimAmountYuan: 30000 }, { asOf: '2026-01-15T10:00:00+08:00' });
 * console.log(describeDecision(pack, decision, 'en'));
 * // … would be class: major, level: 2 (rule level-2-claim) at claimAmountYuan ≥ 50,000 yuan (now 30,000)
 * ```
 */
export function describeDecision(pack: Pack, decision: Decision, lang: Lang = 'en'): string {
  const T = TEXT[lang];
  const doc = pack.document;
  const rules = new Map(pack.plan.rules.map((rule) => [rule.name, { rule }]));
  const lines: string[] = [T.header(decision), `${T.outcome}: ${formatParams(decision.outcome as Record<string, unknown>, doc, lang)}`];
  if (decision.messages?.[lang]) lines.push(decision.messages[lang]);
  lines.push('');

  const leafText = (rule: PlanRule, index: number): string => {
    const leaf = rule.conditions.leaves[index];
    return leaf ? formatLeaf(leaf.condition, doc, lang) : `#${index}`;
  };

  const firedTraces = decision.explanation.filter((t) => t.fired);
  const otherTraces = decision.explanation.filter((t) => !t.fired);
  if (decision.fired.length === 0) lines.push(T.noneFired);
  else {
    lines.push(`${T.fired}:`);
    for (const fired of decision.fired) {
      const trace = firedTraces.find((t) => t.rule === fired.rule);
      const rule = rules.get(fired.rule)?.rule;
      const held =
        trace && rule
          ? trace.conditions
              .map((c, i) => (c.result === true ? T.held(leafText(rule, i), seenText(c, lang)) : undefined))
              .filter((x): x is string => x !== undefined)
          : [];
      lines.push(`- ${fired.rule} [${fired.source}]${held.length ? ` ${T.because} ${held.join('; ')}` : ''}`);
    }
  }
  if (otherTraces.length > 0) {
    lines.push('', `${T.notFired}:`);
    for (const trace of otherTraces) {
      const rule = rules.get(trace.rule)?.rule;
      if (!rule) continue;
      const failed = trace.conditions
        .map((c, i) => (c.result === false ? `${leafText(rule, i)} (${T.seen(seenText(c, lang))})` : undefined))
        .filter((x): x is string => x !== undefined);
      const skipped = trace.conditions
        .map((c, i) => (c.result === 'not-evaluated' ? leafText(rule, i) : undefined))
        .filter((x): x is string => x !== undefined);
      const parts: string[] = [];
      if (failed.length) parts.push(`${T.failed}: ${failed.join('; ')}`);
      if (skipped.length) parts.push(`${T.notEvaluated}: ${skipped.join('; ')}`);
      lines.push(`- ${trace.rule}${parts.length ? ` — ${parts.join(lang === 'zh' ? '；' : '. ')}` : ''}`);
    }
  }

  const changes = whatWouldChange(pack, decision, lang);
  lines.push('', `${T.change}:`);
  if (changes.length === 0) lines.push(T.nothing);
  else for (const change of changes) lines.push(`- ${change}`);
  return `${lines.join('\n')}\n`;
}

/** The numeric thresholds at which the outcome would change, one sentence each. */
function whatWouldChange(pack: Pack, decision: Decision, lang: Lang): string[] {
  const T = TEXT[lang];
  const doc = pack.document;
  const out: string[] = [];
  const indexOf = new Map(doc.rules.map((rule, index) => [rule.name, index]));
  const winner = decision.fired[0];
  const winnerRule = winner ? doc.rules[indexOf.get(winner.rule) ?? -1] : undefined;

  for (const trace of decision.explanation) {
    const index = indexOf.get(trace.rule);
    const rule = index === undefined ? undefined : doc.rules[index];
    if (!rule || index === undefined) continue;
    const results = trace.conditions.map(triOf);
    trace.conditions.forEach((condition, i) => {
      if (!NUMERIC.has(condition.operator) || typeof condition.value !== 'number' || condition.result === 'not-evaluated') return;
      const flipped = [...results];
      flipped[i] = !condition.result;
      const after = evaluateTree(pack.plan.rules[index]!.conditions.root, flipped);
      const threshold = `${formatNumber(condition.value)}${unitOf(pack, condition)}`;
      const fact = pack.plan.rules[index]!.conditions.leaves[i]?.condition;
      const factName = fact ? (fact.path ? `${fact.fact}.${fact.path}` : fact.fact) : condition.fact;
      const now = seenText(condition, lang);
      if (!trace.fired && condition.result === false && after === true) {
        const cond = `${factName} ${OP[condition.operator]} ${threshold}`;
        const outcome = formatParams({ ...doc.default, ...(rule.event.params ?? {}) }, doc, lang);
        if (doc.hitPolicy === 'collect') out.push(T.wouldAdd(formatParams(rule.event.params, doc, lang), rule.name, cond, now));
        else if (doc.hitPolicy === 'unique') {
          out.push(decision.fired.length === 0 ? T.wouldBe(outcome, rule.name, cond, now) : T.wouldConflict(rule.name, cond, now));
        } else {
          const beats =
            !winner ||
            rulePriority(rule.priority) > winner.priority ||
            (rulePriority(rule.priority) === winner.priority && index < (indexOf.get(winner.rule) ?? Infinity));
          if (beats) out.push(T.wouldBe(outcome, rule.name, cond, now));
        }
      } else if (trace.fired && condition.result === true && after === false) {
        const decisive = doc.hitPolicy !== 'first' || rule === winnerRule;
        if (decisive) out.push(T.wouldLose(rule.name, `${factName} ${NEGATED[condition.operator]} ${threshold}`, now));
      }
    });
  }
  return out;
}
