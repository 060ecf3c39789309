/**
 * Tests of the decision-space difference: boundary points of numeric, integer and enum facts, regions merged from
 * adjacent points with the same change (bounds open or closed as the thresholds make them), no difference for
 * identical packs or a wording-only change, base cases whose outcome changes, a replay of past facts, and the
 * refusals (different pack ids, replay without asOf).
 */
import { describe, expect, it } from 'vitest';
import { loadPack } from './pack.js';
import { diffPacks } from './pack-diff.js';
import { numericPoints, valuePoints } from './pack-diff-points.js';
import { severityDoc } from './testing.fixture.js';
import type { RulePackDocument, TestSuite } from './types.js';

const asOf = '2026-01-15T10:00:00+08:00';
const suite: TestSuite = { pack: 'claim-severity', asOf, cases: [{ name: 'no facts', facts: {}, expect: {} }] };

/** The fixture with its level-2 amount and level-3 amount set, and a casualties rule with an integer threshold. */
function version(level2: number, casualtiesFrom = 3, media: string[] = ['published']): RulePackDocument {
  const doc = structuredClone(severityDoc);
  doc.parameters!.level2ClaimYuan!.value = level2;
  Object.assign((doc.facts as { properties: Record<string, unknown> }).properties, {
    casualties: { type: 'integer', minimum: 0, default: 0 },
    mediaExposure: { enum: ['none', 'imminent', 'published'], default: 'none' },
  });
  doc.rules.unshift(
    {
      name: 'level-1-casualties',
      source: 'HC §4',
      priority: 3,
      conditions: { all: [{ fact: 'casualties', operator: 'greaterThanInclusive', value: casualtiesFrom }] },
      event: { type: 'major', params: { class: 'major', level: 1 } },
    },
    {
      name: 'level-1-media',
      source: 'HC §4',
      priority: 3,
      conditions: { all: [{ fact: 'mediaExposure', operator: 'in', value: media }] },
      event: { type: 'major', params: { class: 'major', level: 1 } },
    },
  );
  return doc;
}

describe('boundary points', () => {
  it('samples every threshold and both edges of each stretch of a number within its schema', () => {
    const points = numericPoints([50000, 10000], [{ type: 'number', minimum: 0 }], 0.01);
    expect(points.map((p) => p.value)).toEqual([0, 0.01, 9999.99, 10000, 10000.01, 49999.99, 50000, 50000.01]);
    expect(points[2]).toMatchObject({ min: { value: 0, inclusive: false }, max: { value: 10000, inclusive: false } });
  });

  it('samples the first and last integer of a stretch, with closed integer bounds', () => {
    const points = numericPoints([3, 5], [{ type: 'integer', minimum: 0 }], 0.01);
    expect(points.map((p) => p.value)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(points[4]).toMatchObject({ value: 4, min: { value: 4, inclusive: true }, max: { value: 4, inclusive: true } });
    expect(points[6]!.max).toBeUndefined();
  });

  it('samples every enum value, then values only a condition names', () => {
    expect(valuePoints(['gone', 'none'], [{ enum: ['none', 'imminent'] }]).map((p) => p.value)).toEqual(['none', 'imminent', 'gone']);
    expect(valuePoints([], [{ type: 'boolean' }]).map((p) => p.value)).toEqual([false, true]);
  });
});

describe('diffPacks', () => {
  it('finds no difference between two loads of one document', () => {
    const diff = diffPacks(loadPack(version(50000)), loadPack(version(50000)), { suite });
    expect(diff).toMatchObject({ differs: false, regions: [], cases: [], rules: [], parameters: [] });
  });

  it('lists a rule whose wording changed but finds no decision that changed', () => {
    const reworded = version(50000);
    reworded.rules[2]!.message = { zh: '二级（修订）', en: 'Level 2 (revised)' };
    const diff = diffPacks(loadPack(version(50000)), loadPack(reworded), { suite });
    expect(diff.rules).toEqual([{ rule: 'level-2-claim', change: 'changed' }]);
    expect(diff.facts).toEqual(['claimAmountYuan']);
    expect(diff.differs).toBe(false);
  });

  it('reports a lowered parameter threshold as one half-open region of the number, with an example in it', () => {
    const diff = diffPacks(loadPack(version(50000)), loadPack(version(30000)), { suite });
    expect(diff.parameters).toEqual([{ name: 'level2ClaimYuan', old: 50000, new: 30000 }]);
    expect(diff.regions).toEqual([
      expect.objectContaining({
        fact: 'claimAmountYuan',
        min: { value: 30000, inclusive: true },
        max: { value: 50000, inclusive: false },
        text: 'claimAmountYuan in [30000, 50000)',
        old: { class: 'major', level: 3 },
        new: { class: 'major', level: 2 },
        example: { base: 'no facts', facts: { claimAmountYuan: 30000 }, asOf },
      }),
    ]);
    expect(diff.differs).toBe(true);
  });

  it('groups points by the outcome keys that change, so an outcome echoing the fact still makes one region', () => {
    const [older, newer] = [version(50000), version(30000)];
    for (const doc of [older, newer]) doc.default = { ...doc.default, claim: { fact: 'claimAmountYuan' } };
    const diff = diffPacks(loadPack(older), loadPack(newer), { suite });
    expect(diff.regions.map((r) => [r.text, r.changed])).toEqual([['claimAmountYuan in [30000, 50000)', [{ key: 'level', old: 3, new: 2 }]]]);
  });

  it('splits a region where an unchanged rule changes the old outcome inside it', () => {
    const diff = diffPacks(loadPack(version(50000)), loadPack(version(5000)), { suite });
    expect(diff.regions.map((r) => [r.text, r.old])).toEqual([
      ['claimAmountYuan in [5000, 10000)', { class: 'general', level: null }],
      ['claimAmountYuan in [10000, 50000)', { class: 'major', level: 3 }],
    ]);
  });

  it('gives an integer fact closed integer bounds', () => {
    const diff = diffPacks(loadPack(version(50000, 3)), loadPack(version(50000, 5)), { suite });
    expect(diff.regions.map((r) => r.text)).toEqual(['casualties in [3, 4]']);
    expect(diff.regions[0]).toMatchObject({ min: { value: 3, inclusive: true }, max: { value: 4, inclusive: true } });
  });

  it('groups enum values with the same change', () => {
    const diff = diffPacks(loadPack(version(50000)), loadPack(version(50000, 3, ['imminent', 'published'])), { suite });
    expect(diff.regions.map((r) => [r.text, r.values])).toEqual([['mediaExposure = "imminent"', ['imminent']]]);
  });

  it('takes every suite case as a base, so a change seen only beside another fact is found, and lists changed cases', () => {
    const withBreakdown: TestSuite = { ...suite, cases: [...suite.cases, { name: 'breakdown, 20000', facts: { breakdown: true, claimAmountYuan: 20000 }, expect: {} }, { name: 'breakdown', facts: { breakdown: true }, expect: {} }] };
    const older = version(50000);
    const newer = version(50000);
    newer.rules[3]!.conditions = { any: [{ fact: 'claimAmountYuan', operator: 'greaterThanInclusive', value: 10000 }] };
    const diff = diffPacks(loadPack(older), loadPack(newer), { suite: withBreakdown });
    expect(diff.cases).toEqual([{ name: 'breakdown', old: { class: 'major', level: 3 }, new: { class: 'general', level: null } }]);
    // Without a breakdown no claim amount shows the change: only the base with one does.
    expect(diff.regions.map((r) => [r.text, r.example.base, r.bases])).toEqual([
      ['breakdown = true', 'no facts', 2],
      ['claimAmountYuan in [0, 10000)', 'breakdown, 20000', 2],
    ]);
  });

  it('replays past facts on both versions and counts the decisions that changed', () => {
    const claims = [{ claimAmountYuan: 100 }, { claimAmountYuan: 40000 }, { claimAmountYuan: 45000 }, { claimAmountYuan: 60000 }];
    const diff = diffPacks(loadPack(version(50000)), loadPack(version(30000)), { replay: claims, asOf, examples: 1 });
    expect(diff.replay).toEqual({
      total: 4,
      changed: 2,
      examples: [{ index: 1, facts: { claimAmountYuan: 40000 }, old: { class: 'major', level: 3 }, new: { class: 'major', level: 2 } }],
    });
  });

  it('refuses packs with different ids and a replay without asOf', () => {
    const other = { ...version(50000), id: 'other-pack' };
    expect(() => diffPacks(loadPack(version(50000)), loadPack(other))).toThrow(expect.objectContaining({ code: 'INVALID_PACK' }));
    expect(() => diffPacks(loadPack(version(50000)), loadPack(version(1)), { replay: [] })).toThrow(expect.objectContaining({ code: 'INVALID_AS_OF' }));
  });
});
