/**
 * The host's `reference` and `context` and the dry run, on SQLite and PostgreSQL: both are stored in the entry
 * (covered by its hash: editing the stored reference breaks verification), the context is masked by
 * `context.`-prefixed mask paths like facts, both come back on read and replay, `GET /v1/decisions?reference=`
 * lists that claim's decisions newest first (paged), batch items take them, shapes outside the limits are refused
 * with 422; `?dryRun=true` decides exactly as a logged call and writes nothing.
 */
import { describe, expect, it } from 'vitest';
import { backends, dropLogGuards, freshStorage } from './backends.js';
import { fullVerify, testApp, VERIFY_TOKEN } from './helpers.js';

const asOf = '2026-01-15T10:00:00+08:00';
const QS = '/v1/packs/quality-severity/decisions';

for (const b of backends) {
  describe.skipIf(!b.enabled)(`reference, context and dry run on ${b.name}`, () => {
    const fresh = freshStorage(b.make);

    it('stores, hashes, masks and returns the reference and context, and finds a claim by reference newest first', async () => {
      const { call } = await testApp(fresh.storage(), { config: { maskFields: ['context.vin'], adminToken: VERIFY_TOKEN } });
      const context = { vin: 'LSVAB4183E2123456', dealer: 'D-17', operator: '王工' };
      const ids: string[] = [];
      for (const [i, reference] of ['CLM-1', 'CLM-2', 'CLM-1', 'CLM-1'].entries()) {
        const res = await call('POST', QS, { facts: { claimAmountYuan: 10000 * (i + 1) }, asOf, reference, context });
        expect(res.status).toBe(201);
        ids.push(res.json.decisionId);
      }
      const read = await call('GET', `/v1/decisions/${ids[0]}`);
      expect(read.json).toMatchObject({ reference: 'CLM-1', context: { vin: '[masked]', dealer: 'D-17', operator: '王工' } });
      expect(read.json.entry).toMatchObject({ reference: 'CLM-1', context: { vin: '[masked]' } });
      expect(read.text).not.toContain('LSVAB4183E2123456');
      const replay = await call('POST', `/v1/decisions/${ids[0]}/replay`);
      expect(replay.json).toMatchObject({ identical: true, reference: 'CLM-1', context: { dealer: 'D-17' } });

      const claim = await call('GET', '/v1/decisions?reference=CLM-1&limit=2');
      expect(claim.json.items.map((i: { decisionId: string }) => i.decisionId)).toEqual([ids[3], ids[2]]);
      expect(claim.json.items[0]).toMatchObject({ reference: 'CLM-1', seq: 4 });
      const rest = await call('GET', `/v1/decisions?reference=CLM-1&limit=2&cursor=${claim.json.nextCursor}`);
      expect(rest.json).toEqual({ items: [expect.objectContaining({ decisionId: ids[0] })], nextCursor: null });
      expect((await call('GET', '/v1/decisions?reference=CLM-9')).json.items).toEqual([]);

      expect((await fullVerify(call)).json.ok).toBe(true);
      await dropLogGuards(fresh.backend());
      await fresh.backend().sql("UPDATE decisions SET reference = 'CLM-2' WHERE seq = 1");
      // The record is below the verified watermark now: a full re-verification finds the edit.
      expect((await fullVerify(call)).json.firstBroken).toMatchObject({ seq: 1, reason: 'hash-mismatch' });
    });

    it('takes reference and context on batch items, and refuses them outside their limits', async () => {
      const { call } = await testApp(fresh.storage());
      const batch = await call('POST', `${QS}:batch`, {
        items: [
          { facts: { claimAmountYuan: 1000 }, asOf, reference: 'WO-7', context: { dealer: 'D-1' } },
          { facts: { claimAmountYuan: 1000 }, asOf, reference: '' },
          { facts: { claimAmountYuan: 1000 }, asOf, context: ['not', 'an', 'object'] },
        ],
      });
      expect(batch.status).toBe(201);
      expect(batch.json.results.map((r: { status: number }) => r.status)).toEqual([201, 422, 422]);
      expect(batch.json.results[1].error.problems[0]).toMatchObject({ path: '/items/1/reference' });
      expect(batch.json.results[2].error.problems[0]).toMatchObject({ path: '/items/2/context' });
      expect((await call('GET', `/v1/decisions/${batch.json.results[0].decisionId}`)).json).toMatchObject({ reference: 'WO-7', context: { dealer: 'D-1' } });

      const long = await call('POST', QS, { facts: { claimAmountYuan: 1 }, asOf, reference: 'x'.repeat(201) });
      expect(long.status).toBe(422);
      expect(long.json.error.problems[0]).toMatchObject({ path: '/reference', found: 201 });
      expect((await call('POST', QS, { facts: { claimAmountYuan: 1 }, asOf, reference: 'x'.repeat(200) })).status).toBe(201);
      const big = await call('POST', QS, { facts: { claimAmountYuan: 1 }, asOf, context: { note: 'x'.repeat(16 * 1024) } });
      expect(big.status).toBe(422);
      expect(big.json.error.problems[0]).toMatchObject({ path: '/context' });
    });

    it('decides a dry run exactly as a logged call, answers 200 recorded false with no decisionId, and writes nothing', async () => {
      const { call } = await testApp(fresh.storage());
      const body = { facts: { claimAmountYuan: 50000 }, asOf, reference: 'CLM-DRY' };
      const logged = await call('POST', QS, body);
      const head = (await call('GET', '/v1/audit/head')).json;
      const dry = await call('POST', `${QS}?dryRun=true`, body);
      expect(dry.status).toBe(200);
      expect(dry.json.recorded).toBe(false);
      expect(dry.json.decisionId).toBeUndefined();
      expect(dry.headers.get('location')).toBeNull();
      const { decisionId: _id, ...decision } = logged.json as Record<string, unknown>;
      const { recorded: _r, ...dryDecision } = dry.json as Record<string, unknown>;
      expect(dryDecision).toEqual(decision);
      const dryBatch = await call('POST', `${QS}:batch?dryRun=true`, { items: [body, { facts: { claimAmountYuan: -1 }, asOf }] });
      expect(dryBatch.status).toBe(200);
      expect(dryBatch.json).toMatchObject({ recorded: false, stored: 0, decided: 1 });
      expect(dryBatch.json.results[0]).toMatchObject({ status: 200, recorded: false, outcome: logged.json.outcome });
      expect(dryBatch.json.results[0].decisionId).toBeUndefined();
      expect((await call('GET', '/v1/audit/head')).json).toMatchObject({ seq: head.seq, hash: head.hash });
      expect((await call('GET', '/v1/decisions?reference=CLM-DRY')).json.items).toHaveLength(1);
      expect((await call('POST', `${QS}?dryRun=maybe`, body)).status).toBe(400);
    });
  });
}
