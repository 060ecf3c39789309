/**
 * Records what stock json-rules-engine decides on every conformance rule set and fact set, with its default
 * options and with `allowUndefinedFacts: true`, in `recorded/<set>.json` (vitest file snapshots; `vitest -u`
 * re-records). The record is what the pack side is held to, and a json-rules-engine upgrade that changes a
 * decision shows up here as a diff.
 */
import { describe, expect, it } from 'vitest';
import { loadConformanceSets } from './rule-sets.js';
import { runStock } from './stock.js';

const sets = loadConformanceSets();

describe('json-rules-engine conformance rule sets', () => {
  it('has at least 60 rule sets, each with fact sets and uniquely named rules', () => {
    expect(sets.length).toBeGreaterThanOrEqual(60);
    for (const set of sets) {
      expect(set.factSets.length, set.id).toBeGreaterThan(0);
      const names = set.rules.map((r) => r.name);
      expect(new Set(names).size, set.id).toBe(names.length);
    }
  });

  it.each(sets.map((s) => [s.id, s] as const))('stock json-rules-engine decides %s as recorded', async (id, set) => {
    const record: Record<string, unknown> = {};
    for (const { name, facts } of set.factSets) {
      record[name] = { default: await runStock(set, facts, 'error'), allowUndefinedFacts: await runStock(set, facts, 'allow') };
    }
    await expect(`${JSON.stringify(record, null, 2)}\n`).toMatchFileSnapshot(`./recorded/${id}.json`);
  });
});
