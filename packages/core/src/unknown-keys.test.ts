/**
 * A misspelt key is never silently dropped: every object of a pack (the pack, a rule, its event, a leaf, a group,
 * a shared-condition reference, a parameter, a source) refuses a key unknown to both the pack format and
 * json-rules-engine, with the key's pointer, the keys allowed there and the closest of them; a host's own keys
 * live under `meta`. And the conversion that moves a json-rules-engine rule's unknown keys under `meta`.
 */
import { describe, expect, it } from 'vitest';
import { loadPack, validatePack } from './pack.js';
import { moveConditionKeysToMeta, moveRuleKeysToMeta } from './pack-meta.js';
import { testPackHeader } from './test-pack.fixture.js';

type Json = Record<string, unknown>;

/** A valid pack; `edit` changes a copy before it is checked. */
function pack(edit: (d: Json & { rules: Json[] }) => void = () => undefined): Json {
  const d = {
    ...testPackHeader('strict-keys'),
    parameters: {
      limit: { type: 'number', value: 10, description: { zh: '上限', en: 'limit' }, notPublished: true },
    },
    conditions: { big: { all: [{ fact: 'amount', operator: 'greaterThan', value: { param: 'limit' } }] } },
    facts: { type: 'object', properties: { amount: { type: 'number' }, tier: { type: 'string' } } },
    rules: [
      {
        name: 'big-gold',
        source: 's 1',
        priority: 5,
        conditions: { all: [{ condition: 'big' }, { any: [{ fact: 'tier', operator: 'equal', value: 'gold' }] }] },
        event: { type: 'escalate', params: { level: 2 } },
      },
    ],
    default: {},
    outcome: { type: 'object' },
  } as unknown as Json & { rules: Json[] };
  edit(d);
  return d;
}

const rule0 = (d: { rules: Json[] }) => d.rules[0] as Json & { conditions: { all: Json[] }; event: Json };

describe('unknown keys are refused with did-you-mean', () => {
  it('the valid pack loads', () => {
    expect(validatePack(pack())).toEqual([]);
  });

  it.each([
    ['a rule', (d: { rules: Json[] }) => Object.assign(rule0(d), { priorty: 5 }), '/rules/0/priorty', 'priority'],
    ['a rule message', (d: { rules: Json[] }) => Object.assign(rule0(d), { mesage: { zh: '升级', en: 'escalate' } }), '/rules/0/mesage', 'message'],
    ['an event', (d: { rules: Json[] }) => Object.assign(rule0(d).event, { parms: {} }), '/rules/0/event/parms', 'params'],
    ['a group', (d: { rules: Json[] }) => Object.assign(rule0(d).conditions, { priorty: 2 }), '/rules/0/conditions/priorty', 'priority'],
    ['a reference', (d: { rules: Json[] }) => Object.assign(rule0(d).conditions.all[0]!, { nme: 'x' }), '/rules/0/conditions/all/0/nme', 'name'],
    [
      'a leaf',
      (d: { rules: Json[] }) => Object.assign((rule0(d).conditions.all[1] as { any: Json[] }).any[0]!, { pth: '$.a' }),
      '/rules/0/conditions/all/1/any/0/pth',
      'path',
    ],
    ['a shared condition', (d: Json) => Object.assign((d.conditions as { big: Json }).big, { nmae: 'big' }), '/conditions/big/nmae', 'name'],
    ['a parameter', (d: Json) => Object.assign((d.parameters as { limit: Json }).limit, { unti: 'yuan' }), '/parameters/limit/unti', 'unit'],
    ['a source', (d: Json) => Object.assign((d.sources as Json[])[0]!, { cluase: '1' }), '/sources/0/cluase', 'clause'],
    ['the pack', (d: Json) => Object.assign(d, { defaultMesage: { zh: '无', en: 'none' } }), '/defaultMesage', 'defaultMessage'],
  ] as const)('on %s: UNKNOWN_KEY at the key, with the keys allowed and the closest', (_where, edit, path, suggestion) => {
    const problems = validatePack(pack(edit as (d: Json & { rules: Json[] }) => void));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path, code: 'UNKNOWN_KEY', suggestion, expected: expect.arrayContaining([suggestion, 'meta']) });
    expect(problems[0]!.message).toContain(`did you mean "${suggestion}"?`);
    expect(() => loadPack(pack(edit as (d: Json & { rules: Json[] }) => void))).toThrow(/INVALID_PACK|unknown key/);
  });

  it('a key with nothing close is refused without a suggestion', () => {
    const [problem] = validatePack(pack((d) => Object.assign(rule0(d), { ticketReference: 'OPS-1' })));
    expect(problem).toMatchObject({ path: '/rules/0/ticketReference', code: 'UNKNOWN_KEY', found: 'ticketReference' });
    expect(problem!.suggestion).toBeUndefined();
  });

  it('meta is free-form on the pack, a rule, its event, a condition, a parameter and a source, and decides nothing', () => {
    const meta = { owner: 'ops', ticket: ['OPS-1'], nested: { any: 1 } };
    const d = pack((doc) => {
      Object.assign(doc, { meta });
      Object.assign(rule0(doc), { meta });
      Object.assign(rule0(doc).event, { meta });
      Object.assign(rule0(doc).conditions, { meta });
      Object.assign(rule0(doc).conditions.all[0]!, { meta });
      Object.assign((rule0(doc).conditions.all[1] as { any: Json[] }).any[0]!, { meta });
      Object.assign((doc.parameters as { limit: Json }).limit, { meta });
      Object.assign((doc.sources as Json[])[0]!, { meta });
    });
    expect(validatePack(d)).toEqual([]);
    const asOf = '2026-03-01T10:00:00+08:00';
    const withMeta = loadPack(d).evaluateSync({ amount: 20, tier: 'gold' }, { asOf });
    const without = loadPack(pack()).evaluateSync({ amount: 20, tier: 'gold' }, { asOf });
    expect(withMeta.fired).toEqual(without.fired);
    expect(withMeta.fired[0]!.event).toEqual({ type: 'escalate', params: { level: 2 } });
  });

  it('meta must be an object', () => {
    expect(validatePack(pack((d) => Object.assign(rule0(d), { meta: 'ops' })))).toMatchObject([{ path: '/rules/0/meta', code: 'schema.type' }]);
  });

  it('json-rules-engine\'s own keys stay accepted: condition name and priority, rule name and priority, event params', () => {
    const d = pack((doc) => {
      Object.assign(rule0(doc).conditions, { name: 'root', priority: '2' });
      Object.assign((rule0(doc).conditions.all[1] as { any: Json[] }).any[0]!, { name: 'gold', priority: 3, path: '$' });
    });
    expect(validatePack(d)).toEqual([]);
  });
});

describe('moving a json-rules-engine rule\'s unknown keys under meta', () => {
  const jre = {
    name: 'Priority Customer',
    customId: 'R-001',
    priority: 2,
    meta: { owner: 'ops' },
    conditions: {
      id: 'root',
      all: [{ fact: 'tier', operator: 'equal', value: 'gold', description: 'gold tier' }, { not: { condition: 'blocked', note: 'n' } }],
    },
    event: { type: 'priority-queue', params: { queue: 'gold' }, channel: 'sms' },
  };

  it('moves each unknown key under the meta of the object that held it, reporting each, and leaves the input alone', () => {
    const before = structuredClone(jre);
    const { rule, moved } = moveRuleKeysToMeta(jre, '/rules/0');
    expect(jre).toEqual(before);
    expect(rule).toEqual({
      name: 'Priority Customer',
      priority: 2,
      meta: { owner: 'ops', customId: 'R-001' },
      conditions: {
        all: [{ fact: 'tier', operator: 'equal', value: 'gold', meta: { description: 'gold tier' } }, { not: { condition: 'blocked', meta: { note: 'n' } } }],
        meta: { id: 'root' },
      },
      event: { type: 'priority-queue', params: { queue: 'gold' }, meta: { channel: 'sms' } },
    });
    expect(moved.map((m) => `${m.from} -> ${m.to}`)).toEqual([
      '/rules/0/customId -> /rules/0/meta/customId',
      '/rules/0/event/channel -> /rules/0/event/meta/channel',
      '/rules/0/conditions/id -> /rules/0/conditions/meta/id',
      '/rules/0/conditions/all/0/description -> /rules/0/conditions/all/0/meta/description',
      '/rules/0/conditions/all/1/not/note -> /rules/0/conditions/all/1/not/meta/note',
    ]);
  });

  it('never overwrites a key already under meta, and moves a meta that is not an object', () => {
    const { rule, moved } = moveRuleKeysToMeta({ name: 'r', owner: 'b', meta: { owner: 'a' }, conditions: { all: [] }, event: { type: 'e' } });
    expect(rule.meta).toEqual({ owner: 'a', 'owner-2': 'b' });
    expect(moved).toEqual([{ from: '/owner', to: '/meta/owner-2' }]);
    expect(moveRuleKeysToMeta({ name: 'r', meta: 'text', conditions: { all: [] }, event: { type: 'e' } }).rule.meta).toEqual({ meta: 'text' });
  });

  it('a converted rule set loads as a pack; a shared condition converts the same way', () => {
    const { condition, moved } = moveConditionKeysToMeta({ all: [{ fact: 'tier', operator: 'equal', value: 'banned', id: 'c' }] }, '/conditions/blocked');
    expect(moved).toEqual([{ from: '/conditions/blocked/all/0/id', to: '/conditions/blocked/all/0/meta/id' }]);
    const d = {
      ...testPackHeader('converted'),
      conditions: { blocked: condition },
      facts: { type: 'object', properties: { tier: { type: 'string' } } },
      rules: [{ ...moveRuleKeysToMeta(jre).rule, source: 's 1' }],
      default: {},
      outcome: { type: 'object' },
    };
    expect(validatePack(d)).toEqual([]);
    expect(validatePack({ ...d, rules: [{ ...jre, source: 's 1' }], conditions: { blocked: { all: [] } } }).map((p) => p.code)).toContain('UNKNOWN_KEY');
  });
});
