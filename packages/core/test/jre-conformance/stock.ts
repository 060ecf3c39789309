/**
 * Runs a conformance rule set on stock json-rules-engine, with no option of ours (no path resolver, no custom
 * operator): the behaviour a migrating team has today. `allowUndefinedFacts` is the one switch the comparison
 * varies, because it is the one that changes decisions on ordinary input.
 *
 * The outcome is normalised so two engines can be compared: fired rules ordered by priority (highest first), then
 * by their place in the rule set. Within one priority json-rules-engine lists results in the order their promises
 * settle, which is an accident of condition depth, not a meaning of the rule set.
 */
import { Engine, type RuleProperties } from 'json-rules-engine';
import type { ConformanceSet } from './rule-sets.js';

/** One fired rule as the comparison sees it. */
export interface FiredRecord {
  rule: string;
  priority: number;
  event: { type: string; params?: Record<string, unknown> };
}

/** What one run answered: the fired rules, or the error that stopped the run. */
export type RunOutcome = { fired: FiredRecord[] } | { error: { code: string; message: string } };

/** The two settings of `allowUndefinedFacts` the suite runs. */
export type UndefinedFactsMode = 'error' | 'allow';

/**
 * Decides one fact set of a rule set with stock json-rules-engine.
 *
 * @param set - the rule set
 * @param facts - the runtime facts
 * @param mode - `"error"`: json-rules-engine's default (`allowUndefinedFacts: false`); `"allow"`: `allowUndefinedFacts: true`
 * @returns the fired rules (normalised order), or the error json-rules-engine rejected with
 * @example
 * ```ts
 * await runStock(set, { age: 20 }, 'error') // { fired: [{ rule: 'Adult', priority: 1, event: { type: 'adult' } }] }
 * ```
 */
export async function runStock(set: ConformanceSet, facts: Record<string, unknown>, mode: UndefinedFactsMode): Promise<RunOutcome> {
  // Deep copies: json-rules-engine mutates condition objects (results, resolved references) while it runs.
  const rules = structuredClone(set.rules) as unknown as RuleProperties[];
  const engine = new Engine(rules, {
    allowUndefinedFacts: mode === 'allow',
    replaceFactsInEventParams: set.options?.replaceFactsInEventParams ?? false,
  });
  for (const [name, condition] of Object.entries(structuredClone(set.conditions ?? {}))) engine.setCondition(name, condition as never);
  const order = new Map(set.rules.map((r, i) => [r.name as string, i]));
  try {
    const { results } = await engine.run(structuredClone(facts));
    const fired = results.map((r) => {
      const event = r.event as { type: string; params?: Record<string, unknown> };
      return { rule: String(r.name), priority: r.priority as unknown as number, event: JSON.parse(JSON.stringify(event)) as FiredRecord['event'] };
    });
    fired.sort((a, b) => b.priority - a.priority || order.get(a.rule)! - order.get(b.rule)!);
    return { fired };
  } catch (error) {
    const e = error as { code?: string; message: string };
    return { error: { code: e.code ?? 'ERROR', message: e.message } };
  }
}
