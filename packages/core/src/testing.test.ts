/**
 * Tests of the suite runner: pass/fail per case (partial outcome match, exact fired list, expected error codes),
 * and rule/condition coverage with what is missing.
 */
import { describe, expect, it } from 'vitest';
import { loadPack } from './pack.js';
import { deepEqual, leafConditions, runSuite } from './testing.js';
import type { TestSuite } from './types.js';
import { severityDoc } from './testing.fixture.js';

const asOf = '2026-01-15T10:00:00+08:00';

describe('leafConditions', () => {
  it('lists leaves depth first with pointers', () => {
    const leaves = leafConditions(severityDoc.rules[1]!);
    expect(leaves.map((l) => [l.index, l.pointer, l.condition.fact])).toEqual([
      [0, '/conditions/any/0', 'claimAmountYuan'],
      [1, '/conditions/any/1', 'breakdown'],
    ]);
  });
});

describe('deepEqual', () => {
  it('compares structure, not key order', () => {
    expect(deepEqual({ a: [1, { b: 2 }], c: null }, { c: null, a: [1, { b: 2 }] })).toBe(true);
    expect(deepEqual([1, 2], [2, 1])).toBe(false);
    expect(deepEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(deepEqual(null, {})).toBe(false);
  });
});

describe('runSuite', () => {
  const pack = loadPack(severityDoc);

  it('passes matching cases and reports full coverage when every side is seen', async () => {
    const suite: TestSuite = {
      pack: 'claim-severity',
      asOf,
      cases: [
        { name: 'level 2', facts: { claimAmountYuan: 50000 }, expect: { outcome: { level: 2 }, fired: ['level-2-claim', 'level-3'] } },
        { name: 'level 3 by breakdown', facts: { claimAmountYuan: 0, breakdown: true }, expect: { outcome: { class: 'major', level: 3 } } },
        { name: 'general', facts: { claimAmountYuan: 9999 }, expect: { outcome: { class: 'general', level: null }, fired: [] } },
        { name: 'negative refused', facts: { claimAmountYuan: -1 }, expect: { error: 'INVALID_FACTS' } },
      ],
    };
    const report = await runSuite(pack, suite);
    expect(report.cases.map((c) => [c.name, c.status, c.failures])).toEqual([
      ['level 2', 'pass', []],
      ['level 3 by breakdown', 'pass', []],
      ['general', 'pass', []],
      ['negative refused', 'pass', []],
    ]);
    expect(report.passed).toBe(4);
    expect(report.failed).toBe(0);
    expect(report.coverage.missing).toEqual([]);
    expect(report.coverage.percent).toBe(100);
    expect(report.coverage.total).toBe(2 * 2 + 3 * 2);
    expect(report.cases.every((c) => c.durationMs >= 0)).toBe(true);
  });

  it('fails with expected vs actual for outcome, fired list and error mismatches', async () => {
    const suite: TestSuite = {
      pack: 'claim-severity',
      asOf,
      cases: [
        { name: 'wrong level', facts: { claimAmountYuan: 30000 }, expect: { outcome: { level: 2 } } },
        { name: 'wrong fired', facts: { claimAmountYuan: 30000 }, expect: { fired: ['level-2-claim'] } },
        { name: 'error expected', facts: { claimAmountYuan: 30000 }, expect: { error: 'INVALID_FACTS' } },
        { name: 'unexpected error', facts: { claimAmountYuan: 'a lot' }, expect: { outcome: { level: 3 } } },
        { name: 'other error', facts: { claimAmountYuan: 1 }, asOf: '2020-01-01T00:00:00+08:00', expect: { error: 'INVALID_FACTS' } },
      ],
    };
    const report = await runSuite(pack, suite);
    expect(report.failed).toBe(5);
    expect(report.cases[0]!.failures).toEqual(['outcome.level: expected 2, got 3']);
    expect(report.cases[1]!.failures).toEqual(['fired: expected ["level-2-claim"], got ["level-3"]']);
    expect(report.cases[2]!.failures[0]).toMatch(/^error: expected INVALID_FACTS, got outcome/);
    expect(report.cases[3]!.failures[0]).toMatch(/^error: expected a decision, got INVALID_FACTS/);
    expect(report.cases[3]!.actual).toEqual({ error: 'INVALID_FACTS' });
    expect(report.cases[4]!.failures[0]).toMatch(/^error: expected INVALID_FACTS, got NOT_EFFECTIVE/);
  });

  it('uses case parameters and reports what coverage is missing', async () => {
    const suite: TestSuite = {
      pack: 'claim-severity',
      asOf,
      cases: [
        { name: 'lower line', facts: { claimAmountYuan: 20000 }, parameters: { level2ClaimYuan: 20000 }, expect: { outcome: { level: 2 } } },
      ],
    };
    const report = await runSuite(pack, suite);
    expect(report.passed).toBe(1);
    expect(report.coverage.percent).toBeLessThan(100);
    expect(report.coverage.missing).toContain('rule level-2-claim: never not fired');
    expect(report.coverage.missing).toContain('rule level-3: never not fired');
    expect(report.coverage.missing.some((m) => m.startsWith('rule level-2-claim condition 0') && m.endsWith('never false'))).toBe(true);
    expect(report.coverage.missing.some((m) => m.startsWith('rule level-3 condition 1') && m.endsWith('never true'))).toBe(true);
  });

  it('refuses a suite with a case that has no asOf anywhere before running anything', async () => {
    await expect(runSuite(pack, { pack: 'claim-severity', cases: [{ name: 'x', facts: {}, expect: { outcome: { level: 2 } } }] })).rejects.toMatchObject({
      code: 'INVALID_SUITE',
      problems: [{ path: '/cases/0/asOf', code: 'NO_AS_OF' }],
    });
  });

  it('refuses a suite whose expect has a misspelt key, which would otherwise pass comparing nothing', async () => {
    const suite = { pack: 'claim-severity', asOf, cases: [{ name: 'typo', facts: { claimAmountYuan: 1 }, expect: { outcom: { level: 2 } } }] };
    await expect(runSuite(pack, suite as unknown as TestSuite)).rejects.toMatchObject({
      code: 'INVALID_SUITE',
      problems: [{ path: '/cases/0/expect/outcom', code: 'UNKNOWN_KEY', suggestion: 'outcome' }],
    });
  });

  it('refuses a suite written for another pack', async () => {
    const suite: TestSuite = { pack: 'quality-severity', asOf, cases: [{ name: 'x', facts: {}, expect: { outcome: { level: null } } }] };
    await expect(runSuite(pack, suite)).rejects.toMatchObject({ code: 'INVALID_SUITE', problems: [{ path: '/pack', code: 'PACK_MISMATCH', expected: 'claim-severity' }] });
  });

  it('marks an engine error where a decision was expected as an error, and counts it among the failed', async () => {
    const suite: TestSuite = {
      pack: 'claim-severity',
      asOf,
      cases: [
        { name: 'engine error', facts: { claimAmountYuan: 'a lot' }, expect: { outcome: { level: 3 } } },
        { name: 'wrong error code', facts: { claimAmountYuan: 1 }, asOf: '2020-01-01T00:00:00+08:00', expect: { error: 'INVALID_FACTS' } },
        { name: 'wrong level', facts: { claimAmountYuan: 30000 }, expect: { outcome: { level: 2 } } },
      ],
    };
    const report = await runSuite(pack, suite);
    expect(report).toMatchObject({ pack: 'claim-severity', version: '1.0.0', passed: 0, failed: 3, errors: 1 });
    expect(report.cases[0]!.error).toMatchObject({ code: 'INVALID_FACTS' });
    expect(report.cases[1]!.error).toBeUndefined();
    expect(report.cases[2]!.error).toBeUndefined();
  });
});
