/**
 * What changed between two versions of a pack, for {@link diffPacks}: the rules whose decisions may differ (their
 * definition, a parameter or derived fact they read, their order), parameter values, pack-wide settings (hit policy,
 * default outcome, derived facts, …) and fact schemas; and which input facts a derived fact is computed from.
 */
import { canonicalJson } from './canonical.js';
import type { Pack } from './pack.js';
import type { FactSchema } from './pack-diff-points.js';

/** A rule added, removed or changed. */
export interface RuleChange {
  rule: string;
  change: 'added' | 'removed' | 'changed';
}

/** A parameter whose value changed (absent `old` or `new`: on one side only). */
export interface ParameterChange {
  name: string;
  old?: unknown;
  new?: unknown;
}

/** What {@link packChanges} finds. */
export interface PackChanges {
  rules: RuleChange[];
  parameters: ParameterChange[];
  /** Top-level keys whose value (or effect) changed, `facts` when a fact schema did. */
  settings: string[];
  /** Facts whose schema changed. */
  facts: string[];
}

const PACK_WIDE = ['hitPolicy', 'default', 'undefinedFacts', 'derived', 'conditions', 'requires', 'timeZone', 'effective', 'outcome'] as const;

/** Canonical JSON, also of `undefined`: equal keys mean equal values. */
export const keyOf = (value: unknown): string => (value === undefined ? 'undefined' : canonicalJson(value));

/** The properties of a pack's fact schema. */
export function factSchemas(pack: Pack): Record<string, FactSchema> {
  return ((pack.document.facts as { properties?: Record<string, FactSchema> }).properties ?? {}) as Record<string, FactSchema>;
}

/**
 * What changed between two versions' documents: rules by name (a rule also counts as changed when it reads a
 * changed parameter or a derived fact that now computes differently, or when the rules' order changed), parameter
 * values, pack-wide settings, and the facts whose schema changed.
 *
 * @param older - the old version
 * @param newer - the new version
 * @returns the changes
 */
export function packChanges(older: Pack, newer: Pack): PackChanges {
  const parameters: ParameterChange[] = [];
  for (const name of [...new Set([...Object.keys(older.plan.parameters), ...Object.keys(newer.plan.parameters)])].sort()) {
    const [o, n] = [older.plan.parameters[name], newer.plan.parameters[name]];
    if (keyOf(o) !== keyOf(n)) parameters.push({ name, ...(o !== undefined ? { old: o } : {}), ...(n !== undefined ? { new: n } : {}) });
  }
  const reads = (value: unknown, kind: 'param' | 'fact', names: Iterable<string>): boolean => {
    const text = keyOf(value);
    return [...names].some((name) => text.includes(`"${kind}":${JSON.stringify(name)}`));
  };
  // Derived facts that compute differently: their definition changed or they read a changed parameter or such a
  // derived fact (to a fixed point: one derived fact may read another).
  const changedDerived = new Set<string>();
  const derivedOf = (pack: Pack) => new Map((pack.document.derived ?? []).map((d) => [d.name, d]));
  const [oldDerived, newDerived] = [derivedOf(older), derivedOf(newer)];
  for (let grew = true; grew; ) {
    grew = false;
    for (const name of new Set([...oldDerived.keys(), ...newDerived.keys()])) {
      if (changedDerived.has(name)) continue;
      const [a, b] = [oldDerived.get(name), newDerived.get(name)];
      const changed = keyOf(a) !== keyOf(b) || [a, b].some((d) => reads(d, 'param', parameters.map((p) => p.name)) || reads(d, 'fact', changedDerived));
      if (changed) grew = Boolean(changedDerived.add(name));
    }
  }
  const readsChanged = (definition: unknown): boolean =>
    reads(definition, 'param', parameters.map((p) => p.name)) || reads(definition, 'fact', changedDerived);
  const oldRules = new Map(older.plan.rules.map((r) => [r.name, r]));
  const newRules = new Map(newer.plan.rules.map((r) => [r.name, r]));
  const oldOrder = older.plan.rules.map((r) => r.name).filter((n) => newRules.has(n));
  const newOrder = newer.plan.rules.map((r) => r.name).filter((n) => oldRules.has(n));
  const reordered = oldOrder.join('\n') !== newOrder.join('\n');
  const rules: RuleChange[] = [];
  for (const rule of older.plan.rules) if (!newRules.has(rule.name)) rules.push({ rule: rule.name, change: 'removed' });
  for (const rule of newer.plan.rules) {
    const before = oldRules.get(rule.name);
    if (!before) rules.push({ rule: rule.name, change: 'added' });
    else {
      const [a, b] = [before.definition, rule.definition];
      if (keyOf(a) !== keyOf(b) || reordered || readsChanged(a) || readsChanged(b)) rules.push({ rule: rule.name, change: 'changed' });
    }
  }
  const docs = [older.document, newer.document] as unknown as Array<Record<string, unknown>>;
  // The default outcome reading a changed parameter or derived fact changes wherever no rule fires.
  const settings: string[] = PACK_WIDE.filter(
    (key) => keyOf(docs[0]![key]) !== keyOf(docs[1]![key]) || (key === 'default' && docs.some((d) => readsChanged(d.default))),
  );
  const [os, ns] = [factSchemas(older), factSchemas(newer)];
  const facts = [...new Set([...Object.keys(os), ...Object.keys(ns)])].filter((f) => keyOf(os[f]) !== keyOf(ns[f]));
  if (facts.length > 0) settings.push('facts');
  return { rules, parameters, settings, facts };
}


/** The facts a derived fact is computed from, through other derived facts. */
export function derivedInputs(pack: Pack, name: string, seen = new Set<string>()): string[] {
  const derived = pack.document.derived?.find((d) => d.name === name);
  if (!derived || seen.has(name)) return [];
  seen.add(name);
  const out: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === 'object') {
      const fact = (value as { fact?: unknown }).fact;
      if (typeof fact === 'string') out.push(fact, ...derivedInputs(pack, fact, seen));
      else Object.values(value).forEach(visit);
    }
  };
  visit(derived.args);
  return out;
}
