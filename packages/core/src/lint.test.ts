/**
 * Tests of the threshold lint: below/at/above per numeric threshold (parameters resolved per case, short-circuited
 * conditions still counted), and the unique-pack probe for values where no rule or two rules fire.
 */
import { describe, expect, it } from 'vitest';
import { loadPack } from './pack.js';
import { lintPack } from './lint.js';
import { severityDoc } from './testing.fixture.js';
import type { RulePackDocument, TestSuite } from './types.js';

const asOf = '2026-01-15T10:00:00+08:00';
const suiteOf = (amounts: number[], parameters?: Record<string, unknown>): TestSuite => ({
  pack: 'claim-severity',
  asOf,
  cases: amounts.map((a) => ({ name: `claim ${a}`, facts: { claimAmountYuan: a }, ...(parameters ? { parameters } : {}), expect: {} })),
});

describe('lintPack', () => {
  const pack = loadPack(severityDoc);

  it('is ok when every threshold has cases below, at and above', async () => {
    const report = await lintPack(pack, suiteOf([9999, 10000, 10001, 49999, 50000, 50001]));
    expect(report.gaps).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('warns, without failing, about a rule that has no message', async () => {
    const report = await lintPack(pack, suiteOf([9999, 10000, 10001, 49999, 50000, 50001]));
    expect(report.ok).toBe(true);
    const warnings = report.suggestions.filter((m) => m.en.startsWith('warning:'));
    expect(warnings.map((m) => m.en)).toEqual([expect.stringContaining('rule "level-3" has no message')]);
    expect(warnings[0]!.zh).toContain('没有 message');
  });

  it('lists the missing sides of each threshold, with the parameter behind it', async () => {
    const report = await lintPack(pack, suiteOf([9999, 10000]));
    expect(report.ok).toBe(false);
    expect(report.gaps).toEqual([
      { rule: 'level-2-claim', condition: 0, fact: 'claimAmountYuan', operator: 'greaterThanInclusive', threshold: 50000, param: 'level2ClaimYuan', missing: ['at', 'above'] },
      { rule: 'level-3', condition: 0, fact: 'claimAmountYuan', operator: 'greaterThanInclusive', threshold: 10000, missing: ['above'] },
    ]);
    expect(report.messages[0]!.en).toContain('no case at, above');
    expect(report.messages[0]!.zh).toContain('高于');
  });

  it('resolves a parameter threshold with the case parameters', async () => {
    // With the line lowered to 20,000, claims of 19,999 / 20,000 / 20,001 cover the parameter threshold.
    const report = await lintPack(pack, suiteOf([19999, 20000, 20001], { level2ClaimYuan: 20000 }));
    expect(report.gaps.find((g) => g.rule === 'level-2-claim')).toBeUndefined();
  });

  it('does not ask for a side the facts schema rules out', async () => {
    const doc: RulePackDocument = structuredClone(severityDoc);
    // `claimAmountYuan >= 0` with `minimum: 0`: nothing lies below; 0 and above remain to be tested.
    doc.rules[1]!.conditions = { any: [{ fact: 'claimAmountYuan', operator: 'greaterThanInclusive', value: 0 }] };
    const report = await lintPack(loadPack(doc), suiteOf([5]));
    expect(report.gaps.find((g) => g.rule === 'level-3')?.missing).toEqual(['at']);
    const covered = await lintPack(loadPack(doc), suiteOf([0, 5]));
    expect(covered.gaps.find((g) => g.rule === 'level-3')).toBeUndefined();
  });

  it('reports, for a unique pack, values where no rule fires and where two do', async () => {
    const doc: RulePackDocument = {
      ...severityDoc,
      id: 'bands',
      hitPolicy: 'unique',
      rules: [
        {
          name: 'low',
          source: 'HC §4',
          conditions: { all: [{ fact: 'claimAmountYuan', operator: 'lessThan', value: 100 }] },
          event: { type: 'band', params: { class: 'general' } },
        },
        {
          name: 'high',
          source: 'HC §4',
          // Overlaps `low` at 99 and leaves a hole at 100..149.
          conditions: { all: [{ fact: 'claimAmountYuan', operator: 'greaterThan', value: 98 }, { fact: 'claimAmountYuan', operator: 'lessThan', value: 100 }] },
          event: { type: 'band', params: { class: 'major' } },
        },
      ],
    };
    const report = await lintPack(loadPack(doc), { pack: 'bands', asOf, cases: [{ name: 'small', facts: { claimAmountYuan: 5 }, expect: {} }] });
    expect(report.ok).toBe(false);
    expect(report.uniqueGaps).toContainEqual({ kind: 'no-rule', case: 'small', fact: 'claimAmountYuan', value: 100 });
    expect(report.uniqueGaps).toContainEqual({ kind: 'conflict', case: 'small', fact: 'claimAmountYuan', value: 99, rules: ['low', 'high'] });
    expect(report.messages.some((m) => m.en.includes('two or more rules fire'))).toBe(true);
  });
});
