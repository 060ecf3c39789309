/**
 * A loaded rule pack: the pack document validated against the pack format and checked for everything a
 * schema cannot say (unknown parameters, facts or calculators, duplicate rule names, unresolved `requires`),
 * compiled once into a json-rules-engine Engine, and evaluated against untrusted facts into a {@link Decision}
 * with its explanation. Time enters only as `asOf`.
 */
import { Engine, type RuleResult } from 'json-rules-engine';
import type { ValidateFunction } from 'ajv';
import { calculatorInfo, getCalculator } from './calculators.js';
import { compileCondition, type FactTable, type LeafRecord } from './compile.js';
import { isKnownTimeZone, localDate, parseInstant } from './calendar.js';
import { hashPack } from './canonical.js';
import {
  AftersalesError,
  FactValidationError,
  OutcomeValidationError,
  PackNotEffectiveError,
  PackValidationError,
  ParameterValidationError,
  RuleConflictError,
} from './errors.js';
import { getPath, parsePath, pointerToken } from './path.js';
import type { PackRegistry } from './registry.js';
import { factsAjv, plainAjv, toProblems, validatePackDocument } from './schema.js';
import type {
  ConditionTrace,
  Decision,
  EvaluateOptions,
  FiredRule,
  HitPolicy,
  Localized,
  ParameterDefinition,
  Problem,
  RuleDefinition,
  RulePackDocument,
  RuleTrace,
} from './types.js';

/** Options of {@link loadPack}. */
export interface LoadPackOptions {
  /** Where packs named in `requires` are found. Without it, a pack with `requires` does not load. */
  registry?: PackRegistry;
}

const PARAM_FACT = '$param';
const CONTEXT_FACT = '$context';
const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Whether a value is a reference object (`{param}`, `{fact, path?}`, `{context}`). */
function isReference(v: unknown): v is { param?: string; fact?: string; path?: string; context?: string } {
  if (!isPlainObject(v)) return false;
  const keys = Object.keys(v);
  if (keys.length === 1 && (keys[0] === 'param' || keys[0] === 'fact' || keys[0] === 'context')) return typeof v[keys[0]] === 'string';
  return keys.length === 2 && 'fact' in v && 'path' in v && typeof v.fact === 'string' && typeof v.path === 'string';
}

const describeValue = (v: unknown): unknown => (v !== null && typeof v === 'object' ? (Array.isArray(v) ? 'array' : 'object') : v);


/** Walks every reference in a value, with its JSON pointer. */
function walkReferences(value: unknown, pointer: string, visit: (ref: { param?: string; fact?: string; path?: string; context?: string }, pointer: string) => void): void {
  if (isReference(value)) {
    visit(value, pointer);
    return;
  }
  if (Array.isArray(value)) value.forEach((v, i) => walkReferences(v, `${pointer}/${i}`, visit));
  else if (isPlainObject(value)) for (const [k, v] of Object.entries(value)) walkReferences(v, `${pointer}/${pointerToken(k)}`, visit);
}

interface LeafInfo {
  fact: string;
  path?: string;
  operator: string;
  value: unknown;
}

/** Every leaf condition of a rule in document order, with its pointer. */
function leavesOf(condition: unknown, pointer: string, out: Array<{ leaf: LeafInfo; pointer: string }> = []) {
  if (!isPlainObject(condition)) return out;
  if (Array.isArray(condition.all)) condition.all.forEach((c, i) => leavesOf(c, `${pointer}/all/${i}`, out));
  else if (Array.isArray(condition.any)) condition.any.forEach((c, i) => leavesOf(c, `${pointer}/any/${i}`, out));
  else if (condition.not !== undefined) leavesOf(condition.not, `${pointer}/not`, out);
  else if (typeof condition.fact === 'string') out.push({ leaf: condition as unknown as LeafInfo, pointer });
  return out;
}

/** The JSON Schema that a parameter override must satisfy. */
function parameterSchema(def: ParameterDefinition): Record<string, unknown> {
  const schema: Record<string, unknown> = { type: def.type };
  if (def.minimum !== undefined) schema.minimum = def.minimum;
  if (def.maximum !== undefined) schema.maximum = def.maximum;
  if (def.enum !== undefined) schema.enum = def.enum;
  return schema;
}

function compileOrProblem(ajv: typeof plainAjv, schema: unknown, path: string, problems: Problem[]): ValidateFunction | undefined {
  try {
    // A top-level $id would clash when a pack is loaded twice (two versions, a replay): compile without it, and
    // drop the schema from ajv's cache afterwards so that loading many packs does not grow memory.
    const { $id: _ignored, ...rest } = schema as Record<string, unknown>;
    void _ignored;
    const validate = ajv.compile(rest);
    ajv.removeSchema(rest);
    return validate;
  } catch (error) {
    problems.push({ path, message: `is not a valid JSON Schema: ${(error as Error).message}`, code: 'INVALID_SCHEMA' });
    return undefined;
  }
}

interface EvaluationState {
  asOf: string;
  context: { asOf: string; asOfDate: string };
  overrides: Record<string, unknown>;
  params: Record<string, unknown>;
  values: Record<string, unknown>;
  derived: Record<string, unknown>;
}

interface Compiled {
  doc: RulePackDocument;
  factsValidator: ValidateFunction;
  outcomeValidator: ValidateFunction;
  parameterValidators: Map<string, ValidateFunction>;
  required: Array<{ pack: Pack; as: string; factsFrom?: string }>;
}

/** Checks a document and compiles what evaluation needs; collects every problem. */
function check(doc: unknown, options: LoadPackOptions): { problems: Problem[]; compiled?: Compiled } {
  if (!validatePackDocument(doc)) {
    return { problems: toProblems(validatePackDocument.errors, doc) };
  }
  const pack = doc as RulePackDocument;
  const problems: Problem[] = [];

  const timeZone = pack.timeZone ?? DEFAULT_TIME_ZONE;
  if (!isKnownTimeZone(timeZone)) problems.push({ path: '/timeZone', message: 'must be an IANA time zone name', code: 'UNKNOWN_TIME_ZONE', found: timeZone });
  for (const key of ['from', 'to'] as const) {
    const v = pack.effective[key];
    if (v !== undefined && localDate(v, 'UTC') === null) problems.push({ path: `/effective/${key}`, message: 'must be a real calendar date', code: 'INVALID_DATE', found: v });
  }
  if (pack.effective.to !== undefined && pack.effective.to < pack.effective.from) {
    problems.push({ path: '/effective/to', message: 'must not be before effective.from', code: 'INVALID_PERIOD', expected: `>= ${pack.effective.from}`, found: pack.effective.to });
  }

  // Parameters: each value must satisfy its own declared type.
  const parameters = pack.parameters ?? {};
  const parameterValidators = new Map<string, ValidateFunction>();
  for (const [name, def] of Object.entries(parameters)) {
    const validator = compileOrProblem(plainAjv, parameterSchema(def), `/parameters/${name}`, problems);
    if (!validator) continue;
    parameterValidators.set(name, validator);
    if (!validator(def.value)) {
      for (const p of toProblems(validator.errors, def.value, `/parameters/${name}/value`)) problems.push(p);
    }
  }

  // Fact and outcome schemas must compile.
  const factsValidator = compileOrProblem(factsAjv, pack.facts, '/facts', problems);
  const outcomeValidator = compileOrProblem(plainAjv, pack.outcome, '/outcome', problems);

  // Known fact names: declared facts, derived facts (in order), required packs' outcomes.
  const known = new Set<string>(Object.keys((pack.facts.properties as Record<string, unknown>) ?? {}));
  const required: Compiled['required'] = [];
  (pack.requires ?? []).forEach((req, i) => {
    if (req.pack === pack.id) {
      problems.push({ path: `/requires/${i}/pack`, message: 'a pack cannot require itself', code: 'REQUIRES_CYCLE', found: req.pack });
      return;
    }
    const target = options.registry?.get(req.pack);
    if (!target) {
      problems.push({ path: `/requires/${i}/pack`, message: `required pack "${req.pack}" is not in the registry`, code: 'REQUIRES_UNRESOLVED', found: req.pack });
    } else if (target.requiresDeep().has(pack.id)) {
      problems.push({ path: `/requires/${i}/pack`, message: `requiring "${req.pack}" would form a cycle back to "${pack.id}"`, code: 'REQUIRES_CYCLE', found: req.pack });
    } else {
      required.push({ pack: target, as: req.as, ...(req.factsFrom !== undefined ? { factsFrom: req.factsFrom } : {}) });
    }
    if (req.factsFrom !== undefined && !known.has(req.factsFrom)) {
      problems.push({ path: `/requires/${i}/factsFrom`, message: `fact "${req.factsFrom}" is not declared in facts`, code: 'UNKNOWN_FACT', found: req.factsFrom });
    }
    if (known.has(req.as)) problems.push({ path: `/requires/${i}/as`, message: `"${req.as}" is already a fact name`, code: 'DUPLICATE_FACT', found: req.as });
    known.add(req.as);
  });

  const checkReferences = (value: unknown, pointer: string) =>
    walkReferences(value, pointer, (ref, at) => {
      if (ref.param !== undefined && !(ref.param in parameters)) {
        problems.push({ path: `${at}/param`, message: `unknown parameter "${ref.param}"`, code: 'UNKNOWN_PARAMETER', found: ref.param });
      }
      if (ref.fact !== undefined && !known.has(ref.fact)) {
        problems.push({ path: `${at}/fact`, message: `unknown fact "${ref.fact}"`, code: 'UNKNOWN_FACT', found: ref.fact });
      }
      if (ref.path !== undefined) checkPath(ref.path, `${at}/path`);
    });
  const checkPath = (path: string, at: string) => {
    try {
      parsePath(path);
    } catch (error) {
      problems.push({ path: at, message: (error as AftersalesError).problems[0]?.message ?? 'is not a safe path', code: 'UNSAFE_PATH', found: path });
    }
  };

  (pack.derived ?? []).forEach((d, i) => {
    const info = calculatorInfo(d.calculator);
    if (!info) {
      problems.push({ path: `/derived/${i}/calculator`, message: `unknown calculator "${d.calculator}"`, code: 'UNKNOWN_CALCULATOR', found: d.calculator });
    } else {
      const names = new Set(info.args.map((a) => a.name));
      for (const a of info.args) {
        if (a.required && !(a.name in d.args)) problems.push({ path: `/derived/${i}/args/${a.name}`, message: `calculator "${d.calculator}" needs argument "${a.name}"`, code: 'MISSING_ARGUMENT' });
      }
      for (const key of Object.keys(d.args)) {
        if (!names.has(key)) problems.push({ path: `/derived/${i}/args/${pointerToken(key)}`, message: `calculator "${d.calculator}" has no argument "${key}"`, code: 'UNKNOWN_ARGUMENT', expected: [...names] });
      }
    }
    checkReferences(d.args, `/derived/${i}/args`);
    if (known.has(d.name)) problems.push({ path: `/derived/${i}/name`, message: `"${d.name}" is already a fact name`, code: 'DUPLICATE_FACT', found: d.name });
    known.add(d.name);
  });

  const ruleNames = new Map<string, number>();
  pack.rules.forEach((rule, i) => {
    const first = ruleNames.get(rule.name);
    if (first !== undefined) problems.push({ path: `/rules/${i}/name`, message: `duplicate rule name "${rule.name}" (first at /rules/${first})`, code: 'DUPLICATE_RULE', found: rule.name });
    else ruleNames.set(rule.name, i);
    for (const { leaf, pointer } of leavesOf(rule.conditions, `/rules/${i}/conditions`)) {
      if (!known.has(leaf.fact)) problems.push({ path: `${pointer}/fact`, message: `unknown fact "${leaf.fact}"`, code: 'UNKNOWN_FACT', found: leaf.fact });
      if (leaf.path !== undefined) checkPath(leaf.path, `${pointer}/path`);
      if ((leaf.operator === 'in' || leaf.operator === 'notIn') && !Array.isArray(leaf.value)) {
        problems.push({ path: `${pointer}/value`, message: `operator "${leaf.operator}" needs a list of values`, code: 'INVALID_OPERAND', expected: 'array', found: describeValue(leaf.value) });
      }
      checkReferences(leaf.value, `${pointer}/value`);
    }
    checkReferences(rule.event.params ?? {}, `/rules/${i}/event/params`);
  });
  checkReferences(pack.default, '/default');

  if (problems.length > 0 || !factsValidator || !outcomeValidator) return { problems };
  return { problems, compiled: { doc: pack, factsValidator, outcomeValidator, parameterValidators, required } };
}

/** Rewrites `{param}` / `{context}` values in conditions into json-rules-engine fact references. */
function toEngineCondition(condition: unknown): unknown {
  if (Array.isArray(condition)) return condition.map(toEngineCondition);
  if (!isPlainObject(condition)) return condition;
  if (typeof condition.fact === 'string' && 'operator' in condition) {
    const out: Record<string, unknown> = { ...condition };
    const v = condition.value;
    if (isReference(v)) {
      if (v.param !== undefined) out.value = { fact: PARAM_FACT, path: v.param };
      else if (v.context !== undefined) out.value = { fact: CONTEXT_FACT, path: v.context };
    }
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(condition)) out[k] = k === 'all' || k === 'any' || k === 'not' ? toEngineCondition(v) : v;
  return out;
}

interface EngineCondition {
  fact?: string;
  path?: string;
  operator?: string;
  value?: unknown;
  result?: boolean;
  factResult?: unknown;
  valueResult?: unknown;
  all?: EngineCondition[];
  any?: EngineCondition[];
  not?: EngineCondition;
}

/**
 * A deep copy with JSON semantics (what `JSON.parse(JSON.stringify(v))` gives: undefined object members dropped,
 * undefined array items and non-finite numbers become null, `toJSON` honoured), several times faster. A function,
 * symbol or bigint is not data: it throws a TypeError. Own `__proto__` keys stay plain data properties.
 */
function cloneJson<T>(value: T): T {
  return copyJson(value, 0) as T;
}

function copyJson(value: unknown, depth: number): unknown {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'undefined':
      return undefined;
    case 'object':
      break;
    default:
      throw new TypeError(`a ${typeof value} is not JSON data`);
  }
  if (depth > 200) throw new TypeError('value is nested too deeply');
  const object = value as Record<string, unknown> & { toJSON?: () => unknown };
  if (typeof object.toJSON === 'function') return copyJson(object.toJSON(), depth + 1);
  if (Array.isArray(object)) {
    const out = new Array<unknown>(object.length);
    for (let i = 0; i < object.length; i++) {
      const item = copyJson(object[i], depth + 1);
      out[i] = item === undefined ? null : item;
    }
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(object)) {
    const item = copyJson(object[key], depth + 1);
    if (item === undefined) continue;
    if (key === '__proto__') Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
    else out[key] = item;
  }
  return out;
}

/** Merges fired rules' params onto the default outcome per the hit policy. */
function mergeOutcome(base: Record<string, unknown>, fired: FiredRule[], policy: HitPolicy): Record<string, unknown> {
  const outcome = cloneJson(base);
  if (policy !== 'collect') {
    const winner = fired[0];
    return winner ? { ...outcome, ...cloneJson(winner.event.params) } : outcome;
  }
  const setBy = new Set<string>();
  for (const rule of fired) {
    for (const [key, value] of Object.entries(rule.event.params)) {
      if (Array.isArray(value)) {
        const current = Array.isArray(outcome[key]) && setBy.has(key) ? (outcome[key] as unknown[]) : [];
        const merged = [...current];
        for (const item of value) {
          if (item !== null && typeof item === 'object') merged.push(cloneJson(item));
          else if (!merged.includes(item)) merged.push(item);
        }
        outcome[key] = merged;
        setBy.add(key);
      } else if (!setBy.has(key)) {
        outcome[key] = cloneJson(value);
        setBy.add(key);
      }
    }
  }
  return outcome;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;
const templateParts = new Map<string, Array<string | { path: string }>>();

/** Replaces `{{path}}` placeholders with outcome values; a template is split into parts once. */
function interpolate(template: string, outcome: Record<string, unknown>): string {
  let parts = templateParts.get(template);
  if (parts === undefined) {
    parts = [];
    let last = 0;
    for (const m of template.matchAll(PLACEHOLDER)) {
      parts.push(template.slice(last, m.index), { path: m[1]! });
      last = m.index + m[0].length;
    }
    parts.push(template.slice(last));
    if (templateParts.size >= 10_000) templateParts.clear();
    templateParts.set(template, parts);
  }
  let text = '';
  for (const part of parts) {
    if (typeof part === 'string') {
      text += part;
      continue;
    }
    try {
      const v = readPath(outcome, part.path);
      text += v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    } catch {
      // an unsafe path reads as nothing
    }
  }
  return text;
}

const pathSegments = new Map<string, string[]>();

/** {@link getPath} with the parsed segments of each path remembered (paths come from pack documents). */
function readPath(value: unknown, path: string): unknown {
  let segments = pathSegments.get(path);
  if (segments === undefined) {
    segments = parsePath(path);
    if (pathSegments.size >= 10_000) pathSegments.clear();
    pathSegments.set(path, segments);
  }
  let current = value;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

type Resolver = (state: EvaluationState) => unknown;

/**
 * Compiles a value with references (`{param}`, `{context}`, `{fact, path?}`, nested in arrays and objects, a
 * `{values: {...}}` wrapper unwrapped) into a function of the evaluation state, so an evaluation does not walk
 * and classify the document's values again.
 */
function compileValue(value: unknown): Resolver {
  if (isReference(value)) {
    if (value.param !== undefined) {
      const name = value.param;
      return (state) => state.params[name];
    }
    if (value.context !== undefined) {
      const name = value.context as 'asOf' | 'asOfDate';
      return (state) => state.context[name];
    }
    const fact = value.fact as string;
    const path = value.path;
    if (path === undefined) return (state) => state.values[fact];
    return (state) => readPath(state.values[fact], path);
  }
  if (Array.isArray(value)) {
    const items = value.map(compileValue);
    return (state) => items.map((item) => item(state));
  }
  if (isPlainObject(value)) {
    const source = Object.keys(value).length === 1 && isPlainObject(value.values) && !isReference(value.values) ? value.values : value;
    const entries = Object.entries(source).map(([k, v]) => [k, compileValue(v)] as const);
    return (state) => {
      const out: Record<string, unknown> = {};
      for (const [k, resolve] of entries) out[k] = resolve(state);
      return out;
    };
  }
  return () => value;
}

/**
 * A validated, compiled rule pack. Create it with {@link loadPack}; evaluate facts with {@link Pack.evaluate}.
 */
export class Pack {
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

  readonly #compiled: Compiled;
  readonly #engine: Engine;
  readonly #order: Map<string, { index: number; rule: RuleDefinition; priority: number }>;
  readonly #defaults: Record<string, unknown>;
  readonly #rules: Array<{ node: (facts: FactTable, trace: LeafRecord[] | null) => boolean; leafCount: number }>;
  readonly #leaves: LeafInfo[][];
  readonly #priorities: number[];
  readonly #resolvers = new WeakMap<object, Resolver>();
  readonly #derivedSteps: Array<{ name: string; args: Record<string, unknown>; compute: (args: Record<string, unknown>, context: { timeZone: string }) => unknown }>;

  /** @internal Use {@link loadPack}. */
  constructor(compiled: Compiled) {
    const doc = compiled.doc;
    this.#compiled = compiled;
    this.document = doc;
    this.id = doc.id;
    this.version = doc.version;
    this.packHash = hashPack(doc);
    this.timeZone = doc.timeZone ?? DEFAULT_TIME_ZONE;
    this.hitPolicy = doc.hitPolicy;
    this.#defaults = Object.fromEntries(Object.entries(doc.parameters ?? {}).map(([k, p]) => [k, p.value]));
    this.#order = new Map(doc.rules.map((rule, index) => [rule.name, { index, rule, priority: rule.priority ?? 1 }]));
    this.#priorities = doc.rules.map((rule) => rule.priority ?? 1);
    this.#leaves = doc.rules.map((rule) => leavesOf(rule.conditions, '').map((l) => l.leaf));
    this.#rules = doc.rules.map((rule) => {
      const counter = { next: 0 };
      const node = compileCondition(toEngineCondition(rule.conditions) as Record<string, unknown>, counter);
      return { node, leafCount: counter.next };
    });
    this.#derivedSteps = (doc.derived ?? []).map((d) => ({ name: d.name, args: d.args, compute: getCalculator(d.calculator) }));
    this.#engine = new Engine(
      doc.rules.map((rule) => ({
        name: rule.name,
        priority: rule.priority ?? 1,
        conditions: toEngineCondition(rule.conditions) as never,
        event: { type: rule.event.type, params: rule.event.params ?? {} },
      })),
      { allowUndefinedFacts: true, pathResolver: (value: object, path: string) => getPath(value, path) },
    );
  }

  /** Ids of every pack this one requires, directly or not. */
  requiresDeep(): Set<string> {
    const out = new Set<string>();
    for (const r of this.#compiled.required) {
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
    if (!isPlainObject(overrides)) {
      throw new ParameterValidationError([{ path: '', message: 'must be an object of parameter overrides', code: 'schema.type', expected: 'object', found: Array.isArray(overrides) ? 'array' : typeof overrides }]);
    }
    const problems: Problem[] = [];
    const values = { ...this.#defaults };
    for (const [name, value] of Object.entries(overrides)) {
      const validator = this.#compiled.parameterValidators.get(name);
      if (!Object.prototype.hasOwnProperty.call(this.#defaults, name) || !validator) {
        problems.push({ path: `/${pointerToken(name)}`, message: `unknown parameter "${name}"`, code: 'UNKNOWN_PARAMETER', expected: Object.keys(this.#defaults), found: name });
        continue;
      }
      if (!validator(value)) problems.push(...toProblems(validator.errors, value, `/${pointerToken(name)}`));
      else values[name] = value;
    }
    if (problems.length > 0) throw new ParameterValidationError(problems);
    return values;
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
    if (!isPlainObject(facts)) {
      throw new FactValidationError([{ path: '', message: 'must be an object', code: 'schema.type', expected: 'object', found: Array.isArray(facts) ? 'array' : facts === null ? 'null' : typeof facts }]);
    }
    let copy: Record<string, unknown>;
    try {
      copy = cloneJson(facts);
    } catch {
      throw new FactValidationError([{ path: '', message: 'must be plain JSON data', code: 'schema.type', expected: 'JSON object' }]);
    }
    const validate = this.#compiled.factsValidator;
    if (!validate(copy)) throw new FactValidationError(toProblems(validate.errors, copy));
    return copy;
  }

  /**
   * Evaluates facts and returns the decision with its explanation. Deterministic: the same pack, facts,
   * parameters and `asOf` give a byte-identical decision, whichever engine is used.
   *
   * @param facts - the input facts (untrusted; validated against the pack's fact schema)
   * @param options - `asOf` (required), `parameters` overrides, `explain` (default true), `engine`:
   *   `"compiled"` (default, the synchronous compiled path) or `"reference"` (json-rules-engine itself)
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
  async evaluate(facts: unknown, options: EvaluateOptions): Promise<Decision> {
    if (options?.engine !== 'reference') return this.evaluateSync(facts, options);
    const state = this.#begin(facts, options);
    for (const req of this.#compiled.required) {
      const input = req.factsFrom === undefined ? state.values : state.values[req.factsFrom];
      if (input === undefined) continue;
      try {
        const sub = await req.pack.evaluate(input, { asOf: state.asOf, explain: false, engine: 'reference' });
        state.derived[req.as] = sub.outcome;
        state.values[req.as] = sub.outcome;
      } catch (error) {
        throw this.#requiredError(req.factsFrom, error);
      }
    }
    this.#derive(state);
    const run = await this.#engine.run({ ...state.values, [PARAM_FACT]: state.params, [CONTEXT_FACT]: state.context });
    const byName = new Map<string, RuleResult>();
    for (const r of [...run.results, ...run.failureResults]) byName.set(r.name as string, r);
    const results = this.document.rules.map((rule) => {
      const r = byName.get(rule.name);
      const leaves: LeafRecord[] = [];
      const collect = (c: EngineCondition | undefined) => {
        if (!c) return;
        if (c.all) c.all.forEach(collect);
        else if (c.any) c.any.forEach(collect);
        else if (c.not) collect(c.not);
        else leaves.push(typeof c.result === 'boolean' ? { result: c.result, factValue: c.factResult, value: c.valueResult } : {});
      };
      collect(r?.conditions as unknown as EngineCondition);
      return { fired: r?.result === true, leaves };
    });
    return this.#finish(state, results, options.explain !== false);
  }

  /**
   * The synchronous compiled evaluation: the same decision as {@link Pack.evaluate}, without promises.
   *
   * @param facts - the input facts
   * @param options - as for {@link Pack.evaluate} (`engine` is ignored)
   * @returns the decision
   * @throws the same typed errors as {@link Pack.evaluate}
   * @example
   * ```ts
   * const decision = pack.evaluateSync({ claimAmountYuan: 50000 }, { asOf: '2026-03-01T09:00:00+08:00', explain: false });
   * ```
   */
  evaluateSync(facts: unknown, options: EvaluateOptions): Decision {
    const state = this.#begin(facts, options);
    for (const req of this.#compiled.required) {
      const input = req.factsFrom === undefined ? state.values : state.values[req.factsFrom];
      if (input === undefined) continue;
      try {
        const sub = req.pack.evaluateSync(input, { asOf: state.asOf, explain: false });
        state.derived[req.as] = sub.outcome;
        state.values[req.as] = sub.outcome;
      } catch (error) {
        throw this.#requiredError(req.factsFrom, error);
      }
    }
    this.#derive(state);
    const explain = options.explain !== false;
    const table: FactTable = { facts: state.values, params: state.params, context: state.context };
    const results = this.#rules.map(({ node, leafCount }) => {
      const leaves: LeafRecord[] | null = explain ? new Array<LeafRecord>(leafCount) : null;
      const fired = node(table, leaves);
      return { fired, leaves: leaves ?? [] };
    });
    return this.#finish(state, results, explain);
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
    const table: FactTable = { facts: prepared, params: parameters ?? this.#defaults, context: context ?? {} };
    const fired: number[] = [];
    const rules = this.#rules;
    for (let i = 0; i < rules.length; i++) if (rules[i]!.node(table, null)) fired.push(i);
    fired.sort((a, b) => this.#priorities[b]! - this.#priorities[a]! || a - b);
    return fired.map((i) => this.document.rules[i]!.name);
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
    const table: FactTable = { facts: prepared, params: parameters ?? this.#defaults, context: context ?? {} };
    const rules = this.#rules;
    const out = new Array<{ rule: string; fired: boolean; conditions: LeafRecord[] }>(rules.length);
    for (let i = 0; i < rules.length; i++) {
      const leaves = new Array<LeafRecord>(rules[i]!.leafCount);
      const fired = rules[i]!.node(table, leaves);
      for (let j = 0; j < leaves.length; j++) if (leaves[j] === undefined) leaves[j] = {};
      out[i] = { rule: this.document.rules[i]!.name, fired, conditions: leaves };
    }
    return out;
  }

  #requiredError(factsFrom: string | undefined, error: unknown): unknown {
    if (error instanceof FactValidationError && factsFrom !== undefined) {
      const prefix = `/${pointerToken(factsFrom)}`;
      return new FactValidationError(error.problems.map((p) => ({ ...p, path: prefix + p.path })));
    }
    return error;
  }

  #begin(facts: unknown, options: EvaluateOptions): EvaluationState {
    const asOf = this.#asOf(options?.asOf);
    const asOfDate = localDate(asOf, this.timeZone);
    // An instant near year 0 or 9999 can fall outside those years in the pack's zone: no calendar date to decide on.
    if (asOfDate === null || !/^\d{4}-\d{2}-\d{2}$/.test(asOfDate)) {
      throw new AftersalesError('INVALID_AS_OF', `asOf ${asOf} falls outside the years 0000 to 9999 in ${this.timeZone}`, [
        { path: '/asOf', message: `must fall within the years 0000 to 9999 in ${this.timeZone}`, code: 'INVALID_AS_OF', expected: 'date-time', found: asOf },
      ]);
    }
    const { from, to } = this.document.effective;
    if (asOfDate < from || (to !== undefined && asOfDate > to)) throw new PackNotEffectiveError(this.id, asOfDate, this.document.effective);
    const overrides = options.parameters ?? {};
    const params = this.parameterValues(overrides);
    const values = this.validateFacts(facts);
    return { asOf, context: { asOf, asOfDate }, overrides, params, values, derived: {} };
  }

  #resolve(state: EvaluationState, value: unknown): unknown {
    if (value === null || typeof value !== 'object') return value;
    // Values come from the pack document: each is compiled once into a resolver, remembered by identity.
    let resolver = this.#resolvers.get(value);
    if (resolver === undefined) {
      resolver = compileValue(value);
      this.#resolvers.set(value, resolver);
    }
    return resolver(state);
  }

  #derive(state: EvaluationState): void {
    for (const d of this.#derivedSteps) {
      const args = this.#resolve(state, d.args) as Record<string, unknown>;
      const result = d.compute(args, { timeZone: this.timeZone });
      const value = result === undefined ? null : result;
      state.derived[d.name] = value;
      state.values[d.name] = value;
    }
  }

  #finish(state: EvaluationState, results: Array<{ fired: boolean; leaves: LeafRecord[] }>, explain: boolean): Decision {
    const firedIndexes: number[] = [];
    results.forEach((r, i) => {
      if (r.fired) firedIndexes.push(i);
    });
    firedIndexes.sort((a, b) => this.#priorities[b]! - this.#priorities[a]! || a - b);
    const rules = this.document.rules;
    if (this.hitPolicy === 'unique' && firedIndexes.length > 1) throw new RuleConflictError(this.id, firedIndexes.map((i) => rules[i]!.name));
    const fired: FiredRule[] = firedIndexes.map((i) => {
      const rule = rules[i]!;
      return {
        rule: rule.name,
        source: rule.source,
        priority: this.#priorities[i]!,
        event: { type: rule.event.type, params: cloneJson(this.#resolve(state, rule.event.params ?? {})) as Record<string, unknown> },
      };
    });
    const applied = this.hitPolicy === 'collect' ? fired : fired.slice(0, 1);
    const outcome = mergeOutcome(this.#resolve(state, this.document.default) as Record<string, unknown>, applied, this.hitPolicy === 'collect' ? 'collect' : 'first');
    // Drop undefined (absent optional facts referenced by an outcome) so the decision is plain JSON.
    const cleanOutcome = cloneJson(outcome);
    if (!this.#compiled.outcomeValidator(cleanOutcome)) {
      throw new OutcomeValidationError(this.id, toProblems(this.#compiled.outcomeValidator.errors, cleanOutcome, '/outcome'));
    }
    const explanation: RuleTrace[] = [];
    if (explain) {
      rules.forEach((rule, i) => {
        const leaves = results[i]!.leaves;
        const conditions: ConditionTrace[] = this.#leaves[i]!.map((leaf, j) => {
          const seen = leaves[j];
          const trace: ConditionTrace = { fact: leaf.fact, operator: leaf.operator, value: null, result: 'not-evaluated' };
          if (leaf.path !== undefined) trace.path = leaf.path;
          if (isReference(leaf.value) && leaf.value.param !== undefined) trace.param = leaf.value.param;
          if (seen && typeof seen.result === 'boolean') {
            trace.result = seen.result;
            trace.value = seen.value === undefined ? null : cloneJson(seen.value);
            trace.factValue = seen.factValue === undefined ? null : cloneJson(seen.factValue);
          } else {
            const resolved = this.#resolve(state, leaf.value);
            trace.value = resolved === undefined ? null : cloneJson(resolved);
          }
          return trace;
        });
        explanation.push({ rule: rule.name, fired: results[i]!.fired, conditions });
      });
    }
    return {
      pack: this.id,
      version: this.version,
      packHash: this.packHash,
      asOf: state.asOf,
      parameters: cloneJson(state.overrides),
      outcome: cleanOutcome,
      fired,
      derived: cloneJson(state.derived),
      explanation,
      messages: this.#messages(applied, cleanOutcome),
    };
  }

  #asOf(value: unknown): string {
    if (value instanceof Date) {
      if (Number.isNaN(value.getTime())) throw new AftersalesError('INVALID_AS_OF', 'asOf is an invalid Date', [{ path: '/asOf', message: 'must be a valid date-time', code: 'INVALID_AS_OF' }]);
      const iso = value.toISOString();
      // A Date before year 0 or after 9999 has an expanded year (-000001-…, +010000-…) that no asOf string may
      // carry and that compares wrongly with the effective dates: refuse it, as the same instant as a string is.
      if (parseInstant(iso) === null) throw new AftersalesError('INVALID_AS_OF', 'asOf must lie within the years 0000 to 9999', [{ path: '/asOf', message: 'must lie within the years 0000 to 9999', code: 'INVALID_AS_OF', expected: 'date-time', found: iso }]);
      return iso;
    }
    if (typeof value !== 'string' || parseInstant(value) === null) {
      throw new AftersalesError('INVALID_AS_OF', 'asOf must be an ISO 8601 date-time with an offset, e.g. 2026-03-01T09:00:00+08:00', [
        { path: '/asOf', message: 'must be an ISO 8601 date-time with an offset', code: 'INVALID_AS_OF', expected: 'date-time', found: value === undefined ? 'undefined' : typeof value === 'string' ? value : typeof value },
      ]);
    }
    return value;
  }

  #messages(applied: FiredRule[], outcome: Record<string, unknown>): Localized {
    const texts: Localized[] = [];
    for (const f of applied) {
      const message = this.#order.get(f.rule)?.rule.message;
      if (message) texts.push(message);
    }
    if (texts.length === 0) {
      texts.push(this.document.defaultMessage ?? { zh: '无规则命中，采用默认结果。', en: 'No rule fired; the default outcome applies.' });
    }
    return {
      zh: texts.map((t) => interpolate(t.zh, outcome)).join('；'),
      en: texts.map((t) => interpolate(t.en, outcome)).join('; '),
    };
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
  // The same copy as loadPack takes (JSON semantics), so both judge the same document: a function or a cycle
  // in it is refused by both, a NaN is null to both.
  let copy: unknown;
  try {
    copy = cloneJson(document);
  } catch {
    return [NOT_JSON];
  }
  return check(copy, options).problems;
}

const NOT_JSON: Problem = { path: '', message: 'must be JSON data', code: 'schema.type', expected: 'object' };

/**
 * Loads a pack document: validates it (schema and semantics) and compiles it for evaluation.
 *
 * @param document - the parsed pack JSON (it is copied; later changes to it have no effect)
 * @param options - `registry` to resolve `requires`
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
  let copy: unknown;
  try {
    copy = cloneJson(document);
  } catch {
    throw new PackValidationError([{ ...NOT_JSON }]);
  }
  const { problems, compiled } = check(copy, options);
  if (!compiled || problems.length > 0) throw new PackValidationError(problems);
  return new Pack(compiled);
}
