/**
 * Heavy admin work runs in the admin worker thread, not on the event loop: while a 100,000-rule version of
 * mini-warranty is uploaded (parsed, compiled and tested in the thread), `/healthz` is answered; an upload over the
 * admin time budget is refused with `503 ADMIN_BUDGET_EXCEEDED` (zh + en) and leaves the catalogue and storage as
 * they were; an upload within budget is stored and compiled on activation. No timed assertion: the budget is set far below what compiling
 * 20,000 rules takes, and "answered during the upload" is an ordering, not a duration. Runs from the sources under
 * vitest: the thread's entry is the built `dist/admin-worker.js` (see versions/runner.ts), so `pnpm build` first.
 */
import { describe, expect, it } from 'vitest';
import { backends, freshStorage } from './backends.js';
import { testApp, WARRANTY_DOC } from './helpers.js';

const ADMIN = { authorization: 'Bearer s3cret-token' };

/** mini-warranty with `rules` rules (rule i fires on a mileage of exactly i km) and a one-case suite. */
function bigUpload(version: string, rules: number): string {
  const doc = { ...WARRANTY_DOC, version, rules: [] as unknown[] };
  for (let i = 0; i < rules; i++) {
    doc.rules.push({ name: `exactly-${i}-km`, source: 'T §1', conditions: { all: [{ fact: 'mileageKm', operator: 'equal', value: i }] }, event: { type: 'covered', params: { covered: true } } });
  }
  const suite = { pack: 'mini-warranty', asOf: '2026-01-01T00:00:00Z', cases: [{ name: 'five km', facts: { vin: 'V1', mileageKm: 5 }, expect: { outcome: { covered: true } } }] };
  return JSON.stringify({ pack: doc, suite });
}

for (const b of backends) {
  describe.skipIf(!b.enabled)(`admin work in the worker thread on ${b.name}`, () => {
    const fresh = freshStorage(b.make);

    it.skipIf(b.name !== 'sqlite')('answers /healthz while a 100,000-rule pack is uploaded, and stores the upload as a draft', { timeout: 180_000 }, async () => {
      const storage = fresh.storage();
      const { call } = await testApp(storage, { config: { adminToken: 's3cret-token', bodyLimitBytes: 64 * 1024 * 1024 } });
      const body = bigUpload('2.0.0', 100_000);
      let uploadDone = false;
      const upload = call('PUT', '/v1/packs/mini-warranty/versions/2.0.0', body, ADMIN).then((res) => {
        uploadDone = true;
        return res;
      });
      // /healthz requests sent one after another while the upload runs; each records whether the upload had
      // finished when it was answered, and its latency (for docs/reliability.md, not asserted).
      const answers: Array<{ status: number; beforeUpload: boolean; ms: number }> = [];
      while (!uploadDone) {
        const sent = performance.now();
        const health = await call('GET', '/healthz');
        answers.push({ status: health.status, beforeUpload: !uploadDone, ms: performance.now() - sent });
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const res = await upload;
      expect(res.status, res.text.slice(0, 500)).toBe(201);
      expect(res.json).toMatchObject({ pack: 'mini-warranty', version: '2.0.0', status: 'draft', suite: { passed: 1, failed: 0 } });
      const during = answers.filter((a) => a.beforeUpload);
      expect(during.length).toBeGreaterThan(0);
      expect(during.every((a) => a.status === 200)).toBe(true);
      const ms = during.map((a) => a.ms).sort((x, y) => x - y);
      console.log(
        `[admin-thread] /healthz during a 100,000-rule upload: ${ms.length} answered, median ${ms[Math.floor(ms.length / 2)]?.toFixed(1)} ms, max ${ms[ms.length - 1]?.toFixed(1)} ms`,
      );
      const versions = await call('GET', '/v1/packs/mini-warranty/versions');
      expect(versions.json.versions.map((v: { version: string; status: string }) => `${v.version}:${v.status}`)).toEqual(['1.0.0:active', '2.0.0:draft']);
    });

    it('refuses an upload over the admin time budget with 503 and zh + en, stores nothing; a later upload within budget is stored and activates', { timeout: 120_000 }, async () => {
      const storage = fresh.storage();
      const { call } = await testApp(storage, { config: { adminToken: 's3cret-token', bodyLimitBytes: 64 * 1024 * 1024, adminBudgetMs: 20 } });
      const before = (await call('GET', '/v1/packs/mini-warranty/versions')).json;
      const storedBefore = (await storage.listPackVersions()).map((v) => `${v.pack}@${v.version}`).sort();
      const res = await call('PUT', '/v1/packs/mini-warranty/versions/2.0.0', bigUpload('2.0.0', 20_000), ADMIN);
      expect(res.status).toBe(503);
      expect(res.json.error.code).toBe('ADMIN_BUDGET_EXCEEDED');
      expect(res.json.error.message.zh).toMatch(/时间预算/);
      expect(res.json.error.message.en).toMatch(/time budget of 20 ms/);
      expect(res.json.error.problems).toEqual([expect.objectContaining({ code: 'ADMIN_BUDGET_EXCEEDED', expected: 20 })]);
      expect((await call('GET', '/v1/packs/mini-warranty/versions')).json).toEqual(before);
      expect((await storage.listPackVersions()).map((v) => `${v.pack}@${v.version}`).sort()).toEqual(storedBefore);
      expect((await call('GET', '/v1/packs/mini-warranty/versions/2.0.0')).status).toBe(404);

      // An upload within budget (an app with the default budget) is stored, and compiled here when activated.
      const roomy = await testApp(storage, { config: { adminToken: 's3cret-token' } });
      const small = await roomy.call('PUT', '/v1/packs/mini-warranty/versions/2.0.1', bigUpload('2.0.1', 10), ADMIN);
      expect(small.status, small.text.slice(0, 500)).toBe(201);
      expect((await roomy.call('POST', '/v1/packs/mini-warranty/versions/2.0.1/impact', {}, ADMIN)).status).toBe(200);
      expect((await roomy.call('POST', '/v1/packs/mini-warranty/versions/2.0.1/activate', undefined, ADMIN)).status).toBe(200);
      const decided = await roomy.call('POST', '/v1/packs/mini-warranty/decisions', { facts: { vin: 'V1', mileageKm: 7 }, asOf: '2026-01-01T00:00:00Z' });
      expect(decided.status).toBe(201);
      expect(decided.json).toMatchObject({ version: '2.0.1', outcome: { covered: true } });
    });

    it('screens large decision bodies in a worker thread: the same answers as on the event loop, nothing recorded for a refusal', { timeout: 120_000 }, async () => {
      const storage = fresh.storage();
      const screened = await testApp(storage, { config: { screenBodyBytes: 1024 } });
      const inline = await testApp(storage, { config: { screenBodyBytes: 64 * 1024 * 1024 } });
      const asOf = '2026-01-01T00:00:00Z';
      const bodies = {
        // Half a MiB of facts with an unknown property: refused by the fact schema.
        unknownFact: JSON.stringify({ facts: { vin: 'V1', mileageKm: 5, notes: 'x'.repeat(512 * 1024) }, asOf }),
        deep: `{"facts":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}`,
        outOfRange: `{"facts":{"vin":"${'V'.repeat(4096)}","mileageKm":5},"parameters":{"mileageLimitKm":1e400},"asOf":"${asOf}"}`,
        badDate: JSON.stringify({ facts: { vin: 'V'.repeat(4096), mileageKm: 5 }, asOf: '2026-02-31T10:00:00+08:00' }),
        malformed: `{"facts":{"vin":"${'V'.repeat(4096)}"`,
      };
      const strip = (json: { requestId?: string }): unknown => ({ ...json, requestId: undefined });
      for (const [name, body] of Object.entries(bodies)) {
        const a = await screened.call('POST', '/v1/packs/mini-warranty/decisions', body);
        const b = await inline.call('POST', '/v1/packs/mini-warranty/decisions', body);
        expect(a.status, name).toBeGreaterThanOrEqual(400);
        expect(a.status, name).toBeLessThan(500);
        expect([a.status, strip(a.json)], name).toEqual([b.status, strip(b.json)]);
      }
      expect((await screened.call('GET', '/v1/decisions')).json.items).toEqual([]);
      // A large body that decides is decided and recorded as usual.
      const valid = JSON.stringify({ facts: { vin: 'V'.repeat(100_000), mileageKm: 5 }, asOf });
      const decided = await screened.call('POST', '/v1/packs/mini-warranty/decisions', valid);
      expect(decided.status, decided.text.slice(0, 300)).toBe(201);
      expect(decided.json.outcome).toEqual({ covered: true });
      expect((await screened.call('GET', '/v1/decisions')).json.items).toHaveLength(1);
      // Over the screening budget: 503 with zh + en, nothing recorded.
      const hurried = await testApp(storage, { config: { screenBodyBytes: 1024, screenBudgetMs: 1 } });
      const late = await hurried.call('POST', '/v1/packs/mini-warranty/decisions', bodies.unknownFact);
      expect(late.status).toBe(503);
      expect(late.json.error.code).toBe('SCREEN_BUDGET_EXCEEDED');
      expect(late.json.error.message).toEqual({ zh: expect.stringMatching(/预算/), en: expect.stringMatching(/budget of 1 ms/) });
      expect((await screened.call('GET', '/v1/decisions')).json.items).toHaveLength(1);
    });
  });
}
