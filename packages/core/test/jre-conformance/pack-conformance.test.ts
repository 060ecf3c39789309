/**
 * The conformance rule sets decided three ways on every fact set — stock json-rules-engine, the pack's compiled
 * evaluator, and the pack's reference engine (json-rules-engine built from the pack) — with json-rules-engine's
 * `allowUndefinedFacts` false and true against the pack's `undefinedFacts: "error"` and `"allow"`. The fired
 * rules (priority order, then rule-set order) and their event params must be identical; where json-rules-engine
 * rejects with `Undefined fact: x`, the pack answers INVALID_FACTS naming `x`.
 */
import { loadPack, moveConditionKeysToMeta, moveRuleKeysToMeta, type Decision, type Pack } from '../../src/index.js';
import { describe, expect, it } from 'vitest';
import { loadConformanceSets, type ConformanceSet } from './rule-sets.js';
import { runStock, type RunOutcome, type UndefinedFactsMode } from './stock.js';

const asOf = '2026-03-01T10:00:00+08:00';

/** Every fact name the rule set reads: leaves, `{ fact }` values, `{ fact }` event params. */
function factsRead(set: ConformanceSet): string[] {
  const names = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === 'object') {
      const object = value as Record<string, unknown>;
      if (typeof object.fact === 'string') names.add(object.fact);
      Object.values(object).forEach(visit);
    }
  };
  visit(set.rules.map((r) => r.conditions));
  visit(set.conditions ?? {});
  if (set.options?.replaceFactsInEventParams) visit(set.rules.map((r) => r.event));
  return [...names].sort();
}

/**
 * The rule set as a pack: rules and shared conditions copied, keys json-rules-engine ignores and the pack format
 * does not know moved under `meta` (as `aftersales import json-rules-engine` does), each fact read declared with
 * any type.
 */
function packOf(set: ConformanceSet, mode: UndefinedFactsMode): Pack {
  return loadPack({
    id: set.id,
    version: '1.0.0',
    title: { zh: set.id, en: set.id },
    description: { zh: set.description, en: set.description },
    sources: [{ id: 'conformance', document: 'json-rules-engine conformance rule set', clause: set.id, kind: 'practice' }],
    effective: { from: '2026-01-01' },
    hitPolicy: 'collect',
    undefinedFacts: mode,
    // As the engine ran: json-rules-engine's default is false, a pack's is true.
    replaceFactsInEventParams: set.options?.replaceFactsInEventParams ?? false,
    ...(set.conditions
      ? { conditions: Object.fromEntries(Object.entries(set.conditions).map(([name, c]) => [name, moveConditionKeysToMeta(c).condition])) }
      : {}),
    facts: { type: 'object', properties: Object.fromEntries(factsRead(set).map((name) => [name, {}])) },
    rules: set.rules.map((rule) => ({ ...moveRuleKeysToMeta(rule).rule, source: `conformance ${set.id}` })),
    default: {},
    outcome: { type: 'object' },
  });
}

/** A pack decision in the comparison's shape; an event without params compares as one with `{}`. */
function outcomeOf(run: () => Decision): RunOutcome {
  try {
    const decision = run();
    return { fired: decision.fired.map((f) => ({ rule: f.rule, priority: f.priority, event: { type: f.event.type, params: f.event.params } })) };
  } catch (error) {
    const e = error as { code?: string; message: string; problems?: Array<{ path: string }> };
    return { error: { code: e.code ?? 'ERROR', message: (e.problems ?? []).map((p) => p.path).join(' ') } };
  }
}

function normalise(outcome: RunOutcome): unknown {
  if ('error' in outcome) return outcome;
  return { fired: outcome.fired.map((f) => ({ ...f, event: { type: f.event.type, params: f.event.params ?? {} } })) };
}

/** Stock's `Undefined fact: x` against the pack's INVALID_FACTS problems: the pack must name `x`. */
function expectSame(stock: RunOutcome, pack: RunOutcome, label: string): void {
  if ('error' in stock && stock.error.code === 'UNDEFINED_FACT') {
    expect(pack, label).toHaveProperty('error.code', 'INVALID_FACTS');
    const fact = stock.error.message.replace(/^Undefined fact: /, '');
    const pointer = `/${fact.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    expect(('error' in pack ? pack.error.message : '').split(' '), label).toContain(pointer);
    return;
  }
  expect(normalise(pack), label).toEqual(normalise(stock));
}

const sets = loadConformanceSets();

describe.each(sets.map((s) => [s.id, s] as const))('%s', (_id, set) => {
  it.each(['error', 'allow'] as const)('decides as stock json-rules-engine (undefinedFacts %s), on both pack engines', async (mode) => {
    const pack = packOf(set, mode);
    for (const { name, facts } of set.factSets) {
      const stock = await runStock(set, facts, mode);
      expectSame(stock, outcomeOf(() => pack.evaluateSync(structuredClone(facts), { asOf, explain: true })), `${name} compiled`);
      let reference: RunOutcome;
      try {
        const decision = await pack.evaluate(structuredClone(facts), { asOf, engine: 'json-rules-engine' });
        reference = outcomeOf(() => decision);
      } catch (error) {
        reference = outcomeOf(() => {
          throw error;
        });
      }
      expectSame(stock, reference, `${name} reference engine`);
    }
  });
});
