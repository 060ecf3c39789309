/**
 * Every bundled pack's suite cases decided by every rule stage: the generated function (default), the interpreted
 * plan and json-rules-engine give byte-identical decisions, with and without the explanation; and the
 * explanation materialised on read from the compact trace is the one built eagerly from the interpreted stage's
 * per-condition record (`pack.traceRules`, the way decisions were explained before traces), condition by condition;
 * and the trace's JSON form (`trace/1`, what a log keeps) rebuilds that explanation from the pack plan alone.
 */
import { describe, expect, it } from 'vitest';
import { decisionTrace, explanationFromTraceJson, type Pack, type RuleTrace } from '@aftersales/core';
import { bundledPackIds, loadBundledPacks } from './index.js';
import { getSuite } from './suites/index.js';

const registry = loadBundledPacks();

/** The pack's local calendar date of an instant (the context's `asOfDate`). */
function localDate(asOf: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(asOf));
}

const nullable = (v: unknown): unknown => (v === undefined ? null : JSON.parse(JSON.stringify(v)));

/** The explanation built eagerly, as `finish` built it before traces: the interpreted record of each condition. */
function eagerExplanation(pack: Pack, facts: unknown, asOf: string, parameters: Record<string, unknown> | undefined, derived: Record<string, unknown>): RuleTrace[] {
  const prepared = { ...pack.validateFacts(facts), ...derived };
  const params = pack.parameterValues(parameters ?? {});
  const context = { asOf, asOfDate: localDate(asOf, pack.timeZone) };
  const records = pack.traceRules(prepared, params, context);
  return pack.plan.rules.map((rule, i) => ({
    rule: rule.name,
    fired: records[i]!.fired,
    conditions: rule.conditions.leaves.map((leaf) => {
      const seen = records[i]!.conditions[leaf.id]!;
      const trace: Record<string, unknown> = { fact: leaf.fact, operator: leaf.operator, value: null, result: 'not-evaluated' };
      if (leaf.path !== undefined) trace.path = leaf.path;
      if (leaf.param !== undefined) trace.param = leaf.param;
      if (typeof seen.result === 'boolean') {
        trace.result = seen.result;
        trace.value = nullable(seen.value);
        trace.factValue = nullable(seen.factValue);
      } else trace.value = nullable(leaf.resolveValue({ values: prepared, params, context }));
      return trace as unknown as RuleTrace['conditions'][number];
    }),
  }));
}

describe.each(bundledPackIds.map((id) => [id]))('%s suite cases', (id) => {
  const pack = registry.get(id) as Pack;
  const suite = getSuite(id)!;
  const cases = suite.cases.filter((c) => c.expect.error === undefined);

  it('decide identically on the generated, the interpreted and the json-rules-engine stage, explanation on and off', async () => {
    for (const c of cases) {
      const options = { asOf: c.asOf ?? suite.asOf!, ...(c.parameters ? { parameters: c.parameters } : {}) };
      for (const explain of [true, false]) {
        const generated = JSON.stringify(pack.evaluateSync(c.facts, { ...options, explain }));
        expect(JSON.stringify(pack.evaluateSync(c.facts, { ...options, explain, engine: 'interpreted' })), c.name).toBe(generated);
        expect(JSON.stringify(await pack.evaluate(c.facts, { ...options, explain, engine: 'json-rules-engine' })), c.name).toBe(generated);
      }
    }
  });

  it('explain each case on read exactly as the eager explanation did', () => {
    for (const c of cases) {
      const asOf = c.asOf ?? suite.asOf!;
      const decision = pack.evaluateSync(c.facts, { asOf, ...(c.parameters ? { parameters: c.parameters } : {}) });
      expect(decision.explanation, c.name).toEqual(eagerExplanation(pack, c.facts, asOf, c.parameters, decision.derived));
      expect(JSON.parse(JSON.stringify(decision)).explanation, c.name).toEqual(decision.explanation);
    }
  });

  it('rebuild each case\'s explanation from its trace/1 JSON and the pack plan, without evaluating', () => {
    for (const c of cases) {
      const decision = pack.evaluateSync(c.facts, { asOf: c.asOf ?? suite.asOf!, ...(c.parameters ? { parameters: c.parameters } : {}) });
      const stored = JSON.parse(JSON.stringify(decisionTrace(decision)));
      expect(explanationFromTraceJson(pack.plan, stored), c.name).toEqual(decision.explanation);
    }
    const quick = pack.evaluateSync(cases[0]!.facts, { asOf: cases[0]!.asOf ?? suite.asOf!, explain: false });
    expect(decisionTrace(quick)).toBeUndefined();
  });
});
