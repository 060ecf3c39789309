/**
 * Masking covers the whole stored record, on SQLite and PostgreSQL: a masked fact's value appears nowhere in what
 * is logged — not in the facts, the explanation's fact values, the values conditions compared against, the
 * outcome or the fired rules' params that copied it — while the caller still receives its decision unmasked, and
 * replay of the masked record is identical.
 */
import { describe, expect, it } from 'vitest';
import { loadPack, PackRegistry } from '@aftersales/core';
import { MASKED } from '../src/masking.js';
import { backends, freshStorage } from './backends.js';
import { testApp, WARRANTY_DOC } from './helpers.js';

/** mini-warranty whose outcome and fired params carry the VIN, and whose rule compares the name with the VIN. */
function echoingPack() {
  const doc = structuredClone(WARRANTY_DOC) as unknown as Record<string, any>;
  doc.id = 'vin-echo';
  doc.rules[0].conditions.all.push({ fact: 'customer', path: 'name', operator: 'notEqual', value: { fact: 'vin' } });
  doc.rules[0].event.params = { covered: true, vin: { fact: 'vin' }, phone: { fact: 'customer', path: 'phone' } };
  doc.default = { covered: false, vin: 'none', phone: 'none' };
  doc.outcome.properties.vin = { type: 'string' };
  doc.outcome.properties.phone = { type: 'string' };
  return doc;
}

for (const b of backends) {
  describe.skipIf(!b.enabled)(`masking the whole record on ${b.name}`, () => {
    const fresh = freshStorage(b.make);

    it('stores no trace of a masked value, answers the caller unmasked, and replays identical', async () => {
      const packs = new PackRegistry();
      packs.add(loadPack(echoingPack()));
      const { call } = await testApp(fresh.storage(), { packs, config: { maskFields: ['vin', 'customer.phone'] } });
      const vin = 'LSVAB4183E2109876';
      const phone = '13800138000';
      const res = await call('POST', '/v1/packs/vin-echo/decisions', {
        facts: { vin, mileageKm: 10, customer: { name: 'Wang', phone } },
        asOf: '2026-01-15T10:00:00+08:00',
      });
      expect(res.status).toBe(201);
      expect(res.json.outcome).toEqual({ covered: true, vin, phone });
      const stored = await fresh.storage().getDecision(res.json.decisionId);
      const text = JSON.stringify(stored);
      expect(text).not.toContain(vin);
      expect(text).not.toContain(phone);
      expect(stored?.outcome).toEqual({ covered: true, vin: MASKED, phone: MASKED });
      expect(stored?.decision.fired[0]?.event.params).toMatchObject({ vin: MASKED, phone: MASKED });
      const compared = stored?.decision.explanation[0]?.conditions.find((c) => c.fact === 'customer' && c.path === 'name');
      expect(compared).toMatchObject({ value: MASKED, factValue: 'Wang' });
      const replay = await call('POST', `/v1/decisions/${res.json.decisionId}/replay`);
      expect(replay.json.identical).toBe(true);
    });
  });
}
