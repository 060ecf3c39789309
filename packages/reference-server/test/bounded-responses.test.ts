/**
 * Answers are bounded by their requests: a single decision body of 857 KiB with 60,000 unknown keys, and a batch of
 * 803 KiB whose items carry unknown keys, used to answer 25 MiB and 37 MiB of problems (the single body is sent
 * here with 20,000 keys). Now every error lists at
 * most the first 100 problems (with the number left out as `truncated`), a batch shares one budget of 100 problems
 * over all its items, a problem's `found` is at most 200 characters, and the answer is smaller than the request.
 * SQLite and, when it answers, PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import { backends, freshStorage } from './backends.js';
import { testApp } from './helpers.js';

const asOf = '2026-01-15T10:00:00+08:00';

/** Facts with `n` unknown keys (each refused by quality-severity's closed fact schema). */
function unknownKeys(n: number, prefix: string): Record<string, unknown> {
  const facts: Record<string, unknown> = { claimAmountYuan: 1 };
  for (let i = 0; i < n; i++) facts[`${prefix}${i}`] = i;
  return facts;
}

for (const b of backends) {
  describe.skipIf(!b.enabled)(`bounded responses on ${b.name}`, () => {
    const fresh = freshStorage(b.make);

    it('caps the problems of one decision at 100 with a truncated count, smaller than the request', { timeout: 60_000 }, async () => {
      const { call } = await testApp(fresh.storage());
      // 20,000 keys (about 290 KiB, screened in the worker thread): the attack's 60,000 answered the same way, but
      // take the screening budget on a loaded machine.
      const body = JSON.stringify({ facts: unknownKeys(20_000, 'uf'), asOf });
      expect(body.length).toBeGreaterThan(256 * 1024);
      const res = await call('POST', '/v1/packs/quality-severity/decisions', body);
      expect(res.status).toBe(422);
      expect(res.json.error.problems).toHaveLength(100);
      expect(res.json.error.truncated).toBe(20_000 - 100);
      expect(res.text.length).toBeLessThan(body.length);
      expect(res.text.length).toBeLessThan(64 * 1024);
    });

    it('shares one budget of 100 problems over a whole batch, and answers less than it was sent', { timeout: 60_000 }, async () => {
      const { call } = await testApp(fresh.storage());
      const items = Array.from({ length: 1000 }, (_, i) => ({ facts: unknownKeys(60, `k${i}x`), asOf }));
      const body = JSON.stringify({ items });
      expect(body.length).toBeGreaterThan(800 * 1024);
      const res = await call('POST', '/v1/packs/quality-severity/decisions:batch', body);
      expect(res.status).toBe(200);
      expect(res.json.failed).toBe(1000);
      const listed = res.json.results.reduce((n: number, r: { error: { problems?: unknown[] } }) => n + (r.error.problems?.length ?? 0), 0);
      const left = res.json.results.reduce((n: number, r: { error: { truncated?: number } }) => n + (r.error.truncated ?? 0), 0);
      expect(listed).toBe(100);
      expect(listed + left).toBe(60_000);
      expect(res.json.results.every((r: { error: { code: string } }) => r.error.code === 'INVALID_FACTS')).toBe(true);
      expect(res.text.length).toBeLessThan(body.length);
    });

    it('shortens a problem that quotes a huge value', async () => {
      const { call } = await testApp(fresh.storage());
      const res = await call('POST', '/v1/packs/quality-severity/decisions', { facts: { claimAmountYuan: 1, ['x'.repeat(50_000)]: 1 }, asOf });
      expect(res.status).toBe(422);
      expect(res.text.length).toBeLessThan(4096);
    });
  });
}
