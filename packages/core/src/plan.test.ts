/** The pack plan: compiled once, with stable leaf ids and pointers, references classified and paths parsed. */
import { describe, expect, it } from 'vitest';
import severityFixture from '../test/fixtures/severity.pack.json';
import { PackValidationError } from './errors.js';
import { loadPack } from './pack.js';
import { compile } from './plan.js';
import { runSuite } from './testing.js';
import type { RulePackDocument } from './types.js';

const asOf = '2026-03-01T09:00:00+08:00';
const severity = () => JSON.parse(JSON.stringify(severityFixture)) as RulePackDocument;

describe('compile', () => {
  it('numbers the leaves of each rule depth first, each with its JSON pointer from the pack root', () => {
    const doc = severity();
    doc.rules[2]!.conditions = {
      all: [
        { any: [{ fact: 'breakdown', operator: 'equal', value: true }, { not: { fact: 'casualties', operator: 'lessThan', value: 1 } }] },
        { fact: 'claimAmountYuan', operator: 'greaterThan', value: { param: 'level3ClaimYuan' } },
      ],
    };
    const rule = compile(doc).rules[2]!;
    expect(rule.conditions.leaves.map((l) => [l.id, l.pointer, l.fact])).toEqual([
      [0, '/rules/2/conditions/all/0/any/0', 'breakdown'],
      [1, '/rules/2/conditions/all/0/any/1/not', 'casualties'],
      [2, '/rules/2/conditions/all/1', 'claimAmountYuan'],
    ]);
    expect(rule.conditions.root).toMatchObject({ kind: 'all', pointer: '/rules/2/conditions', children: [{ kind: 'any' }, { kind: 'leaf', id: 2 }] });
  });

  it('classifies right-hand sides and parses paths once', () => {
    const doc = severity();
    doc.facts.properties = { ...(doc.facts.properties as object), order: { type: 'object' } };
    doc.rules[0]!.conditions = {
      all: [
        { fact: 'order', path: '$.lines.0.qty', operator: 'greaterThan', value: { fact: 'order', path: 'limits.qty' } },
        { fact: 'claimAmountYuan', operator: 'greaterThan', value: { param: 'level2ClaimYuan' } },
        { fact: 'casualties', operator: 'in', value: [1, 2] },
      ],
    };
    const [a, b, c] = compile(doc).rules[0]!.conditions.leaves;
    expect(a).toMatchObject({ segments: ['lines', '0', 'qty'], operand: { kind: 'fact', fact: 'order', segments: ['limits', 'qty'] } });
    expect(b).toMatchObject({ segments: [], param: 'level2ClaimYuan', operand: { kind: 'param', name: 'level2ClaimYuan' } });
    expect(c).toMatchObject({ operand: { kind: 'literal', value: [1, 2] } });
  });

  it('holds the hit policy, rule priorities, parameter values and the default message', () => {
    const plan = compile(severity());
    expect(plan.hitPolicy).toBe('first');
    expect(plan.rules.map((r) => r.priority)).toEqual(severity().rules.map((r) => r.priority ?? 1));
    expect(plan.parameters).toEqual(Object.fromEntries(Object.entries(severity().parameters ?? {}).map(([k, p]) => [k, p.value])));
    expect(plan.defaultMessage.en).toBeTruthy();
    expect(plan.ruleIndex.get('level-2-claim')).toBe(1);
  });

  it('throws every problem of an invalid document, as loadPack does', () => {
    const doc = severity();
    doc.rules[0]!.conditions = { all: [{ fact: 'nope', path: 'a.__proto__', operator: 'equal', value: 1 }] };
    let problems: unknown;
    try {
      compile(doc);
    } catch (error) {
      expect(error).toBeInstanceOf(PackValidationError);
      problems = (error as PackValidationError).problems.map((p) => [p.path, p.code]);
    }
    expect(problems).toEqual([
      ['/rules/0/conditions/all/0/path', 'UNSAFE_PATH'],
      ['/rules/0/conditions/all/0/fact', 'UNKNOWN_FACT'],
    ]);
  });
});

describe('every part reads the same plan', () => {
  it('the explanation lists a rule’s conditions in leaf id order, and coverage names them by id', async () => {
    const pack = loadPack(severity());
    const decision = await pack.evaluate({ claimAmountYuan: 12000 }, { asOf });
    pack.plan.rules.forEach((rule, i) => {
      expect(decision.explanation[i]!.conditions.map((c) => c.fact)).toEqual(rule.conditions.leaves.map((l) => l.fact));
    });
    const report = await runSuite(pack, { pack: pack.id, asOf, cases: [{ name: 'one', facts: { claimAmountYuan: 12000 }, expect: { outcome: { level: 3 } } }] });
    const leaf = pack.plan.rules[2]!.conditions.leaves[0]!;
    expect(report.coverage.missing).toContain(`rule level-3 condition ${leaf.id} (breakdown equal true): never true`);
  });
});
