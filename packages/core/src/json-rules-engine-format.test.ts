/**
 * Rule sets written for json-rules-engine load into a pack as they are — hyphenated fact names, free-form rule
 * names, a host's keys under `meta`, shared conditions, operator decorators, bracket paths, priorities and `in`
 * on a string read as json-rules-engine reads them — while the deliberate refusals stay, each saying why and what
 * to write instead. (Whether they then decide as json-rules-engine does is the conformance suite's job:
 * test/jre-conformance.)
 */
import { describe, expect, it } from 'vitest';
import { loadPack, validatePack } from './pack.js';
import { testPackHeader } from './test-pack.fixture.js';
import type { Problem } from './types.js';

const asOf = '2026-03-01T10:00:00+08:00';

function doc(rules: unknown[], extra: Record<string, unknown> = {}, facts: string[] = []): Record<string, unknown> {
  return {
    ...testPackHeader('jre-format'),
    facts: { type: 'object', properties: Object.fromEntries(facts.map((f) => [f, {}])) },
    rules: rules.map((r) => ({ source: 's 1', ...(r as object) })),
    default: {},
    outcome: { type: 'object' },
    ...extra,
  };
}
const rule = (name: string, conditions: unknown, type = 'e', extra: Record<string, unknown> = {}) => ({ name, conditions, event: { type }, ...extra });
const fired = (d: Record<string, unknown>, facts: Record<string, unknown>) => loadPack(d).evaluateSync(facts, { asOf }).fired.map((f) => f.rule);
const codes = (problems: Problem[]) => problems.map((p) => `${p.code} ${p.path}`);

describe('what loads as it is', () => {
  it('hyphenated and other non-identifier fact names', () => {
    const d = doc([rule('r', { all: [{ fact: 'family-size', operator: 'greaterThan', value: 3 }, { fact: 'order.total', operator: 'equal', value: 5 }] })], {}, ['family-size', 'order.total']);
    expect(fired(d, { 'family-size': 4, 'order.total': 5 })).toEqual(['r']);
  });

  it('any unique non-empty rule name; a duplicate or an empty one is refused', () => {
    const ok = doc([rule('Athlete GPA Rule', { all: [] }), rule('质量问题', { all: [] })]);
    expect(fired(ok, {})).toEqual(['Athlete GPA Rule', '质量问题']);
    expect(codes(validatePack(doc([rule('Same', { all: [] }), rule('Same', { all: [] })])))).toEqual(['DUPLICATE_RULE /rules/1/name']);
    expect(codes(validatePack(doc([rule('', { all: [] })])))).toEqual(['schema.minLength /rules/0/name']);
  });

  it('keeps a host\'s keys under meta on rules and conditions, and x- keys at the top; refuses a key unknown to both formats', () => {
    const d = doc([rule('r', { meta: { id: 'root' }, all: [{ fact: 'x', operator: 'equal', value: 1, meta: { customId: 'c1' } }] }, 'e', { meta: { customId: 'R-1', owner: 'ops' } })], { 'x-owner': 'after-sales ops' }, ['x']);
    const pack = loadPack(d);
    expect(pack.document.rules[0]).toMatchObject({ meta: { customId: 'R-1', owner: 'ops' }, conditions: { meta: { id: 'root' }, all: [{ meta: { customId: 'c1' } }] } });
    expect((pack.document as unknown as Record<string, unknown>)['x-owner']).toBe('after-sales ops');
    expect(pack.evaluateSync({ x: 1 }, { asOf }).fired.map((f) => f.rule)).toEqual(['r']);
    expect(codes(validatePack({ ...d, owner: 'ops' }))).toEqual(['UNKNOWN_KEY /owner']);
    const stray = doc([rule('r', { id: 'root', all: [{ fact: 'x', operator: 'equal', value: 1 }] }, 'e', { customId: 'R-1' })], {}, ['x']);
    expect(codes(validatePack(stray))).toEqual(['UNKNOWN_KEY /rules/0/customId', 'UNKNOWN_KEY /rules/0/conditions/id']);
  });

  it('shared conditions by name: inside groups, at the top of a rule, under not, and referring to each other', () => {
    const d = doc(
      [rule('Adult Member', { all: [{ condition: 'adultMember' }] }), rule('Top', { condition: 'isAdult' }), rule('Minor', { not: { condition: 'isAdult' } })],
      { conditions: { isAdult: { all: [{ fact: 'age', operator: 'greaterThanInclusive', value: 18 }] }, adultMember: { all: [{ condition: 'isAdult' }, { fact: 'member', operator: 'equal', value: true }] } } },
      ['age', 'member'],
    );
    expect(fired(d, { age: 30, member: true })).toEqual(['Adult Member', 'Top']);
    expect(fired(d, { age: 12, member: true })).toEqual(['Minor']);
    const explanation = loadPack(d).evaluateSync({ age: 30, member: false }, { asOf }).explanation;
    expect(explanation[0]!.conditions.map((c) => [c.fact, c.result])).toEqual([
      ['age', true],
      ['member', false],
    ]);
  });

  it('an undeclared shared condition and a cycle are load errors', () => {
    expect(codes(validatePack(doc([rule('r', { all: [{ condition: 'nowhere' }] })])))).toEqual(['UNKNOWN_CONDITION /rules/0/conditions/all/0/condition']);
    const cycle = doc([rule('r', { condition: 'a' })], { conditions: { a: { all: [{ condition: 'b' }] }, b: { any: [{ condition: 'a' }] } } });
    expect(codes(validatePack(cycle))).toEqual(['CONDITION_CYCLE /conditions/a', 'CONDITION_CYCLE /conditions/b']);
  });

  it('operator decorators, chained', () => {
    const d = doc(
      [
        rule('some', { all: [{ fact: 'tags', operator: 'someFact:equal', value: 'urgent' }] }),
        rule('every', { all: [{ fact: 'scores', operator: 'everyFact:greaterThan', value: 5 }] }),
        rule('someValue', { all: [{ fact: 'code', operator: 'someValue:equal', value: ['A', 'B'] }] }),
        rule('none', { all: [{ fact: 'tags', operator: 'not:someFact:equal', value: 'blocked' }] }),
        rule('swap', { all: [{ fact: 'code', operator: 'swap:contains', value: ['A', 'C'] }] }),
      ],
      {},
      ['tags', 'scores', 'code'],
    );
    expect(fired(d, { tags: ['x', 'urgent'], scores: [6, 9], code: 'A' })).toEqual(['some', 'every', 'someValue', 'none', 'swap']);
    expect(fired(d, { tags: ['blocked'], scores: [6, 1], code: 'B' })).toEqual(['someValue']);
  });

  it('bracket paths read the same steps as dotted ones', () => {
    const d = doc(
      [
        rule('root index', { all: [{ fact: 'orders', path: '$.[0].id', operator: 'equal', value: 'A' }] }),
        rule('inner index', { all: [{ fact: 'cart', path: '$.items[1].price', operator: 'lessThan', value: 10 }] }),
        rule('quoted', { all: [{ fact: 'meta', path: "$['dot.key']", operator: 'equal', value: 7 }] }),
      ],
      {},
      ['orders', 'cart', 'meta'],
    );
    expect(fired(d, { orders: [{ id: 'A' }], cart: { items: [{ price: 50 }, { price: 5 }] }, meta: { 'dot.key': 7 } })).toEqual(['root index', 'inner index', 'quoted']);
  });

  it('priorities as json-rules-engine reads them (parseInt; 0 is 1), a negative or non-numeric one refused', () => {
    const d = doc([rule('a', { all: [] }, 'e', { priority: 2.5 }), rule('b', { all: [] }, 'e', { priority: '10' }), rule('c', { all: [] }, 'e', { priority: 0 })]);
    expect(loadPack(d).evaluateSync({}, { asOf }).fired.map((f) => [f.rule, f.priority])).toEqual([
      ['b', 10],
      ['a', 2],
      ['c', 1],
    ]);
    expect(codes(validatePack(doc([rule('n', { all: [] }, 'e', { priority: -1 }), rule('s', { all: [] }, 'e', { priority: 'high' })])))).toEqual([
      'schema.minimum /rules/0/priority',
      'schema.pattern /rules/1/priority',
    ]);
    // 0.5 passes the schema, but parseInt reads it as 0, which json-rules-engine refuses.
    expect(codes(validatePack(doc([rule('h', { all: [] }, 'e', { priority: 0.5 })])))).toEqual(['INVALID_PRIORITY /rules/0/priority']);
  });

  it('in / notIn with a string value search it as text', () => {
    const d = doc([rule('in', { all: [{ fact: 'code', operator: 'in', value: 'ABCDEF' }] })], {}, ['code']);
    expect(fired(d, { code: 'CD' })).toEqual(['in']);
    expect(fired(d, { code: 'X' })).toEqual([]);
  });
});

describe('what is refused, with why and what instead', () => {
  const problemOf = (d: Record<string, unknown>) => {
    const problems = validatePack(d);
    expect(problems).toHaveLength(1);
    return problems[0]!;
  };

  it('a custom operator or decorator: compute the value as a derived fact', () => {
    const p = problemOf(doc([rule('r', { all: [{ fact: 'x', operator: 'startsWith', value: 'a' }] })], {}, ['x']));
    expect(p).toMatchObject({ code: 'UNKNOWN_OPERATOR', path: '/rules/0/conditions/all/0/operator', found: 'startsWith' });
    expect(p.message).toMatch(/unknown operator "startsWith".*derived fact/);
    expect(problemOf(doc([rule('r', { all: [{ fact: 'x', operator: 'atLeast:equal', value: 'a' }] })], {}, ['x'])).message).toMatch(/unknown operator decorator "atLeast"/);
  });

  it('JSONPath filters, wildcards and recursive descent: a fact the caller computes or a decorator', () => {
    for (const path of ['$.items[?(@.price > 5)]', '$.items[*].price', '$..price']) {
      const p = problemOf(doc([rule('r', { all: [{ fact: 'order', path, operator: 'equal', value: 1 }] })], {}, ['order']));
      expect(p).toMatchObject({ code: 'UNSAFE_PATH', path: '/rules/0/conditions/all/0/path', found: path });
      expect(p.message).toMatch(/never evaluated.*someFact: or everyFact:/);
    }
  });

  it('__proto__, constructor and prototype as fact names or path steps', () => {
    expect(validatePack(doc([rule('r', { all: [{ fact: '__proto__', operator: 'equal', value: 1 }] })])).length).toBeGreaterThan(0);
    const p = problemOf(doc([rule('r', { all: [{ fact: 'o', path: "$['constructor']", operator: 'equal', value: 1 }] })], {}, ['o']));
    expect(p.message).toMatch(/prototype pollution/);
  });

  it('fact params (dynamic facts): one plain fact per distinct params', () => {
    const p = problemOf(doc([rule('r', { all: [{ fact: 'account', params: { id: 1 }, operator: 'equal', value: 'a' }] })], {}, ['account']));
    expect(p).toMatchObject({ code: 'DYNAMIC_FACT', path: '/rules/0/conditions/all/0/params' });
    expect(p.message).toMatch(/plain fact/);
  });

  it('a value { fact, params } (another fact read with dynamic-fact params): the same refusal, at the params', () => {
    const p = problemOf(doc([rule('r', { all: [{ fact: 'x', operator: 'equal', value: { fact: 'account', params: { id: 1 } } }] })], {}, ['x', 'account']));
    expect(p).toMatchObject({ code: 'DYNAMIC_FACT', path: '/rules/0/conditions/all/0/value/params', found: 'object' });
    expect(p.message).toMatch(/value \{ fact, params \}.*plain fact/);
    const withPath = problemOf(doc([rule('r', { all: [{ fact: 'x', operator: 'equal', value: { fact: 'account', path: '$.tier', params: {} } }] })], {}, ['x', 'account']));
    expect(withPath).toMatchObject({ code: 'DYNAMIC_FACT', path: '/rules/0/conditions/all/0/value/params' });
  });

  it('someValue: / everyValue: need a list, in / notIn a list or a string', () => {
    expect(problemOf(doc([rule('r', { all: [{ fact: 'x', operator: 'someValue:equal', value: 5 }] })], {}, ['x']))).toMatchObject({ code: 'INVALID_OPERAND' });
    expect(problemOf(doc([rule('r', { all: [{ fact: 'x', operator: 'in', value: 5 }] })], {}, ['x']))).toMatchObject({ code: 'INVALID_OPERAND' });
  });
});

describe('replaceFactsInEventParams', () => {
  const echo = (extra: Record<string, unknown>) =>
    doc(
      [{ ...rule('r', { all: [{ fact: 'x', operator: 'greaterThan', value: 0 }] }), event: { type: 'e', params: { seen: { fact: 'x' }, city: { fact: 'c', path: '$.city' }, limit: { param: 'limit' }, fixed: 5 } } }],
      { parameters: { limit: { type: 'number', value: 7, description: { zh: '上限', en: 'limit' }, notPublished: true } }, ...extra },
      ['x', 'c'],
    );
  const params = (d: Record<string, unknown>) => loadPack(d).evaluateSync({ x: 3, c: { city: 'Hangzhou' } }, { asOf }).fired[0]!.event.params;

  it('a pack resolves references in event params by default (true), as the bundled packs do', () => {
    expect(params(echo({}))).toEqual({ seen: 3, city: 'Hangzhou', limit: 7, fixed: 5 });
    expect(params(echo({ replaceFactsInEventParams: true }))).toEqual({ seen: 3, city: 'Hangzhou', limit: 7, fixed: 5 });
  });

  it('false: event params are returned as written, as json-rules-engine does without the option', async () => {
    const d = echo({ replaceFactsInEventParams: false });
    const written = { seen: { fact: 'x' }, city: { fact: 'c', path: '$.city' }, limit: { param: 'limit' }, fixed: 5 };
    expect(params(d)).toEqual(written);
    const reference = await loadPack(d).evaluate({ x: 3, c: { city: 'Hangzhou' } }, { asOf, engine: 'json-rules-engine' });
    expect(reference.fired[0]!.event.params).toEqual(written);
  });

  it('false: a fact named in event params is data, so an unknown one is no load error and an absent one no INVALID_FACTS', () => {
    const d = doc(
      [{ ...rule('r', { all: [{ fact: 'x', operator: 'greaterThan', value: 0 }] }), event: { type: 'e', params: { note: { fact: 'nowhere' } } } }],
      { replaceFactsInEventParams: false, undefinedFacts: 'error' },
      ['x'],
    );
    expect(validatePack(d)).toEqual([]);
    expect(params(d)).toEqual({ note: { fact: 'nowhere' } });
    expect(codes(validatePack({ ...d, replaceFactsInEventParams: true }))).toEqual(['UNKNOWN_FACT /rules/0/event/params/note/fact']);
  });
});
