/**
 * Threshold lint: boundary mistakes (`<` for `<=`, 50,000 against 5,000) hide between test cases, so every numeric
 * threshold of a pack must be exercised by its suite just below, exactly at and just above the limit. The value
 * seen is the fact value the explanation reports, so thresholds on derived facts (days after a period's end, a
 * weighted score) count like any other; a `{ "param": ... }` threshold is resolved with each case's parameters.
 * For `unique` packs the lint also probes every threshold of an input fact with each case's facts and reports the
 * values at which no rule fires or two do.
 */
import type { Pack } from './pack.js';
import type { Decision, LeafCondition, Localized, TestSuite } from './types.js';
import { errorCodeOf } from './errors.js';

/** A threshold whose suite lacks a side. */
export interface ThresholdGap {
  rule: string;
  /** Index of the leaf condition in the rule, depth first in document order. */
  condition: number;
  fact: string;
  path?: string;
  operator: string;
  /** The threshold with the pack's own parameter values. */
  threshold: unknown;
  /** The parameter behind the threshold, when it is one. */
  param?: string;
  missing: Array<'below' | 'at' | 'above'>;
}

/** A value of an input fact at which a `unique` pack fires no rule or more than one. */
export interface UniqueGap {
  kind: 'no-rule' | 'conflict';
  /** The case whose facts were probed. */
  case: string;
  fact: string;
  /** The fact value probed (or the case's own when `fact` is empty). */
  value: unknown;
  /** The rules that fired together (conflict only, when known). */
  rules?: string[];
}

/** The lint result of one pack. */
export interface LintReport {
  pack: string;
  ok: boolean;
  gaps: ThresholdGap[];
  /** `unique` packs only: facts values where no rule or several fire. */
  uniqueGaps: UniqueGap[];
  /** One line per gap, in Chinese and English. */
  messages: Localized[];
  /**
   * Suggestions and warnings that do not fail the lint: rule names that are not kebab-case (the bundled packs'
   * style; json-rules-engine takes any name, and so does a pack), and rules without a `message` (their decisions
   * carry a message composed from the fields they set, which an auditor reads less easily than the policy's words).
   */
  suggestions: Localized[];
}

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** A kebab-case spelling of a name, for the suggestion: `Athlete GPA Rule` → `athlete-gpa-rule`. */
function kebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Rule names that are not kebab-case, each with a kebab-case spelling when one can be made. */
function nameSuggestions(pack: Pack): Localized[] {
  const out: Localized[] = [];
  for (const rule of pack.document.rules) {
    if (KEBAB.test(rule.name)) continue;
    const spelled = kebab(rule.name);
    const en = spelled ? `, e.g. "${spelled}"` : '';
    const zh = spelled ? `，例如 "${spelled}"` : '';
    out.push({
      en: `suggestion: rule "${rule.name}" is not kebab-case${en} (allowed; the bundled packs use kebab-case)`,
      zh: `建议：规则名 "${rule.name}" 不是 kebab-case${zh}（允许；内置规则包均用 kebab-case）`,
    });
  }
  return out;
}

/** Rules without a message: a decision they make carries a message composed from their outcome fields. */
function messageWarnings(pack: Pack): Localized[] {
  return pack.document.rules
    .filter((rule) => rule.message === undefined)
    .map((rule) => ({
      en: `warning: rule "${rule.name}" has no message; a decision it makes says only which outcome fields it set (give it a message in the policy's words)`,
      zh: `警告：规则 "${rule.name}" 没有 message；它作出的决定只列出它设置的结果字段（请用政策原文写一条 message）`,
    }));
}

const NUMERIC_OPERATORS = new Set(['lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive']);

/** A numeric leaf condition of a rule and how to resolve its threshold. */
interface Threshold {
  rule: string;
  index: number;
  leaf: LeafCondition;
  param?: string;
  fixed?: number;
}

function thresholdsOf(pack: Pack): Threshold[] {
  const out: Threshold[] = [];
  for (const rule of pack.plan.rules) {
    for (const { id: index, condition } of rule.conditions.leaves) {
      if (!NUMERIC_OPERATORS.has(condition.operator)) continue;
      const value = condition.value;
      if (typeof value === 'number') out.push({ rule: rule.name, index, leaf: condition, fixed: value });
      else if (value && typeof value === 'object' && typeof (value as { param?: unknown }).param === 'string') {
        out.push({ rule: rule.name, index, leaf: condition, param: (value as { param: string }).param });
      }
    }
  }
  return out;
}

function resolveThreshold(pack: Pack, threshold: Threshold, parameters: Record<string, unknown> | undefined): number | undefined {
  if (threshold.fixed !== undefined) return threshold.fixed;
  const name = threshold.param as string;
  const value = parameters && name in parameters ? parameters[name] : pack.document.parameters?.[name]?.value;
  return typeof value === 'number' ? value : undefined;
}

/** Reads a dotted path without evaluating anything (own properties only). */
function readPath(value: unknown, path: string | undefined): unknown {
  if (!path) return value;
  let current = value;
  for (const segment of path.replace(/^\$\./, '').split('.')) {
    if (current === null || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/**
 * The fact value a condition compared: the explanation's `factValue` when the condition was evaluated, otherwise
 * (short-circuited) the derived fact or the input fact with its schema default.
 */
function factValueOf(pack: Pack, decision: Decision, facts: Record<string, unknown>, threshold: Threshold): unknown {
  const trace = decision.explanation.find((t) => t.rule === threshold.rule)?.conditions[threshold.index];
  if (trace && trace.result !== 'not-evaluated' && 'factValue' in trace) return trace.factValue;
  const name = threshold.leaf.fact;
  let base: unknown;
  if (Object.prototype.hasOwnProperty.call(decision.derived ?? {}, name)) base = decision.derived[name];
  else if (Object.prototype.hasOwnProperty.call(facts, name)) base = facts[name];
  else {
    const properties = (pack.document.facts as { properties?: Record<string, { default?: unknown }> }).properties;
    base = properties?.[name]?.default;
  }
  return readPath(base, threshold.leaf.path);
}

/** How far to step off a threshold when probing: 1 for integer facts, else 1 % of it (at least 0.01). */
function probeStep(pack: Pack, fact: string, threshold: number): number {
  const properties = (pack.document.facts as { properties?: Record<string, { type?: unknown }> }).properties;
  if (properties?.[fact]?.type === 'integer' || Number.isInteger(threshold)) return 1;
  return Math.max(0.01, Math.abs(threshold) / 100);
}

/**
 * Lints a pack against its suite: for every leaf condition with a numeric operator and a numeric or parameter
 * threshold, the suite must hold cases whose fact value is below, at and above the threshold; for a `unique` pack,
 * no case (and no probe of an input-fact threshold from a case) may fire two rules or none.
 *
 * @param pack - the loaded pack
 * @param suite - its test suite
 * @returns the gaps; `ok` is true when there are none
 * @example
 * ```ts
 * const report = await lintPack(pack, suite);
 * if (!report.ok) report.messages.forEach((m) => console.log(m.en));
 * ```
 */
export async function lintPack(pack: Pack, suite: TestSuite): Promise<LintReport> {
  const thresholds = thresholdsOf(pack);
  const seen = thresholds.map(() => new Set<'below' | 'at' | 'above'>());
  const uniqueGaps: UniqueGap[] = [];
  const unique = pack.document.hitPolicy === 'unique';
  const inputFacts = new Set(Object.keys((pack.document.facts as { properties?: object }).properties ?? {}));
  const uniqueSeen = new Set<string>();
  const addUniqueGap = (gap: UniqueGap): void => {
    const key = `${gap.kind}|${gap.fact}|${JSON.stringify(gap.value)}`;
    if (gap.fact !== '' && uniqueSeen.has(key)) return;
    uniqueSeen.add(key);
    uniqueGaps.push(gap);
  };

  for (const testCase of suite.cases) {
    const asOf = testCase.asOf ?? suite.asOf;
    if (asOf === undefined) continue;
    const facts = testCase.facts ?? {};
    const options = { asOf, explain: true, ...(testCase.parameters ? { parameters: testCase.parameters } : {}) };
    let decision: Decision;
    try {
      decision = await pack.evaluate(facts, options);
    } catch (error) {
      if (unique && errorCodeOf(error) === 'RULE_CONFLICT' && testCase.expect?.error !== 'RULE_CONFLICT') {
        addUniqueGap({ kind: 'conflict', case: testCase.name, fact: '', value: null, ...rulesOf(error) });
      }
      continue;
    }
    if (unique && decision.fired.length === 0) addUniqueGap({ kind: 'no-rule', case: testCase.name, fact: '', value: null });

    thresholds.forEach((threshold, i) => {
      const limit = resolveThreshold(pack, threshold, testCase.parameters);
      const value = factValueOf(pack, decision, facts, threshold);
      if (limit === undefined || typeof value !== 'number') return;
      seen[i]!.add(value < limit ? 'below' : value > limit ? 'above' : 'at');
    });

    if (!unique) continue;
    for (const threshold of thresholds) {
      const { fact, path } = threshold.leaf;
      if (path || !inputFacts.has(fact)) continue;
      const limit = resolveThreshold(pack, threshold, testCase.parameters);
      if (limit === undefined) continue;
      const step = probeStep(pack, fact, limit);
      for (const value of [limit - step, limit, limit + step]) {
        try {
          const probe = await pack.evaluate({ ...facts, [fact]: value }, { ...options, explain: false });
          if (probe.fired.length === 0) addUniqueGap({ kind: 'no-rule', case: testCase.name, fact, value });
        } catch (error) {
          if (errorCodeOf(error) === 'RULE_CONFLICT') addUniqueGap({ kind: 'conflict', case: testCase.name, fact, value, ...rulesOf(error) });
        }
      }
    }
  }

  const gaps: ThresholdGap[] = [];
  thresholds.forEach((threshold, i) => {
    const limit = resolveThreshold(pack, threshold, undefined);
    const possible = limit === undefined ? new Set(['below', 'at', 'above']) : possibleSides(pack, threshold, limit);
    const missing = (['below', 'at', 'above'] as const).filter((side) => possible.has(side) && !seen[i]!.has(side));
    if (missing.length === 0) return;
    gaps.push({
      rule: threshold.rule,
      condition: threshold.index,
      fact: threshold.leaf.fact,
      ...(threshold.leaf.path ? { path: threshold.leaf.path } : {}),
      operator: threshold.leaf.operator,
      threshold: resolveThreshold(pack, threshold, undefined) ?? null,
      ...(threshold.param ? { param: threshold.param } : {}),
      missing,
    });
  });
  return {
    pack: pack.id,
    ok: gaps.length === 0 && uniqueGaps.length === 0,
    gaps,
    uniqueGaps,
    messages: lintMessages(gaps, uniqueGaps),
    suggestions: [...messageWarnings(pack), ...nameSuggestions(pack)],
  };
}

/**
 * The sides of a threshold that an input fact can reach, given its schema's bounds: `claimAmountYuan >= 0` with
 * `minimum: 0` has no "below", so no case is asked for there.
 */
function possibleSides(pack: Pack, threshold: Threshold, limit: number): Set<'below' | 'at' | 'above'> {
  const sides = new Set<'below' | 'at' | 'above'>(['below', 'at', 'above']);
  if (threshold.leaf.path) return sides;
  const properties = (pack.document.facts as { properties?: Record<string, Record<string, unknown>> }).properties;
  const schema = properties?.[threshold.leaf.fact];
  if (!schema) return sides;
  const num = (key: string): number | undefined => (typeof schema[key] === 'number' ? (schema[key] as number) : undefined);
  const min = num('minimum');
  const exMin = num('exclusiveMinimum');
  const max = num('maximum');
  const exMax = num('exclusiveMaximum');
  if ((min !== undefined && limit <= min) || (exMin !== undefined && limit <= exMin)) sides.delete('below');
  if ((max !== undefined && limit >= max) || (exMax !== undefined && limit >= exMax)) sides.delete('above');
  if (
    (min !== undefined && limit < min) ||
    (exMin !== undefined && limit <= exMin) ||
    (max !== undefined && limit > max) ||
    (exMax !== undefined && limit >= exMax) ||
    (schema.type === 'integer' && !Number.isInteger(limit))
  ) {
    sides.delete('at');
  }
  return sides;
}

/** The rule names a RULE_CONFLICT error carries in its problems, when it does. */
function rulesOf(error: unknown): { rules?: string[] } {
  const problems = (error as { problems?: Array<{ found?: unknown; message?: unknown }> }).problems;
  const found = problems?.[0]?.found;
  if (Array.isArray(found) && found.every((r) => typeof r === 'string')) return { rules: found as string[] };
  // RuleConflictError names the rules in its message: "more than one rule fired: a, b".
  const match = /fired: (.+)$/.exec(String(problems?.[0]?.message ?? ''));
  return match ? { rules: match[1]!.split(', ') } : {};
}

const SIDE_ZH = { below: '低于', at: '等于', above: '高于' } as const;

/**
 * One line per gap, in Chinese and English.
 *
 * @example
 * ```ts
 * lintMessages(report.gaps, report.uniqueGaps)[0]?.en;
 * // 'rule level-2-claim condition 3: claimAmountYuan greaterThanInclusive 50000 (param level2ClaimYuan): no case below'
 * ```
 */
export function lintMessages(gaps: ThresholdGap[], uniqueGaps: UniqueGap[]): Localized[] {
  const out: Localized[] = [];
  for (const gap of gaps) {
    const fact = gap.path ? `${gap.fact}.${gap.path}` : gap.fact;
    const param = gap.param ? ` (param ${gap.param})` : '';
    const paramZh = gap.param ? `（参数 ${gap.param}）` : '';
    out.push({
      en: `rule ${gap.rule} condition ${gap.condition}: ${fact} ${gap.operator} ${String(gap.threshold)}${param}: no case ${gap.missing.join(', ')}`,
      zh: `规则 ${gap.rule} 条件 ${gap.condition}：${fact} ${gap.operator} ${String(gap.threshold)}${paramZh}：缺少${gap.missing
        .map((s) => SIDE_ZH[s])
        .join('、')}阈值的用例`,
    });
  }
  for (const gap of uniqueGaps) {
    const where = gap.fact === '' ? '' : ` with ${gap.fact} = ${JSON.stringify(gap.value)}`;
    const whereZh = gap.fact === '' ? '' : `，${gap.fact} = ${JSON.stringify(gap.value)} 时`;
    const rules = gap.rules ? ` (${gap.rules.join(', ')})` : '';
    out.push(
      gap.kind === 'conflict'
        ? { en: `case "${gap.case}"${where}: two or more rules fire${rules}`, zh: `用例「${gap.case}」${whereZh}：多于一条规则触发${rules}` }
        : { en: `case "${gap.case}"${where}: no rule fires`, zh: `用例「${gap.case}」${whereZh}：没有规则触发` },
    );
  }
  return out;
}
