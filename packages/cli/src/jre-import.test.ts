/**
 * The json-rules-engine import, as a pure conversion: input shapes, what is left out and why, the
 * inferred fact schema, and the suite skeleton (each case checked here by running the pack's own suite runner).
 */
import { loadPack, runSuite } from '@aftersales/core';
import { describe, expect, it } from 'vitest';
import { importJsonRulesEngine, renderImportReport } from './jre-import.js';

const opts = { id: 'imported', effectiveFrom: '2026-01-01' };
const rule = (name: string, conditions: unknown, type = name, extra: Record<string, unknown> = {}) => ({ name, conditions, event: { type }, ...extra });
const leaf = (fact: string, operator: string, value: unknown, extra: Record<string, unknown> = {}) => ({ fact, operator, value, ...extra });

describe('importJsonRulesEngine', () => {
  it('takes a rule array, an engine export with rules as JSON strings, and one rule per file', () => {
    const r = importJsonRulesEngine(
      [
        { file: 'a.json', json: [rule('one', { all: [leaf('x', 'equal', 1)] })] },
        { file: 'b.json', json: { rules: [JSON.stringify(rule('two', { all: [leaf('x', 'equal', 2)] }))] } },
        { file: 'c.json', json: rule('three', { all: [leaf('x', 'equal', 3)] }) },
      ],
      opts,
    );
    expect(r.pack.rules.map((x) => x.name)).toEqual(['one', 'two', 'three']);
    expect(r.pack.rules.map((x) => x.source)).toEqual(['imported: a.json [0]', 'imported: b.json rules[0]', 'imported: c.json']);
    expect(r.counts).toMatchObject({ found: 3, carried: 3 });
  });

  it('copies a rule as it is, adds its source, and moves each key neither format knows under meta, reporting each', () => {
    const original = rule('Athlete GPA Rule', { all: [leaf('gpa', 'greaterThan', 3, { customId: 'c1' })] }, 'honor', { customId: 'R-1', priority: 3 });
    const r = importJsonRulesEngine([{ file: 'a.json', json: [original] }], opts);
    expect(r.pack.rules[0]).toEqual({
      name: 'Athlete GPA Rule',
      priority: 3,
      conditions: { all: [{ fact: 'gpa', operator: 'greaterThan', value: 3, meta: { customId: 'c1' } }] },
      event: { type: 'honor' },
      meta: { customId: 'R-1' },
      source: 'imported: a.json [0]',
    });
    expect(r.notes.filter((n) => n.kind === 'moved-to-meta').map((n) => n.message)).toEqual([
      'key "customId" moved from /rules/0/customId to /rules/0/meta/customId',
      'key "customId" moved from /rules/0/conditions/all/0/customId to /rules/0/conditions/all/0/meta/customId',
    ]);
    expect(renderImportReport(r)).toContain('moved from /rules/0/customId to /rules/0/meta/customId');
    expect(() => loadPack(r.pack)).not.toThrow();
  });

  it('moves unknown keys of a shared condition under its meta', () => {
    const r = importJsonRulesEngine(
      [{ file: 'a.json', json: { rules: [rule('adult', { condition: 'isAdult' })], conditions: { isAdult: { all: [leaf('age', 'greaterThan', 17)], id: 'c-9' } } } }],
      opts,
    );
    expect(r.pack.conditions).toEqual({ isAdult: { all: [{ fact: 'age', operator: 'greaterThan', value: 17 }], meta: { id: 'c-9' } } });
    expect(r.notes.filter((n) => n.kind === 'moved-to-meta').map((n) => n.where)).toEqual(['shared condition "isAdult"']);
    expect(() => loadPack(r.pack)).not.toThrow();
  });

  it('names unnamed rules and renames duplicates, and says so', () => {
    const r = importJsonRulesEngine([{ file: 'a.json', json: [rule('', { all: [] }), rule('same', { all: [] }), rule('same', { all: [] })] }], opts);
    expect(r.pack.rules.map((x) => x.name)).toEqual(['rule-1', 'same', 'same-2']);
    expect(r.notes.filter((n) => n.kind === 'renamed')).toHaveLength(2);
  });

  it('leaves out, with the reason and the pack way, custom operators, dynamic facts, JSONPath expressions and undeclared shared conditions', () => {
    const r = importJsonRulesEngine(
      [
        {
          file: 'a.json',
          json: [
            rule('kept', { all: [leaf('x', 'equal', 1)] }),
            rule('custom', { all: [leaf('x', 'startsWith', 'a')] }),
            rule('custom-decorator', { all: [leaf('x', 'atLeastTwo:equal', 'a')] }),
            rule('dynamic', { all: [leaf('account', 'equal', 'a', { params: { id: 1 } })] }),
            rule('filter', { all: [leaf('order', 'equal', 1, { path: '$.items[?(@.p>1)]' })] }),
            rule('proto', { all: [leaf('order', 'equal', 1, { path: '$.__proto__' })] }),
            rule('undeclared', { condition: 'nowhere' }),
          ],
        },
      ],
      opts,
    );
    expect(r.pack.rules.map((x) => x.name)).toEqual(['kept']);
    const kinds = r.notes.filter((n) => n.excluded).map((n) => n.kind);
    expect(kinds).toEqual(['custom-operator', 'custom-operator', 'dynamic-fact', 'jsonpath-expression', 'forbidden-name', 'unknown-condition']);
    for (const note of r.notes) expect(note.instead.length).toBeGreaterThan(40);
    const report = renderImportReport(r);
    expect(report).toContain('Rules found: 7; carried into the pack: 1');
    expect(report).toContain('**custom-operator** — a.json [1] "custom": operator "startsWith"');
  });

  it('reports callbacks, fact references in event params and a fact named like an event type (rule chaining)', () => {
    const r = importJsonRulesEngine(
      [
        {
          file: 'a.json',
          json: [
            rule('first', { all: [leaf('x', 'equal', 1)] }, 'vip', { onSuccess: 'handler' }),
            { name: 'second', conditions: { all: [leaf('vip', 'equal', true)] }, event: { type: 'gift', params: { to: { fact: 'customer' } } } },
          ],
        },
      ],
      opts,
    );
    expect(r.notes.map((n) => n.kind).sort()).toEqual(['callback', 'fact-in-event-params', 'rule-chaining']);
    expect(r.pack.rules[0]).not.toHaveProperty('onSuccess');
    expect(r.notes.every((n) => !n.excluded)).toBe(true);
  });

  it('infers fact types from operators and values, paths as nested properties, shared conditions included', () => {
    const r = importJsonRulesEngine(
      [
        {
          file: 'a.json',
          json: {
            conditions: { isAdult: { all: [leaf('age', 'greaterThanInclusive', 18)] } },
            rules: [
              rule('r', {
                all: [
                  { condition: 'isAdult' },
                  leaf('tier', 'in', ['gold', 'silver']),
                  leaf('tier', 'equal', null),
                  leaf('tags', 'contains', 'x'),
                  leaf('scores', 'someFact:greaterThan', 3),
                  leaf('cart', 'lessThan', 10, { path: '$.items[0].price' }),
                  leaf('meta', 'equal', true, { path: "$['dot.key']" }),
                  leaf('limit', 'greaterThan', { fact: 'budget' }),
                ],
              }),
            ],
          },
        },
      ],
      opts,
    );
    expect(r.pack.facts).toEqual({
      type: 'object',
      properties: {
        age: { type: 'number' },
        tier: { type: ['null', 'string'] },
        tags: { type: 'array', items: { type: 'string' } },
        scores: { type: 'array', items: { type: 'number' } },
        cart: { type: 'object', properties: { items: { type: 'array', items: { type: 'object', properties: { price: { type: 'number' } } } } } },
        meta: { type: 'object', properties: { 'dot.key': { type: 'boolean' } } },
        limit: {},
        budget: {},
      },
    });
    expect(r.pack.conditions).toEqual({ isAdult: { all: [leaf('age', 'greaterThanInclusive', 18)] } });
  });

  it('writes replaceFactsInEventParams as the engine ran (false, json-rules-engine\'s default), so fact objects in event params keep their meaning', async () => {
    const json = [{ name: 'gift', conditions: { all: [leaf('x', 'equal', 1)] }, event: { type: 'gift', params: { to: { fact: 'customer' }, n: 1 } } }];
    const off = importJsonRulesEngine([{ file: 'a.json', json }], opts);
    expect(off.pack.replaceFactsInEventParams).toBe(false);
    expect(off.pack.facts.properties).not.toHaveProperty('customer');
    expect(off.notes.find((n) => n.kind === 'fact-in-event-params')?.message).toContain('kept as written');
    const asOf = '2026-03-01T10:00:00+08:00';
    expect(loadPack(off.pack).evaluateSync({ x: 1 }, { asOf }).fired[0]!.event.params).toEqual({ to: { fact: 'customer' }, n: 1 });
    const on = importJsonRulesEngine([{ file: 'a.json', json }], { ...opts, replaceFactsInEventParams: true });
    expect(on.pack.replaceFactsInEventParams).toBe(true);
    expect(on.pack.facts.properties).toHaveProperty('customer');
    expect(loadPack(on.pack).evaluateSync({ x: 1, customer: 'Li' }, { asOf }).fired[0]!.event.params).toEqual({ to: 'Li', n: 1 });
  });

  it('takes shared conditions registered in host code (engine.setCondition) and resolves the rules\' references to them', () => {
    const json = [rule('adult-gold', { all: [{ condition: 'isAdult' }, leaf('tier', 'equal', 'gold')] })];
    const without = importJsonRulesEngine([{ file: 'a.json', json }, { file: 'b.json', json: [rule('other', { all: [leaf('x', 'equal', 1)] })] }], opts);
    expect(without.notes.filter((n) => n.excluded).map((n) => n.kind)).toEqual(['unknown-condition']);
    const r = importJsonRulesEngine([{ file: 'a.json', json }], { ...opts, conditions: { isAdult: { all: [leaf('age', 'greaterThanInclusive', 18)] }, unused: { all: [] }, broken: 5 } });
    expect(r.pack.rules.map((x) => x.name)).toEqual(['adult-gold']);
    expect(r.pack.conditions).toEqual({ isAdult: { all: [leaf('age', 'greaterThanInclusive', 18)] } });
    expect(r.pack.facts.properties).toHaveProperty('age', { type: 'number' });
    expect(r.notes.filter((n) => n.excluded).map((n) => n.where)).toEqual(['--conditions "broken"']);
    expect(() => loadPack(r.pack)).not.toThrow();
  });

  it('writes a placeholder source of kind practice and a collect pack', () => {
    const r = importJsonRulesEngine([{ file: 'a.json', json: [rule('r', { all: [leaf('x', 'equal', 1)] })] }], opts);
    expect(r.pack.sources).toEqual([expect.objectContaining({ id: 'imported', kind: 'practice' })]);
    expect(r.pack).toMatchObject({ id: 'imported', hitPolicy: 'collect', effective: { from: '2026-01-01' }, default: {}, undefinedFacts: 'error' });
    expect(importJsonRulesEngine([{ file: 'a.json', json: [rule('r', { all: [] })] }], { ...opts, allowUndefinedFacts: true }).pack.undefinedFacts).toBe('allow');
  });

  it('builds, per rule, one case that fires it and one that does not, and the pack passes them', async () => {
    const r = importJsonRulesEngine(
      [
        {
          file: 'a.json',
          json: [
            rule('window', { all: [leaf('days', 'lessThanInclusive', 7), leaf('item', 'notIn', ['custom'], { path: '$.category' })] }),
            rule('doa', { any: [leaf('tags', 'contains', 'doa'), { all: [leaf('days', 'lessThan', 15), leaf('defect', 'equal', true)] }] }),
            rule('not-returnable', { not: leaf('item', 'equal', true, { path: '$.returnable' }) }),
            rule('list', { all: [leaf('country', 'in', ['CN', 'HK']), leaf('amount', 'greaterThan', 100)] }),
          ],
        },
      ],
      opts,
    );
    expect(r.suite.cases.map((c) => c.name)).toEqual([
      'window: fires',
      'window: does not fire',
      'doa: fires',
      'doa: does not fire',
      'not-returnable: fires',
      'not-returnable: does not fire',
      'list: fires',
      'list: does not fire',
    ]);
    for (const c of r.suite.cases) {
      const name = c.name.slice(0, c.name.indexOf(':'));
      expect(c.expect.fired!.includes(name), c.name).toBe(c.name.endsWith(': fires'));
    }
    const report = await runSuite(loadPack(r.pack), r.suite);
    expect(report.failed).toBe(0);
    expect(report.passed).toBe(8);
  });

  it('refuses an input with no rule it can carry', () => {
    expect(() => importJsonRulesEngine([{ file: 'a.json', json: [{ name: 'x' }] }], opts)).toThrow(/no rule could be carried over/);
  });
});
