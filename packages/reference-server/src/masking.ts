/**
 * Masking of personal fact fields (phone, name, VIN…) before a decision is stored. A deployment lists dotted fact
 * paths (`AFTERSALES_MASK_FIELDS=customer.phone,vin`); each value found at such a path is replaced by
 * {@link MASKED}, through arrays too (`owners.name` masks the name of every owner). Masking is by field: with the
 * pack's plan, every place a masked field's value can reach — derived facts computed from it, outcome keys and
 * fired rules' params that reference it, the explanation's fact values — is masked whatever the value's type or
 * length, and the messages are rendered again from the masked outcome. On top of that, any string, number, object
 * or array equal to a masked value is masked wherever it went (a calculator may have copied it). The host's
 * `context` is masked at the same paths and by the same values. The caller still receives its decision unmasked;
 * only the log is masked.
 */
import { canonicalJson, decisionMessages, parsePath, type Decision, type Localized, type PackPlan } from '@aftersales/core';

/** What a masked value is replaced with. */
export const MASKED = '[masked]';

/** Whether core's path grammar reads a path as exactly its dotted names (a forbidden or malformed path it refuses). */
function isDottedFactPath(path: string): boolean {
  try {
    return parsePath(path).join('.') === path;
  } catch {
    return false;
  }
}

/**
 * Parses a comma-separated list of dotted paths, dropping blanks and any path core's path grammar (`parsePath`)
 * refuses or reads otherwise (`__proto__`, `constructor`, `prototype`, empty names, JSONPath expressions).
 *
 * @param list - e.g. `"customer.phone, vin"`
 * @returns the paths, e.g. `['customer.phone', 'vin']`
 * @example
 * ```ts
 * parseMaskFields(process.env.AFTERSALES_MASK_FIELDS)
 * ```
 */
export function parseMaskFields(list: string | undefined): string[] {
  return (list ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0 && isDottedFactPath(p));
}

/**
 * Returns a copy of the facts with every listed path masked; the input is not changed.
 *
 * @param facts - the facts as received
 * @param paths - dotted paths
 * @returns masked copy (the same value when nothing is listed)
 * @example
 * ```ts
 * maskFacts({ customer: { phone: '138…' } }, ['customer.phone']) // { customer: { phone: '[masked]' } }
 * ```
 */
export function maskFacts(facts: unknown, paths: string[]): unknown {
  if (paths.length === 0) return facts;
  let copy = structuredClone(facts);
  for (const path of paths) copy = maskAt(copy, path.split('.'));
  return copy;
}

function maskAt(value: unknown, segments: string[]): unknown {
  if (Array.isArray(value)) return value.map((item) => maskAt(item, segments));
  if (value === null || typeof value !== 'object') return value;
  const [head, ...rest] = segments;
  if (head === undefined || !Object.prototype.hasOwnProperty.call(value, head)) return value;
  const obj = value as Record<string, unknown>;
  obj[head] = rest.length === 0 ? MASKED : maskAt(obj[head], rest);
  return obj;
}

/** A reference object found in a pack value (`{fact, path?}`). */
interface FactReference {
  fact: string;
  path?: string;
}

/** Every `{fact, path?}` reference inside an authored pack value. */
function factReferences(value: unknown): FactReference[] {
  const out: FactReference[] = [];
  const stack = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      stack.push(...v);
      continue;
    }
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (typeof o.fact === 'string' && (keys.length === 1 || (keys.length === 2 && typeof o.path === 'string'))) {
      out.push({ fact: o.fact, ...(typeof o.path === 'string' ? { path: o.path } : {}) });
    } else stack.push(...Object.values(o));
  }
  return out;
}

/** Whether a fact (and path within it) is, holds or lies inside one of the masked paths. */
function covered(masked: ReadonlySet<string>, fact: string, path?: string): boolean {
  const full = path ? `${fact}.${path}` : fact;
  for (const p of masked) if (full === p || full.startsWith(`${p}.`) || p.startsWith(`${full}.`)) return true;
  return false;
}

/** Where a masked field's value can go in a decision of one pack, read from its plan once. */
interface Taint {
  /** The masked paths plus every derived fact computed from one. */
  facts: Set<string>;
  /** Outcome keys (of the default or of any rule's params) whose value references a masked fact. */
  outcomeKeys: Set<string>;
  /** Per rule name, the params keys that reference a masked fact. */
  paramKeys: Map<string, Set<string>>;
}

const taints = new WeakMap<PackPlan, Map<string, Taint>>();

function taintOf(plan: PackPlan, paths: string[]): Taint {
  const key = paths.join(',');
  let perPlan = taints.get(plan);
  if (!perPlan) {
    perPlan = new Map();
    taints.set(plan, perPlan);
  }
  const known = perPlan.get(key);
  if (known) return known;
  const facts = new Set(paths);
  const touches = (value: unknown): boolean => factReferences(value).some((r) => covered(facts, r.fact, r.path));
  // Derived facts are computed in document order, each from the facts and the derived facts before it.
  for (const d of plan.document.derived ?? []) if (touches(d.args)) facts.add(d.name);
  const keysOf = (params: unknown): Set<string> => {
    const keys = new Set<string>();
    if (params !== null && typeof params === 'object' && !Array.isArray(params)) {
      for (const [k, v] of Object.entries(params as Record<string, unknown>)) if (touches(v)) keys.add(k);
    }
    return keys;
  };
  const outcomeKeys = keysOf(plan.document.default);
  const paramKeys = new Map<string, Set<string>>();
  for (const rule of plan.rules) {
    const keys = keysOf(rule.event.params);
    paramKeys.set(rule.name, keys);
    for (const k of keys) outcomeKeys.add(k);
  }
  const taint = { facts, outcomeKeys, paramKeys };
  perPlan.set(key, taint);
  return taint;
}

/** The values found at the masked paths of the facts: scalars and, by their canonical JSON, objects and arrays. */
function maskedValues(facts: unknown, paths: string[]): { scalars: Set<string | number>; containers: Set<string> } {
  const scalars = new Set<string | number>();
  const containers = new Set<string>();
  const collect = (value: unknown): void => {
    const stack = [value];
    while (stack.length > 0) {
      const v = stack.pop();
      if (typeof v === 'string' && v !== '' && v !== MASKED) scalars.add(v);
      else if (typeof v === 'number' && Number.isFinite(v)) scalars.add(v);
      else if (v !== null && typeof v === 'object') {
        containers.add(canonicalJson(v));
        stack.push(...Object.values(v as Record<string, unknown>));
      }
    }
  };
  const visit = (value: unknown, segments: string[]): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item, segments);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const [head, ...rest] = segments;
    if (head === undefined || !Object.prototype.hasOwnProperty.call(value, head)) return;
    const child = (value as Record<string, unknown>)[head];
    if (rest.length === 0) collect(child);
    else visit(child, rest);
  };
  for (const path of paths) visit(facts, path.split('.'));
  return { scalars, containers };
}

/** Replaces every string, number, object or array equal to a masked value (booleans and null are masked by field). */
function scrubber(facts: unknown, paths: string[]): (value: unknown) => unknown {
  const { scalars, containers } = facts === undefined ? { scalars: new Set(), containers: new Set<string>() } : maskedValues(facts, paths);
  const scrub = (value: unknown): unknown => {
    if (scalars.size === 0 && containers.size === 0) return value;
    if (typeof value === 'string' || typeof value === 'number') return scalars.has(value) ? MASKED : value;
    if (value !== null && typeof value === 'object') {
      if (containers.has(canonicalJson(value))) return MASKED;
      if (Array.isArray(value)) return value.map(scrub);
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, scrub(v)]));
    }
    return value;
  };
  return scrub;
}

/** Options of {@link maskDecision}. */
export interface MaskOptions {
  /**
   * The plan of the pack that decided (`pack.plan`): masks by field (derived facts, outcome keys and params that
   * reference a masked fact, whatever their values) and renders the messages again from the masked outcome.
   * Without it, values are masked by equality only and the messages by their text.
   */
  plan?: PackPlan;
}

/**
 * Returns a copy of a decision with nothing left of a masked fact. By field, with the pack's plan: derived facts
 * computed from a masked fact, outcome keys and fired rules' params that reference one, and the explanation's fact
 * values of masked (and derived-from-masked) facts, whatever their type and length; the messages rendered again
 * from the masked outcome. By value, in any case: every string, number, object or array equal to a masked fact's
 * value wherever it went (the outcome, params, derived values, the values conditions compared against); a value
 * that merely equals a masked one is masked too: over-masking is preferred to a leak.
 *
 * @param decision - as returned by the engine
 * @param paths - dotted fact paths
 * @param facts - the facts as received (unmasked), where the masked values are read; without them only masking
 * by field applies
 * @param options - the pack's plan (see {@link MaskOptions})
 * @returns masked copy (the same object when nothing is listed)
 * @example
 * ```ts
 * const stored = maskDecision(decision, ['vin'], facts, { plan: pack.plan });
 * ```
 */
export function maskDecision(decision: Decision, paths: string[], facts?: unknown, options: MaskOptions = {}): Decision {
  if (paths.length === 0) return decision;
  const { plan } = options;
  const taint = plan ? taintOf(plan, paths) : undefined;
  const maskedFacts = taint?.facts ?? new Set(paths);
  const scrub = scrubber(facts, paths);
  const maskKeys = (value: unknown, keys: Set<string> | undefined): unknown => {
    if (!keys || keys.size === 0 || value === null || typeof value !== 'object' || Array.isArray(value)) return scrub(value);
    // A copy even when nothing is scrubbed: the caller's decision is never changed.
    const out = { ...(scrub(value) as Record<string, unknown>) };
    for (const k of keys) if (Object.prototype.hasOwnProperty.call(out, k)) out[k] = MASKED;
    return out;
  };
  const outcome = maskKeys(decision.outcome, taint?.outcomeKeys) as Decision['outcome'];
  const fired = (decision.fired ?? []).map((f) => ({
    ...f,
    event: { ...f.event, params: maskKeys(f.event.params, taint?.paramKeys.get(f.rule)) as Record<string, unknown> },
  }));
  const derived = maskKeys(decision.derived, maskedFacts) as Record<string, unknown>;
  const explanation = (decision.explanation ?? []).map((rule) => ({
    ...rule,
    conditions: rule.conditions.map((c) => {
      const out = { ...c, value: scrub(c.value) };
      if (c.factValue !== undefined) out.factValue = covered(maskedFacts, c.fact, c.path) ? MASKED : scrub(c.factValue);
      return out;
    }),
  }));
  let messages: Localized | undefined;
  if (decision.messages && plan) {
    // Rendered again by core from the masked outcome and the masked params (a rule without a message composes
    // one from its params).
    messages = decisionMessages(plan, plan.hitPolicy === 'collect' ? fired : fired.slice(0, 1), (outcome ?? {}) as Record<string, unknown>);
  } else if (decision.messages) {
    messages = { zh: scrubText(decision.messages.zh, facts, paths), en: scrubText(decision.messages.en, facts, paths) };
  }
  return { ...decision, outcome, fired, derived, explanation, ...(messages ? { messages } : {}) };
}

/** Without a plan: every masked string or number, as text, replaced in a message (longest first). */
function scrubText(text: string, facts: unknown, paths: string[]): string {
  if (facts === undefined) return text;
  const texts = [...maskedValues(facts, paths).scalars].map(String).sort((a, b) => b.length - a.length);
  let out = text;
  for (const t of texts) out = out.split(t).join(MASKED);
  return out;
}

/**
 * Masks the host's `context` of a decision request (never seen by rules, stored with the record): the masked paths
 * applied to the context itself, and every string, number, object or array equal to a masked fact's value.
 *
 * @param context - the context as received
 * @param paths - dotted paths (the same list as the facts')
 * @param facts - the facts as received (unmasked)
 * @returns masked copy (the same value when nothing is listed)
 * @example
 * ```ts
 * maskContext({ claimant: '王五' }, ['customer.name'], { customer: { name: '王五' } }) // { claimant: '[masked]' }
 * ```
 */
export function maskContext(context: unknown, paths: string[], facts?: unknown): unknown {
  if (paths.length === 0 || context === undefined) return context;
  return scrubber(facts, paths)(maskFacts(context, paths));
}
