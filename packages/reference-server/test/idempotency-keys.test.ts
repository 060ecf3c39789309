/**
 * Idempotency keys of the decision routes, on SQLite and PostgreSQL: a repeat with the same key and body answers
 * the original decision (200, `Idempotency-Replayed: true`, same decisionId) and writes no record; another body is
 * 422 IDEMPOTENCY_KEY_REUSED; a key whose first request is still in flight is 409; a key past its window starts a
 * new decision; a refused decision releases its claim; two app instances on one database racing the same key
 * write one record; batch items follow the same rules; a bad header is 400; a dry run claims no key.
 */
import { describe, expect, it } from 'vitest';
import type { Storage } from '../src/index.js';
import { backends, freshStorage } from './backends.js';
import { testApp, TestClock } from './helpers.js';

const asOf = '2026-01-15T10:00:00+08:00';
const QS = '/v1/packs/quality-severity/decisions';
const body = { facts: { claimAmountYuan: 10000 }, asOf, reference: 'CLM-1' };
const keyed = (key: string): Record<string, string> => ({ 'Idempotency-Key': key });

async function count(call: Awaited<ReturnType<typeof testApp>>['call']): Promise<number> {
  return (await call('GET', '/v1/decisions?limit=1000')).json.items.length;
}

for (const b of backends) {
  describe.skipIf(!b.enabled)(`idempotency keys on ${b.name}`, () => {
    const fresh = freshStorage(b.make);

    it('answers a repeat with the same key and body with the original decision and writes no record', async () => {
      const { call } = await testApp(fresh.storage());
      const first = await call('POST', QS, body, keyed('claim-1-try'));
      expect(first.status).toBe(201);
      expect(first.headers.get('Idempotency-Replayed')).toBeNull();
      const again = await call('POST', QS, body, keyed('claim-1-try'));
      expect(again.status).toBe(200);
      expect(again.headers.get('Idempotency-Replayed')).toBe('true');
      expect(again.json.decisionId).toBe(first.json.decisionId);
      expect(again.json.outcome).toEqual(first.json.outcome);
      expect(await count(call)).toBe(1);
      const read = await call('GET', `/v1/decisions/${first.json.decisionId}`);
      expect(read.json).toMatchObject({ idempotencyKey: 'claim-1-try', entry: { idempotencyKey: 'claim-1-try', requestHash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) } });
      expect((await call('GET', '/v1/audit/verify')).json.ok).toBe(true);
    });

    it('refuses the same key with another body with 422 IDEMPOTENCY_KEY_REUSED in Chinese and English', async () => {
      const { call } = await testApp(fresh.storage());
      expect((await call('POST', QS, body, keyed('k-1'))).status).toBe(201);
      const other = await call('POST', QS, { ...body, facts: { claimAmountYuan: 20000 } }, keyed('k-1'));
      expect(other.status).toBe(422);
      expect(other.json.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(other.json.error.message.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(other.json.error.message.en).toContain('another request body');
      expect(await count(call)).toBe(1);
    });

    it('answers 409 IDEMPOTENCY_KEY_IN_FLIGHT while the first request with the key is not yet committed', async () => {
      const storage = fresh.storage();
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let arrived!: () => void;
      const appending = new Promise<void>((r) => (arrived = r));
      const slow: Storage = Object.create(storage) as Storage;
      slow.appendDecisions = async (records) => {
        arrived();
        await held;
        return storage.appendDecisions(records);
      };
      const { call } = await testApp(slow);
      const first = call('POST', QS, body, keyed('slow-1'));
      await appending;
      const during = await call('POST', QS, body, keyed('slow-1'));
      expect(during.status).toBe(409);
      expect(during.json.error.code).toBe('IDEMPOTENCY_KEY_IN_FLIGHT');
      expect(during.headers.get('Retry-After')).toBe('1');
      release();
      expect((await first).status).toBe(201);
      const after = await call('POST', QS, body, keyed('slow-1'));
      expect(after.status).toBe(200);
      expect(after.json.decisionId).toBe((await first).json.decisionId);
    });

    it('releases the claim of a refused decision, so that a corrected retry with the key decides', async () => {
      const { call } = await testApp(fresh.storage());
      const bad = await call('POST', QS, { facts: { claimAmountYuan: 'lots' }, asOf }, keyed('k-bad'));
      expect(bad.status).toBe(422);
      expect((await call('POST', QS, body, keyed('k-bad'))).status).toBe(201);
      const storage = fresh.storage();
      const failing: Storage = Object.create(storage) as Storage;
      failing.appendDecisions = () => Promise.reject(Object.assign(new Error('disk gone'), { code: 'STORAGE_UNAVAILABLE' }));
      const broken = await testApp(failing);
      expect((await broken.call('POST', QS, body, keyed('k-503'))).status).toBeGreaterThanOrEqual(500);
      expect((await call('POST', QS, body, keyed('k-503'))).status).toBe(201);
    });

    it('starts a new decision with a key older than the window (AFTERSALES_IDEMPOTENCY_TTL_HOURS)', async () => {
      const clock = new TestClock();
      const { call } = await testApp(fresh.storage(), { clock, config: { idempotencyTtlHours: 2 } });
      const first = await call('POST', QS, body, keyed('k-ttl'));
      clock.advance(2 * 3_600_000 - 1000);
      expect((await call('POST', QS, body, keyed('k-ttl'))).json.decisionId).toBe(first.json.decisionId);
      clock.advance(2000);
      const later = await call('POST', QS, { ...body, facts: { claimAmountYuan: 1 } }, keyed('k-ttl'));
      expect(later.status).toBe(201);
      expect(later.json.decisionId).not.toBe(first.json.decisionId);
      expect(await count(call)).toBe(2);
    });

    it('writes one record when two app instances on one database race the same key', async () => {
      const one = await testApp(fresh.storage());
      const secondStorage = await fresh.backend().reopen();
      try {
        const two = await testApp(secondStorage);
        const answers = await Promise.all([
          one.call('POST', QS, body, keyed('race-1')),
          two.call('POST', QS, body, keyed('race-1')),
          one.call('POST', QS, body, keyed('race-1')),
          two.call('POST', QS, body, keyed('race-1')),
        ]);
        const created = answers.filter((a) => a.status === 201);
        expect(created).toHaveLength(1);
        for (const a of answers) expect([200, 201, 409]).toContain(a.status);
        const retry = await two.call('POST', QS, body, keyed('race-1'));
        expect(retry.json.decisionId).toBe(created[0]?.json.decisionId);
        expect(await count(one.call)).toBe(1);
      } finally {
        await secondStorage.close();
      }
    });

    it('applies keys to batch items: replayed 200, reused 422 and in-batch duplicate 409 in their results', async () => {
      const { call } = await testApp(fresh.storage());
      const item = { facts: { claimAmountYuan: 10000 }, asOf, idempotencyKey: 'item-1' };
      const first = await call('POST', `${QS}:batch`, { items: [item] });
      expect(first.json.results[0].status).toBe(201);
      const again = await call('POST', `${QS}:batch`, {
        items: [item, { ...item, facts: { claimAmountYuan: 5 } }, { ...item, idempotencyKey: 'item-2' }, { ...item, idempotencyKey: 'item-2' }],
      });
      expect(again.json.results.map((r: { status: number }) => r.status)).toEqual([200, 422, 201, 409]);
      expect(again.json.results[0]).toMatchObject({ replayed: true, decisionId: first.json.results[0].decisionId });
      expect(again.json.results[1].error.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(again.json).toMatchObject({ stored: 1, replayed: 1, failed: 2 });
      expect(await count(call)).toBe(2);
    });

    it('refuses a malformed Idempotency-Key with 400 and ignores the key on a dry run', async () => {
      const { call } = await testApp(fresh.storage());
      const bad = await call('POST', QS, body, keyed('has space'));
      expect(bad.status).toBe(400);
      expect(bad.json.error).toMatchObject({ code: 'INVALID_IDEMPOTENCY_KEY', problems: [{ path: '/headers/Idempotency-Key' }] });
      expect((await call('POST', `${QS}?dryRun=true`, body, keyed('dry-1'))).status).toBe(200);
      expect((await call('POST', QS, { ...body, facts: { claimAmountYuan: 7 } }, keyed('dry-1'))).status).toBe(201);
    });
  });
}
