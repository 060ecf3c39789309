/**
 * `undefinedFacts` (json-rules-engine's `allowUndefinedFacts`): "allow" reads an absent fact as undefined, so
 * negative operators fire on it; "error" answers INVALID_FACTS naming every absent fact a rule read — on the
 * compiled evaluator and on the reference engine alike — unless the fact schema gives a default, and only facts
 * actually read count (a condition skipped by a higher-priority set reads nothing).
 */
import { describe, expect, it } from 'vitest';
import { loadPack } from './pack.js';
import { testPackHeader } from './test-pack.fixture.js';

const asOf = '2026-03-01T10:00:00+08:00';

function pack(undefinedFacts: 'allow' | 'error' | undefined, conditions: unknown, properties: Record<string, unknown> = { tier: {}, vip: {}, spend: {}, 'a/b': {} }, params?: unknown) {
  return loadPack({
    ...testPackHeader('undefined-facts'),
    ...(undefinedFacts ? { undefinedFacts } : {}),
    facts: { type: 'object', properties },
    rules: [{ name: 'Rule', source: 's 1', conditions, event: { type: 'e', ...(params ? { params } : {}) } }],
    default: {},
    outcome: { type: 'object' },
  });
}
const notGold = { all: [{ fact: 'tier', operator: 'notEqual', value: 'gold' }] };

async function both(p: ReturnType<typeof pack>, facts: Record<string, unknown>) {
  const run = async (engine: 'compiled' | 'json-rules-engine') => {
    try {
      return (await p.evaluate(facts, { asOf, engine })).fired.map((f) => f.rule);
    } catch (error) {
      const e = error as { code: string; problems: Array<{ path: string; code: string }> };
      return { code: e.code, problems: e.problems.map((x) => `${x.code} ${x.path}`) };
    }
  };
  const compiled = await run('compiled');
  expect(await run('json-rules-engine')).toEqual(compiled);
  return compiled;
}

describe('undefinedFacts', () => {
  it('"allow" (the default): an absent fact is undefined and notEqual fires on it', async () => {
    expect(await both(pack(undefined, notGold), {})).toEqual(['Rule']);
    expect(await both(pack('allow', notGold), {})).toEqual(['Rule']);
  });

  it('"error": a rule reading an absent fact answers INVALID_FACTS naming it', async () => {
    expect(await both(pack('error', notGold), {})).toEqual({ code: 'INVALID_FACTS', problems: ['UNDEFINED_FACT /tier'] });
    expect(await both(pack('error', notGold), { tier: 'silver' })).toEqual(['Rule']);
  });

  it('"error": a schema default counts as present', async () => {
    expect(await both(pack('error', notGold, { tier: { default: 'gold' } }), {})).toEqual([]);
  });

  it('"error": a fact compared against and a fact in a fired rule\'s params count; pointers escape the name', async () => {
    const p = pack('error', { all: [{ fact: 'spend', operator: 'greaterThan', value: { fact: 'a/b' } }] });
    expect(await both(p, { spend: 5 })).toEqual({ code: 'INVALID_FACTS', problems: ['UNDEFINED_FACT /a~1b'] });
    const withParams = pack('error', { all: [] }, undefined, { who: { fact: 'vip' } });
    const e = await withParams.evaluate({}, { asOf }).catch((error: { problems: Array<{ path: string }> }) => error.problems.map((x) => x.path));
    expect(e).toEqual(['/vip']);
  });

  it('"error": only facts actually read count: a failing higher-priority condition stops the lower set', async () => {
    const guarded = { all: [{ fact: 'vip', operator: 'equal', value: true, priority: 10 }, { fact: 'spend', operator: 'greaterThan', value: 5, priority: 1 }] };
    expect(await both(pack('error', guarded), { vip: false })).toEqual([]);
    expect(await both(pack('error', guarded), { vip: true })).toEqual({ code: 'INVALID_FACTS', problems: ['UNDEFINED_FACT /spend'] });
  });
});
