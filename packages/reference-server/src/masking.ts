/**
 * Masking of personal fact fields (phone, name, VIN…) before a decision is stored. A deployment lists dotted fact
 * paths (`AFTERSALES_MASK_FIELDS=customer.phone,vin`); each value found at such a path is replaced by
 * {@link MASKED}, through arrays too (`owners.name` masks the name of every owner), and so are the fact values an
 * explanation quotes for those paths. The caller still receives its decision unmasked; only the log is masked.
 */
import { parsePath, type Decision } from '@aftersales/core';

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

/** The scalar values (strings, finite numbers) found at the masked paths of the facts. */
function maskedValues(facts: unknown, paths: string[]): Set<string | number> {
  const out = new Set<string | number>();
  const collect = (value: unknown): void => {
    const stack = [value];
    while (stack.length > 0) {
      const v = stack.pop();
      if (typeof v === 'string' && v !== '' && v !== MASKED) out.add(v);
      else if (typeof v === 'number' && Number.isFinite(v)) out.add(v);
      else if (v !== null && typeof v === 'object') stack.push(...Object.values(v as Record<string, unknown>));
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
  return out;
}

/**
 * Returns a copy of a decision with nothing left of a masked fact: the explanation's fact values for masked paths,
 * and every value equal to a masked fact's value wherever it went — the outcome, fired rules' params, derived
 * values, the values conditions compared against — plus its text inside messages. The replacement is by value
 * (a value that merely equals a masked one is masked too): over-masking is preferred to a leak.
 *
 * @param decision - as returned by the engine
 * @param paths - dotted fact paths
 * @param facts - the facts as received (unmasked), where the masked values are read; without them only the
 * explanation's fact values of masked paths are masked
 * @returns masked copy (the same object when nothing is listed)
 * @example
 * ```ts
 * const stored = maskDecision(decision, ['vin'], facts);
 * ```
 */
export function maskDecision(decision: Decision, paths: string[], facts?: unknown): Decision {
  if (paths.length === 0) return decision;
  const masked = new Set(paths);
  const covers = (fact: string, path?: string): boolean => {
    const full = path ? `${fact}.${path}` : fact;
    for (const p of masked) if (full === p || full.startsWith(`${p}.`) || p.startsWith(`${full}.`)) return true;
    return false;
  };
  const values = facts === undefined ? new Set<string | number>() : maskedValues(facts, paths);
  const texts = [...values].filter((v): v is string => typeof v === 'string' && v.length >= 3).sort((a, b) => b.length - a.length);
  const scrub = (value: unknown): unknown => {
    if (values.size === 0) return value;
    if (typeof value === 'string' || typeof value === 'number') return values.has(value) ? MASKED : value;
    if (Array.isArray(value)) return value.map(scrub);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, scrub(v)]));
    }
    return value;
  };
  const scrubText = (text: string): string => {
    let out = text;
    for (const t of texts) out = out.split(t).join(MASKED);
    return out;
  };
  return {
    ...decision,
    outcome: scrub(decision.outcome) as Decision['outcome'],
    fired: (decision.fired ?? []).map((f) => ({ ...f, event: { ...f.event, params: scrub(f.event.params) as Record<string, unknown> } })),
    derived: scrub(decision.derived) as Record<string, unknown>,
    explanation: (decision.explanation ?? []).map((rule) => ({
      ...rule,
      conditions: rule.conditions.map((c) => {
        const out = { ...c, value: scrub(c.value) };
        if (c.factValue !== undefined) out.factValue = covers(c.fact, c.path) ? MASKED : scrub(c.factValue);
        return out;
      }),
    })),
    ...(decision.messages ? { messages: { ...decision.messages, zh: scrubText(decision.messages.zh), en: scrubText(decision.messages.en) } } : {}),
  };
}
