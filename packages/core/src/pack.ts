/**
 * A loaded rule pack: a thin facade over its {@link PackPlan} (built once by {@link compile}) and the two rule
 * stages that run it, the compiled one (default) and json-rules-engine (the reference). Time enters only as
 * `asOf`.
 */
import { compileCondition, type LeafRecord } from './rule-stage.js';
import type { Scope } from './references.js';
import { buildGeneratedStage, emptyTrace, type GeneratedFactory, type GeneratedStage } from './codegen.js';
import { finish, finishRecords, type RuleResultRecord } from './decision.js';
import { begin, derive, parameterValues, requiredError, validateFacts, type EvaluationState } from './inputs.js';
import type { PackLookup } from './lookup.js';
import { compile, tryCompile, type PackPlan } from './plan.js';
import { referenceEngine, type ReferenceRun } from './reference-engine.js';
import type { Decision, EvaluateOptions, HitPolicy, Problem, RulePackDocument, WorkingDayCalendar } from './types.js';
import { compileCalendar } from './working-day-calendar.js';

/** Options of {@link loadPack}. */
export interface LoadPackOptions {
  /** Where packs named in `requires` are found (a {@link PackRegistry}). Without it, a pack with `requires` does not load. */
  registry?: PackLookup;
  /**
   * Ready-made rule-stage factories by pack hash (the ahead-of-time module `@aftersales/rules` writes for its
   * bundled packs): a pack whose hash is there uses it instead of generating code with `new Function`, so hosts
   * that forbid `eval` (a strict Content Security Policy) can evaluate.
   */
  generated?: Readonly<Record<string, GeneratedFactory>>;
  /**
   * The working-day calendar its working-day clocks count (public holidays and make-up working days), unless a
   * decision's options give another; without one they count Mon–Fri. See {@link WorkingDayCalendar}.
   */
  calendar?: WorkingDayCalendar;
  /**
   * The document's pack hash (`sha256:` + hex of its canonical JSON) when the caller has already computed it from
   * this very document — a host that stored the canonical text and checked its SHA-256 on reading it back, or that
   * compiled the same text in another thread. Hashing a document of 100,000 rules takes about a second; with this
   * option the load skips it and the pack carries the hash given. Give only a hash computed from this document:
   * a wrong one makes the pack, and every decision made with it, name the wrong version.
   */
  knownHash?: string;
}

type RuleNode = (facts: Scope, trace: LeafRecord[] | null) => boolean;

/**
 * The options of one evaluation of a pack whose parameter overrides are `P`: {@link EvaluateOptions} with
 * `parameters` narrowed to that pack's names and value types, so a misspelt parameter name is a compile error
 * for a typed pack (`EvaluateOptions`' own `Record<string, unknown>` would let any key through).
 *
 * @typeParam P - the pack's parameter overrides
 * @example
 * ```ts
 * const options: PackEvaluateOptions<{ level2ClaimYuan?: number }> = { asOf, parameters: { level2ClaimYuan: 60000 } };
 * ```
 */
export type PackEvaluateOptions<P> = Omit<EvaluateOptions, 'parameters'> & { parameters?: Partial<P> };

/**
 * A validated, compiled rule pack. Create it with {@link loadPack}; evaluate facts with {@link Pack.evaluate}.
 * The type parameters are for typed packs (e.g. `@aftersales/rules`' generated types): the facts `F` it takes,
 * the outcome `O` its decisions carry and its parameter overrides `P`. They only describe; facts are validated
 * against the pack's schema at run time whatever they say.
 *
 * @typeParam F - the facts (default `unknown`: anything, validated at run time)
 * @typeParam O - the outcome of a decision
 * @typeParam P - the parameter overrides
 */
export class Pack<F = unknown, O = Record<string, unknown>, P = Record<string, unknown>> {
  /** The pack id, e.g. `quality-severity`. */
  readonly id: string;
  /** The pack version (semver). */
  readonly version: string;
  /** The pack document as loaded (treat as read-only). */
  readonly document: RulePackDocument;
  /** `"sha256:" + hex` of the canonical JSON of the document. */
  readonly packHash: string;
  /** The IANA time zone every calendar computation of this pack uses. */
  readonly timeZone: string;
  /** How fired rules combine. */
  readonly hitPolicy: HitPolicy;
  /** The compiled plan every part of core reads (treat as read-only). */
  readonly plan: PackPlan;
  /** The working-day calendar given at load, used when a decision's options give none. */
  readonly calendar: WorkingDayCalendar | undefined;

  readonly #nodes: RuleNode[];
  readonly #leafCounts: number[];
  readonly #run: GeneratedStage;
  readonly #traced: GeneratedStage;
  readonly #leafTotal: number;
  #reference: ReferenceRun | undefined;

  /** @internal Use {@link loadPack}. */
  constructor(plan: PackPlan, generated?: GeneratedFactory, calendar?: WorkingDayCalendar) {
    if (calendar !== undefined) compileCalendar(calendar);
    this.calendar = calendar;
    this.plan = plan;
    this.document = plan.document;
    this.id = plan.id;
    this.version = plan.version;
    this.packHash = plan.packHash;
    this.timeZone = plan.timeZone;
    this.hitPolicy = plan.hitPolicy;
    this.#nodes = plan.rules.map((rule) => compileCondition(rule.conditions.root));
    this.#leafCounts = plan.rules.map((rule) => rule.conditions.leaves.length);
    const stage = buildGeneratedStage(plan, generated);
    this.#run = stage.run;
    this.#traced = stage.traced;
    this.#leafTotal = stage.leafCount;
  }

  /** Ids of every pack this one requires, directly or not. */
  requiresDeep(): Set<string> {
    const out = new Set<string>();
    for (const r of this.plan.required) {
      out.add(r.pack.id);
      for (const id of r.pack.requiresDeep()) out.add(id);
    }
    return out;
  }

  /**
   * The parameter values an evaluation would use: the pack's values with `overrides` applied.
   *
   * @param overrides - per-evaluation overrides
   * @returns name → value
   * @throws {@link ParameterValidationError} for an unknown name or a value of the wrong type or range
   * @example
   * ```ts
   * pack.parameterValues({ level2ClaimYuan: 80000 })
   * ```
   */
  parameterValues(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return parameterValues(this.plan, overrides);
  }

  /**
   * Validates facts against the pack's fact schema and applies its defaults, without evaluating.
   *
   * @param facts - the input facts (not modified)
   * @returns a copy of the facts with defaults applied
   * @throws {@link FactValidationError} with every problem
   * @example
   * ```ts
   * pack.validateFacts({ claimAmountYuan: 50000 }) // { claimAmountYuan: 50000, casualties: 0, ... }
   * ```
   */
  validateFacts(facts: unknown): Record<string, unknown> {
    return validateFacts(this.plan, facts);
  }

  /**
   * Evaluates facts and returns the decision with its explanation. Deterministic: the same pack, facts,
   * parameters and `asOf` give a byte-identical decision, whichever engine is used.
   *
   * @param facts - the input facts (untrusted; validated against the pack's fact schema)
   * @param options - `asOf` (required), `parameters` overrides, `explain` (default true), `engine`:
   *   `"compiled"` (default, the synchronous compiled path) or `"json-rules-engine"` (json-rules-engine itself,
   *   built from the same plan; `"reference"` is the same)
   * @returns the decision
   * @throws {@link FactValidationError} (`INVALID_FACTS`), {@link ParameterValidationError} (`INVALID_PARAMETERS`),
   *   {@link PackNotEffectiveError} (`NOT_EFFECTIVE`), {@link RuleConflictError} (`RULE_CONFLICT`),
   *   {@link OutcomeValidationError} (`INVALID_OUTCOME`), `AftersalesError` `INVALID_AS_OF`
   * @example
   * ```ts
   * const decision = await pack.evaluate({ claimAmountYuan: 50000 }, { asOf: '2026-03-01T09:00:00+08:00' });
   * decision.outcome // { class: 'major', level: 2 }
   * ```
   */
  async evaluate(facts: F, options: PackEvaluateOptions<P>): Promise<Decision<O>> {
    if (options?.engine !== 'reference' && options?.engine !== 'json-rules-engine') return this.evaluateSync(facts, options);
    const state = begin(this.plan, facts, options, this.calendar);
    for (const req of this.plan.required) {
      const input = req.factsFrom === undefined ? state.values : state.values[req.factsFrom];
      if (input === undefined) continue;
      try {
        const sub = await req.pack.evaluate(input, { asOf: state.asOf, explain: false, engine: 'json-rules-engine', calendar: state.calendar?.data });
        this.#setRequired(state, req.as, sub.outcome);
      } catch (error) {
        throw requiredError(req.factsFrom, error);
      }
    }
    derive(this.plan, state);
    this.#reference ??= referenceEngine(
      this.plan.rules.map((r) => ({ name: r.name, priority: r.priority, conditions: r.conditions.root, event: r.event })),
      { undefinedFacts: this.plan.undefinedFacts, sharedConditions: this.plan.sharedConditions },
    );
    const results = await this.#reference(state.values, state.params, state.context);
    // Fired rules' params read facts too (json-rules-engine with replaceFactsInEventParams).
    if (this.plan.undefinedFacts === 'error') state.missing = new Set();
    // The outcome was validated against the pack's outcome schema, which `O` describes.
    return finishRecords(this.plan, state, results, options.explain !== false) as Decision<O>;
  }

  /**
   * The synchronous compiled evaluation: the same decision as {@link Pack.evaluate}, without promises.
   *
   * @param facts - the input facts
   * @param options - as for {@link Pack.evaluate}; `engine: "interpreted"` runs the plan's interpreted rule stage
   *   (the reference the generated code is proven against) instead of the generated function
   * @returns the decision
   * @throws the same typed errors as {@link Pack.evaluate}
   * @example
   * ```ts
   * const decision = pack.evaluateSync({ claimAmountYuan: 50000 }, { asOf: '2026-03-01T09:00:00+08:00', explain: false });
   * ```
   */
  evaluateSync(facts: F, options: PackEvaluateOptions<P>): Decision<O> {
    const state = begin(this.plan, facts, options, this.calendar);
    for (const req of this.plan.required) {
      const input = req.factsFrom === undefined ? state.values : state.values[req.factsFrom];
      if (input === undefined) continue;
      try {
        this.#setRequired(state, req.as, req.pack.evaluateSync(input, { asOf: state.asOf, explain: false, calendar: state.calendar?.data }).outcome);
      } catch (error) {
        throw requiredError(req.factsFrom, error);
      }
    }
    derive(this.plan, state);
    if (this.plan.undefinedFacts === 'error') state.missing = new Set();
    const explain = options.explain !== false;
    if (options.engine === 'interpreted') {
      const table: Scope = state;
      const nodes = this.#nodes;
      const results = new Array<RuleResultRecord>(nodes.length);
      for (let i = 0; i < nodes.length; i++) {
        const leaves: LeafRecord[] | null = explain ? new Array<LeafRecord>(this.#leafCounts[i]!) : null;
        results[i] = { fired: nodes[i]!(table, leaves), leaves: leaves ?? [] };
      }
      return finishRecords(this.plan, state, results, explain) as Decision<O>;
    }
    if (!explain) return finish(this.plan, state, this.#run(state, null), null) as Decision<O>;
    const trace = emptyTrace(this.#leafTotal);
    return finish(this.plan, state, this.#traced(state, trace), trace) as Decision<O>;
  }

  /**
   * Evaluates only the rules, on facts that are already complete (validated, with defaults, derived facts and
   * required packs' outcomes present): no validation, no derived facts, no decision record. It is the compiled
   * rule stage on its own, for tools and for benchmarks that compare engines on the same prepared facts (for
   * example against `decision.derived` merged over the validated facts). Hosts use {@link Pack.evaluate}.
   *
   * @param prepared - complete facts, e.g. `{ ...pack.validateFacts(facts), ...decision.derived }`
   * @param parameters - parameter values (default: the pack's own); not validated here
   * @param context - the evaluation context referenced by `{ "context": ... }` values
   * @returns the names of the rules that fire, highest priority first (ties in document order)
   * @example
   * ```ts
   * const decision = pack.evaluateSync(facts, { asOf });
   * pack.matchRules({ ...pack.validateFacts(facts), ...decision.derived }) // ['level-2-claim', ...]
   * ```
   */
  matchRules(prepared: Record<string, unknown>, parameters?: Record<string, unknown>, context?: { asOf: string; asOfDate: string }): string[] {
    const table: Scope = { values: prepared, params: parameters ?? this.plan.parameters, context: context ?? {} };
    const fired: number[] = [];
    const nodes = this.#nodes;
    for (let i = 0; i < nodes.length; i++) if (nodes[i]!(table, null)) fired.push(i);
    const rules = this.plan.rules;
    fired.sort((a, b) => rules[b]!.priority - rules[a]!.priority || a - b);
    return fired.map((i) => rules[i]!.name);
  }

  /**
   * The compiled rule stage with its per-condition record: like {@link Pack.matchRules}, and for every rule
   * whether it fired and, for each leaf condition in document order, the value seen, the value compared against
   * and the result (`undefined` where the condition was not evaluated). It is what a decision's explanation is
   * built from, without the decision around it; for tools and engine comparisons.
   *
   * @param prepared - complete facts, as for {@link Pack.matchRules}
   * @param parameters - parameter values (default: the pack's own); not validated here
   * @param context - the evaluation context referenced by `{ "context": ... }` values
   * @returns one entry per rule, in document order
   * @example
   * ```ts
   * pack.traceRules(prepared)[0] // { rule: 'level-1-casualties', fired: false, conditions: [{ result: false, factValue: 0, value: 1 }] }
   * ```
   */
  traceRules(
    prepared: Record<string, unknown>,
    parameters?: Record<string, unknown>,
    context?: { asOf: string; asOfDate: string },
  ): Array<{ rule: string; fired: boolean; conditions: Array<{ result?: boolean; factValue?: unknown; value?: unknown }> }> {
    const table: Scope = { values: prepared, params: parameters ?? this.plan.parameters, context: context ?? {} };
    const nodes = this.#nodes;
    const out = new Array<{ rule: string; fired: boolean; conditions: LeafRecord[] }>(nodes.length);
    for (let i = 0; i < nodes.length; i++) {
      const leaves = new Array<LeafRecord>(this.#leafCounts[i]!);
      const fired = nodes[i]!(table, leaves);
      for (let j = 0; j < leaves.length; j++) if (leaves[j] === undefined) leaves[j] = {};
      out[i] = { rule: this.plan.rules[i]!.name, fired, conditions: leaves };
    }
    return out;
  }

  #setRequired(state: EvaluationState, as: string, outcome: unknown): void {
    state.derived[as] = outcome;
    state.values[as] = outcome;
  }
}

/**
 * Checks a pack document without throwing.
 *
 * @param document - the parsed pack JSON
 * @param options - `registry` to resolve `requires`
 * @returns every problem found (empty when the pack is valid)
 * @example
 * ```ts
 * validatePack({ id: 'x' }) // [{ path: '/version', message: "must have required property 'version'", ... }, ...]
 * ```
 */
export function validatePack(document: unknown, options: LoadPackOptions = {}): Problem[] {
  // The same compilation as loadPack, so both judge the same document.
  return tryCompile(document, options.registry).problems;
}

/**
 * Loads a pack document: validates it (schema and semantics) and compiles it for evaluation.
 *
 * @param document - the parsed pack JSON (it is copied; later changes to it have no effect)
 * @param options - `registry` to resolve `requires`; `calendar`, the working-day calendar its clocks count
 * @returns the loaded {@link Pack}
 * @throws {@link PackValidationError} (`INVALID_PACK`) carrying every problem with its JSON pointer
 * @example
 * ```ts
 * import { loadPack } from '@aftersales/core';
 * const pack = loadPack(JSON.parse(text));
 * const decision = await pack.evaluate({ claimAmountYuan: 12000 }, { asOf: '2026-03-01T09:00:00+08:00' });
 * ```
 */
export function loadPack(document: unknown, options: LoadPackOptions = {}): Pack {
  const plan = compile(document, options.registry, options.knownHash);
  const generated = options.generated && Object.prototype.hasOwnProperty.call(options.generated, plan.packHash) ? options.generated[plan.packHash] : undefined;
  return new Pack(plan, generated, options.calendar);
}
