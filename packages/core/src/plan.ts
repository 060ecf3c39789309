/**
 * The pack plan: everything an evaluation, the reference engine, explanation, coverage, lint, describe and docs
 * need, compiled once when a pack is loaded. {@link compile} validates the document (schema and semantics) and
 * builds the plan; nothing downstream walks the authored document again.
 */
import type { CalculatorContext } from './calculators.js';
import type { ValidateFunction } from 'ajv';
import { getCalculator } from './calculators.js';
import { hashPack } from './canonical.js';
import { DEFAULT_TIME_ZONE, checkDocument } from './checks.js';
import { rulePriority, type ConditionTree } from './condition-tree.js';
import { PackValidationError } from './errors.js';
import { factsCopier, type FactsCopier } from './facts-copy.js';
import { cloneJson } from './json.js';
import type { PackLookup, RequiredPack } from './lookup.js';
import { compileValue, literalValue, type Resolver } from './references.js';
import { toProblems, validatePackDocument } from './schema.js';
import type { HitPolicy, Localized, Problem, RuleDefinition, RulePackDocument, UndefinedFacts } from './types.js';

/** A rule of the plan. */
export interface PlanRule {
  /** Index in the document's `rules`. */
  index: number;
  name: string;
  source: string;
  /** The rule's priority (1 when absent). */
  priority: number;
  /** JSON pointer of the rule, e.g. `/rules/3`. */
  pointer: string;
  /** The condition tree: root node and leaves by id. */
  conditions: ConditionTree;
  event: { type: string; params: Record<string, unknown> };
  /** The event params with references resolved in a scope. */
  resolveParams: Resolver;
  message?: Localized;
  /** The rule as authored. */
  definition: RuleDefinition;
}

/** A derived fact of the plan: its calculator and its arguments compiled. */
export interface PlanDerived {
  name: string;
  calculator: string;
  compute: (args: Record<string, unknown>, context: CalculatorContext) => unknown;
  resolveArgs: Resolver;
}

/** A required pack of the plan, resolved. */
export interface PlanRequired {
  pack: RequiredPack;
  as: string;
  factsFrom?: string;
}

/** A compiled pack: built once by {@link compile}, read by every part of core. */
export interface PackPlan {
  /** The validated document (a private copy). */
  document: RulePackDocument;
  id: string;
  version: string;
  /** `"sha256:" + hex` of the canonical JSON of the document. */
  packHash: string;
  timeZone: string;
  hitPolicy: HitPolicy;
  /** What a rule reading a fact absent from the input gets (json-rules-engine's `allowUndefinedFacts`). */
  undefinedFacts: UndefinedFacts;
  /** The shared conditions' trees by name (`conditions`), for the reference engine's `setCondition`. */
  sharedConditions: Map<string, ConditionTree>;
  /** The pack's own parameter values by name. */
  parameters: Record<string, unknown>;
  parameterValidators: Map<string, ValidateFunction>;
  factsValidator: ValidateFunction;
  /**
   * Copies facts where the fact schema's defaults may be written (built by `factsCopier` in facts-copy.ts).
   *
   * @internal
   */
  copyFacts: FactsCopier;
  outcomeValidator: ValidateFunction;
  derived: PlanDerived[];
  required: PlanRequired[];
  /** Rules in document order. */
  rules: PlanRule[];
  /** Rule indexes by name. */
  ruleIndex: Map<string, number>;
  /** The default outcome with references resolved in a scope. */
  resolveDefault: Resolver;
  /** The message when no rule applies. */
  defaultMessage: Localized;
}

const NO_RULE_MESSAGE: Localized = { zh: '无规则命中，采用默认结果。', en: 'No rule fired; the default outcome applies.' };
const NOT_JSON: Problem = { path: '', message: 'must be JSON data', code: 'schema.type', expected: 'object' };

/**
 * Validates a pack document and builds its plan, collecting every problem instead of throwing.
 *
 * @param document - the parsed pack JSON (copied with JSON semantics first)
 * @param lookup - where packs named in `requires` are found
 * @param knownHash - the document's pack hash when the caller has already computed it from this document (see
 *   `LoadPackOptions.knownHash`); it is then not computed again
 * @returns the problems (empty when valid) and the plan when valid
 */
export function tryCompile(document: unknown, lookup?: PackLookup, knownHash?: string): { problems: Problem[]; plan?: PackPlan } {
  let doc: unknown;
  try {
    // JSON semantics: a function or a cycle is refused, a NaN is null; later changes to the caller's object
    // have no effect.
    doc = cloneJson(document);
  } catch {
    return { problems: [{ ...NOT_JSON }] };
  }
  if (!validatePackDocument(doc)) return { problems: toProblems(validatePackDocument.errors, doc) };
  const pack = doc as RulePackDocument;
  const { problems, checked } = checkDocument(pack, lookup);
  if (!checked) return { problems };
  const rules = pack.rules.map(
    (rule, index): PlanRule => ({
      index,
      name: rule.name,
      source: rule.source,
      priority: rulePriority(rule.priority),
      pointer: `/rules/${index}`,
      conditions: checked.trees[index]!,
      event: { type: rule.event.type, params: rule.event.params ?? {} },
      resolveParams: pack.replaceFactsInEventParams === false ? literalValue(rule.event.params ?? {}) : compileValue(rule.event.params ?? {}),
      ...(rule.message ? { message: rule.message } : {}),
      definition: rule,
    }),
  );
  const plan: PackPlan = {
    document: pack,
    id: pack.id,
    version: pack.version,
    packHash: knownHash ?? hashPack(pack),
    timeZone: pack.timeZone ?? DEFAULT_TIME_ZONE,
    hitPolicy: pack.hitPolicy,
    undefinedFacts: pack.undefinedFacts ?? 'allow',
    sharedConditions: checked.sharedTrees,
    parameters: Object.fromEntries(Object.entries(pack.parameters ?? {}).map(([k, p]) => [k, p.value])),
    parameterValidators: checked.parameterValidators,
    factsValidator: checked.factsValidator,
    copyFacts: factsCopier(pack.facts),
    outcomeValidator: checked.outcomeValidator,
    derived: (pack.derived ?? []).map((d) => ({ name: d.name, calculator: d.calculator, compute: getCalculator(d.calculator), resolveArgs: compileValue(d.args, true) })),
    required: checked.required,
    rules,
    ruleIndex: new Map(rules.map((r) => [r.name, r.index])),
    resolveDefault: compileValue(pack.default),
    defaultMessage: pack.defaultMessage ?? NO_RULE_MESSAGE,
  };
  return { problems, plan };
}

/**
 * Validates a pack document and compiles it into its plan: the condition trees with leaf ids and pointers,
 * references resolved, paths parsed, the hit policy, outcome and message templates, the fact validator.
 *
 * @param document - the parsed pack JSON (it is copied)
 * @param lookup - where packs named in `requires` are found (a {@link PackRegistry})
 * @param knownHash - the document's pack hash, when the caller already computed it (not computed again)
 * @returns the plan
 * @throws {@link PackValidationError} (`INVALID_PACK`) carrying every problem with its JSON pointer
 * @example
 * ```ts
 * const plan = compile(JSON.parse(text));
 * plan.rules[0]!.conditions.leaves[0]!.pointer // '/rules/0/conditions/all/0'
 * ```
 */
export function compile(document: unknown, lookup?: PackLookup, knownHash?: string): PackPlan {
  const { problems, plan } = tryCompile(document, lookup, knownHash);
  if (!plan || problems.length > 0) throw new PackValidationError(problems);
  return plan;
}
