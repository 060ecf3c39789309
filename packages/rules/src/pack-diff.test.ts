/**
 * The decision-space difference on bundled packs: quality-severity with its level-2 claim threshold moved (a copy
 * of the pack JSON with another `level2ClaimYuan`) differs exactly for the claims between the old and the new
 * threshold, checked both on the regions reported and by deciding just inside and just outside each edge; every
 * bundled pack compared with a copy of itself differs nowhere.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { diffPacks, loadPack, type Pack, type RulePackDocument } from '@aftersales/core';
import { loadBundledPacks } from './index.js';
import { getSuite } from './suites/index.js';

const PACKS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'packs');
const registry = loadBundledPacks();
const readPack = (id: string): RulePackDocument => JSON.parse(readFileSync(join(PACKS_DIR, id, 'pack.json'), 'utf8')) as RulePackDocument;

/** quality-severity as shipped, and a copy with the level-2 claim threshold at `level2` yuan. */
function moved(level2: number): [Pack, Pack] {
  const doc = readPack('quality-severity');
  doc.version = '1.1.0';
  doc.parameters!.level2ClaimYuan!.value = level2;
  return [loadPack(readPack('quality-severity')), loadPack(doc)];
}

const outcomeAt = (pack: Pack, facts: Record<string, unknown>, asOf: string): unknown => pack.evaluateSync(facts, { asOf, explain: false }).outcome;

describe('quality-severity with its level-2 threshold moved', () => {
  const suite = getSuite('quality-severity')!;

  it.each([
    { level2: 30000, min: 30000, max: 50000, old: 3, new: 2 },
    { level2: 80000, min: 50000, max: 80000, old: 2, new: 3 },
  ])('$level2 yuan: the one region is the claims from $min (inclusive) to $max (exclusive)', ({ level2, min, max, old, new: now }) => {
    const [older, newer] = moved(level2);
    const diff = diffPacks(older, newer, { suite });
    expect(diff.rules).toEqual([{ rule: 'level-2-claim-amount', change: 'changed' }]);
    expect(diff.facts).toEqual(['claimAmountYuan']);
    expect(diff.regions).toHaveLength(1);
    const [region] = diff.regions;
    expect(region).toMatchObject({
      fact: 'claimAmountYuan',
      min: { value: min, inclusive: true },
      max: { value: max, inclusive: false },
      text: `claimAmountYuan in [${min}, ${max})`,
      old: { class: 'major', level: old },
      new: { class: 'major', level: now },
    });
    // The example and the values just inside both edges decide differently; just outside they do not.
    const { facts, asOf } = region!.example;
    const at = (claim: number): [unknown, unknown] => [outcomeAt(older, { ...facts, claimAmountYuan: claim }, asOf), outcomeAt(newer, { ...facts, claimAmountYuan: claim }, asOf)];
    for (const inside of [facts.claimAmountYuan as number, min, max - 0.01]) {
      const [o, n] = at(inside);
      expect(o, `claim ${inside}`).not.toEqual(n);
    }
    for (const outside of [min - 0.01, max]) {
      const [o, n] = at(outside);
      expect(o, `claim ${outside}`).toEqual(n);
    }
    // Suite cases at the old threshold change; the rest do not.
    expect(diff.cases.length).toBeGreaterThan(0);
    expect(diff.differs).toBe(true);
  });
});

describe.each(readdirSync(PACKS_DIR, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort())('pack %s', (id) => {
  it('differs nowhere from a copy of itself', () => {
    const pack = registry.get(id) as Pack;
    const copy = loadPack(structuredClone(pack.document), { registry });
    const diff = diffPacks(pack, copy, { suite: getSuite(id)! });
    expect(diff).toMatchObject({ differs: false, regions: [], cases: [], rules: [], parameters: [], settings: [] });
  });
});
