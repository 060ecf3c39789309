/**
 * Values in and out of a decision, each check a bug once found: a `{ "values": ... }` object in event params or
 * `default` is data (the calculator-argument convention does not leak out); facts that are not JSON (NaN,
 * Infinity, a Date, a function, a class instance) are all refused with INVALID_FACTS; an event-param `{ fact,
 * path }` into a primitive fact gives the primitive, as a condition does; the reference engine is stock
 * json-rules-engine (its own path resolver and `allowUndefinedFacts`), so a comparison with it can fail.
 */
import { describe, expect, it } from 'vitest';
import { loadPack } from './pack.js';
import { testPackHeader } from './test-pack.fixture.js';

const asOf = '2026-03-01T10:00:00+08:00';
const engines = ['compiled', 'json-rules-engine'] as const;

function pack(extra: Record<string, unknown> = {}, rule: Record<string, unknown> = {}) {
  return loadPack({
    ...testPackHeader('decision-values'),
    facts: { type: 'object', properties: { x: {}, level: {}, name: {} } },
    rules: [{ name: 'r', source: 's 1', conditions: { all: [{ fact: 'x', operator: 'equal', value: 1 }] }, event: { type: 'e' }, ...rule }],
    default: {},
    outcome: { type: 'object' },
    ...extra,
  });
}

describe.each(engines)('engine %s', (engine) => {
  it('returns a { values: ... } object in event params and default as written', async () => {
    const p = pack({ default: { values: { kept: true } } }, { event: { type: 'e', params: { values: { a: 1 }, deep: { values: { b: 2 } } } } });
    const fired = await p.evaluate({ x: 1 }, { asOf, engine });
    expect(fired.fired[0]!.event.params).toEqual({ values: { a: 1 }, deep: { values: { b: 2 } } });
    expect(fired.outcome).toEqual({ values: { a: 1 }, deep: { values: { b: 2 } } });
    expect((await p.evaluate({ x: 2 }, { asOf, engine })).outcome).toEqual({ values: { kept: true } });
  });

  it.each([
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['a Date', new Date('2026-01-15T00:00:00Z')],
    ['a function', () => 1],
    ['an instance of Map', new Map([[1, 2]])],
  ])('refuses a fact that is %s with INVALID_FACTS and its pointer', async (found, value) => {
    const error = await pack()
      .evaluate({ x: 1, level: { deep: [value] } }, { asOf, engine })
      .catch((e: { code: string; problems: unknown[] }) => e);
    expect(error).toMatchObject({ code: 'INVALID_FACTS', problems: [expect.objectContaining({ path: '/level/deep/0', code: 'NOT_JSON', found })] });
  });

  it('an event-param path into a primitive fact gives the primitive, as a condition does', async () => {
    const p = pack({}, { event: { type: 'e', params: { level: { fact: 'level', path: '$.value' }, name: { fact: 'name', path: '$.first' } } } });
    expect((await p.evaluate({ x: 1, level: 3, name: { first: 'Li' } }, { asOf, engine })).fired[0]!.event.params).toEqual({ level: 3, name: 'Li' });
    expect((await p.evaluate({ x: 1, level: { value: 4 }, name: 'Wang' }, { asOf, engine })).fired[0]!.event.params).toEqual({ level: 4, name: 'Wang' });
  });
});

describe('outcomes that hold no reference', () => {
  it('hands out a fresh outcome and messages each time: changing one decision leaves the next as it was', () => {
    const p = pack({ default: { tags: ['none'] } }, { event: { type: 'e', params: { tags: ['one'] } }, message: { zh: '标签 {{tags}}', en: 'tags {{tags}}' } });
    const first = p.evaluateSync({ x: 1 }, { asOf });
    (first.outcome as { tags: string[] }).tags.push('changed');
    first.messages.en = 'changed';
    const second = p.evaluateSync({ x: 1 }, { asOf });
    expect(second.outcome).toEqual({ tags: ['one'] });
    expect(second.messages).toEqual({ zh: '标签 ["one"]', en: 'tags ["one"]' });
    expect(p.evaluateSync({ x: 2 }, { asOf }).outcome).toEqual({ tags: ['none'] });
  });

  it('refuses at load an outcome without references that the outcome schema rejects, so no decision can return it', () => {
    expect(() => pack({ outcome: { type: 'object', required: ['level'] } })).toThrow(expect.objectContaining({ code: 'INVALID_PACK' }));
  });

  it('refuses an outcome taken from the facts that the outcome schema rejects on every decision, not only the first', () => {
    const p = pack({ outcome: { type: 'object', properties: { level: { type: 'integer' } } } }, { event: { type: 'e', params: { level: { fact: 'level' } } } });
    for (let i = 0; i < 2; i++) expect(() => p.evaluateSync({ x: 1, level: 'high' }, { asOf })).toThrow(expect.objectContaining({ code: 'INVALID_OUTCOME' }));
    expect(p.evaluateSync({ x: 1, level: 2 }, { asOf }).outcome).toEqual({ level: 2 });
  });
});

describe('the reference engine is stock json-rules-engine', () => {
  it("reads paths with json-rules-engine's JSONPath: a string's length, as the compiled evaluator now does too", async () => {
    const p = pack({}, { conditions: { all: [{ fact: 'name', path: '$.first.length', operator: 'equal', value: 2 }] } });
    for (const engine of engines) expect((await p.evaluate({ name: { first: 'Li' } }, { asOf, engine })).fired.map((f) => f.rule), engine).toEqual(['r']);
  });

  it("runs with the pack's undefinedFacts, not a forced allowUndefinedFacts: an absent fact is rejected as json-rules-engine rejects it", async () => {
    const p = pack({ undefinedFacts: 'error' });
    await expect(p.evaluate({}, { asOf, engine: 'json-rules-engine' })).rejects.toMatchObject({ code: 'INVALID_FACTS', problems: [expect.objectContaining({ path: '/x' })] });
  });
});
