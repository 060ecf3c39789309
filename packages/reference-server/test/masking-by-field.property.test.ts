/**
 * Masking is by field, not by string: a masked fact's value of any JSON type (string, number, boolean, null, array,
 * object) and any length (1–3 characters or items) leaves no trace in the stored record nor in what the log routes
 * answer — not in the facts, the outcome, the fired rule's params, a derived fact computed from it, the
 * explanation's fact and compared values, nor the messages (rendered again from the masked outcome) — and the
 * host's context is masked at the same paths and by the same values. The generated strings use letters found
 * nowhere else in the pack (Hangul, and Chinese names), so any of them in the record's text is a leak.
 * Fixed seed; `MASK_CASES` (default 150) sets the number of cases.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPack, PackRegistry } from '@aftersales/core';
import { MASKED, maskContext } from '../src/masking.js';
import type { Storage } from '../src/storage/types.js';
import { sqliteBackend, testApp, type Backend, type TestServer } from './helpers.js';

const RUNS = Number(process.env.MASK_CASES ?? 150);
const LETTERS = [...'王五赵钱孙李가각간갇갈감'];
const NAMES = [...'ㄱㄴㄷㄹ'];
const MASK = ['holder', 'customer.name'];

/** A pack that copies the masked `holder` and `customer.name` everywhere it can: outcome, params, derived, messages. */
const ECHO_DOC = {
  id: 'holder-echo',
  version: '1.0.0',
  title: { zh: '回显', en: 'Echo' },
  description: { zh: '测试用规则包', en: 'A pack for the masking property' },
  sources: [{ id: 'T', document: 'test', clause: '§1' }],
  effective: { from: '2020-01-01' },
  hitPolicy: 'first',
  facts: {
    type: 'object',
    additionalProperties: false,
    required: ['holder', 'probe', 'customer'],
    properties: {
      holder: {},
      probe: { type: 'string' },
      customer: { type: 'object', additionalProperties: false, properties: { name: {} } },
    },
  },
  derived: [{ name: 'holderCopy', calculator: 'coalesce', args: { values: [{ fact: 'holder' }, { fact: 'probe' }] } }],
  rules: [
    {
      name: 'echo',
      source: 'T §1',
      conditions: {
        all: [
          { fact: 'probe', operator: 'notEqual', value: { fact: 'holder' } },
          { fact: 'holder', operator: 'notEqual', value: 'never-this' },
          { fact: 'customer', path: 'name', operator: 'notEqual', value: 'never-this' },
        ],
      },
      event: { type: 'echo', params: { copy: { fact: 'holder' }, name: { fact: 'customer', path: 'name' }, derivedCopy: { fact: 'holderCopy' } } },
      message: { zh: '持有人«{{copy}}»«{{name}}»«{{derivedCopy}}»', en: 'holder «{{copy}}» «{{name}}» «{{derivedCopy}}»' },
    },
  ],
  default: { copy: 'none', name: 'none', derivedCopy: 'none' },
  defaultMessage: { zh: '无', en: 'none' },
  outcome: { type: 'object', properties: { copy: {}, name: {}, derivedCopy: {} } },
};

const text13 = fc.string({ unit: fc.constantFrom(...LETTERS), minLength: 1, maxLength: 3 });
const scalar = fc.oneof(text13, fc.integer({ min: -999, max: 999 }), fc.double({ min: -999, max: 999, noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
/** A masked value of every JSON type, of length (characters or items) 1–3. */
const maskedValue = fc.oneof(
  scalar,
  fc.array(scalar, { minLength: 1, maxLength: 3 }),
  fc.dictionary(fc.string({ unit: fc.constantFrom(...NAMES), minLength: 1, maxLength: 2 }), scalar, { minKeys: 1, maxKeys: 3 }),
);

const hasLetters = (text: string): string[] => [...LETTERS, ...NAMES].filter((l) => text.includes(l));

describe('masking by field', () => {
  let backend: Backend;
  let storage: Storage;
  let server: TestServer;
  beforeAll(async () => {
    backend = sqliteBackend();
    storage = await backend.open();
    const packs = new PackRegistry();
    packs.add(loadPack(ECHO_DOC));
    server = await testApp(storage, { packs, config: { maskFields: MASK } });
  });
  afterAll(async () => {
    await storage.close();
    await backend.cleanup();
  });

  it('leaves no masked value of any type or length in the stored record or the log routes', async () => {
    await fc.assert(
      fc.asyncProperty(maskedValue, maskedValue, async (holder, name) => {
        const facts = { holder, probe: 'zzz', customer: { name } };
        const res = await server.call('POST', '/v1/packs/holder-echo/decisions', { facts, asOf: '2026-01-15T10:00:00+08:00' });
        expect(res.status).toBe(201);
        // The caller gets its own decision unmasked.
        expect(res.json.outcome).toEqual(JSON.parse(JSON.stringify({ copy: holder, name, derivedCopy: holder ?? 'zzz' })));
        const stored = await storage.getDecision(res.json.decisionId);
        const read = await server.call('GET', `/v1/decisions/${res.json.decisionId}`);
        const list = await server.call('GET', '/v1/decisions?limit=1000');
        for (const text of [JSON.stringify(stored), read.text, list.text]) expect(hasLetters(text)).toEqual([]);
        const d = stored!.decision;
        expect(stored!.facts).toEqual({ holder: MASKED, probe: 'zzz', customer: { name: MASKED } });
        expect(stored!.outcome).toEqual({ copy: MASKED, name: MASKED, derivedCopy: MASKED });
        expect(d.fired[0]?.event.params).toEqual({ copy: MASKED, name: MASKED, derivedCopy: MASKED });
        expect(d.derived).toEqual({ holderCopy: MASKED });
        expect(d.messages).toEqual({ zh: '持有人«[masked]»«[masked]»«[masked]»', en: 'holder «[masked]» «[masked]» «[masked]»' });
        const conditions = d.explanation[0]?.conditions ?? [];
        expect(conditions.find((c) => c.fact === 'holder')?.factValue).toBe(MASKED);
        expect(conditions.find((c) => c.fact === 'customer')?.factValue).toBe(MASKED);
        // The probe compared against the holder: the value compared is the holder's, masked unless it is a
        // boolean or null (those are masked by field, and this is the probe's field).
        const probe = conditions.find((c) => c.fact === 'probe');
        if (typeof holder !== 'boolean' && holder !== null) expect(probe?.value).toBe(MASKED);

        // The host's context: masked at the same paths, and wherever it repeats a masked value.
        const context = maskContext({ holder, customer: { name }, claimant: holder, note: 'keep' }, MASK, facts) as Record<string, unknown>;
        expect(context.holder).toBe(MASKED);
        expect(context.customer).toEqual({ name: MASKED });
        expect(context.note).toBe('keep');
        expect(hasLetters(JSON.stringify(context))).toEqual([]);
        if (typeof holder !== 'boolean' && holder !== null) expect(context.claimant).toBe(MASKED);
      }),
      { numRuns: RUNS, seed: 20261207 },
    );
  });

  it('masks the two-character name and the number the attack found stored in clear in the messages', async () => {
    for (const holder of ['王五', 19900101123, 7, 'Zq']) {
      const res = await server.call('POST', '/v1/packs/holder-echo/decisions', { facts: { holder, probe: 'zzz', customer: { name: holder } }, asOf: '2026-01-15T10:00:00+08:00' });
      const stored = await storage.getDecision(res.json.decisionId);
      expect(stored?.decision.messages.en).toBe('holder «[masked]» «[masked]» «[masked]»');
      expect(JSON.stringify(stored)).not.toContain(`«${holder}»`);
      if (typeof holder === 'string') expect(JSON.stringify(stored)).not.toContain(holder);
      else if (holder > 1e6) expect(JSON.stringify(stored)).not.toContain(String(holder));
    }
    const replay = await server.call('POST', `/v1/decisions/${(await server.call('GET', '/v1/decisions?limit=1')).json.items[0].decisionId}/replay`);
    expect(replay.status).toBe(200);
  });
});
