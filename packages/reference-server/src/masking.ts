/**
 * Masking of personal fact fields (phone, name, VIN…) before a decision is stored. A deployment lists dotted fact
 * paths (`AFTERSALES_MASK_FIELDS=customer.phone,vin`); each value found at such a path is replaced by
 * {@link MASKED}, through arrays too (`owners.name` masks the name of every owner), and so are the fact values an
 * explanation quotes for those paths. The caller still receives its decision unmasked; only the log is masked.
 */
import type { Decision } from '@aftersales/core';

/** What a masked value is replaced with. */
export const MASKED = '[masked]';

const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Parses a comma-separated list of dotted paths, dropping blanks and unsafe segments.
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
    .filter((p) => p.length > 0 && p.split('.').every((s) => s.length > 0 && !UNSAFE.has(s)));
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

/**
 * Returns a copy of a decision whose explanation no longer quotes the values of masked fact paths.
 *
 * @param decision - as returned by the engine
 * @param paths - dotted fact paths
 * @returns masked copy (the same object when nothing is listed)
 * @example
 * ```ts
 * const stored = maskDecision(decision, ['vin']);
 * ```
 */
export function maskDecision(decision: Decision, paths: string[]): Decision {
  if (paths.length === 0) return decision;
  const masked = new Set(paths);
  const covers = (fact: string, path?: string): boolean => {
    const full = path ? `${fact}.${path}` : fact;
    for (const p of masked) if (full === p || full.startsWith(`${p}.`) || p.startsWith(`${full}.`)) return true;
    return false;
  };
  return {
    ...decision,
    explanation: decision.explanation.map((rule) => ({
      ...rule,
      conditions: rule.conditions.map((c) =>
        c.factValue !== undefined && covers(c.fact, c.path) ? { ...c, factValue: MASKED } : c,
      ),
    })),
  };
}
