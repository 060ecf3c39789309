/**
 * Requests that used to stall, crash or be misread, on SQLite and PostgreSQL: a 1 MiB body against a
 * `uniqueItems` fact (refused by the default `maxItems` without the pairwise check), an uploaded pack whose fact
 * pattern backtracks catastrophically under JavaScript's engine (RE2 answers at once), NUL bytes in URLs, paths no
 * route serves, out-of-range numbers, dates that do not exist, integers not written as plain digits, and admin
 * suite bodies of the wrong shape or nested 100,000 deep. Each answers a 4xx with a structured body; the hang
 * guard is the test timeout, not a timed assertion.
 */
import { describe, expect, it } from 'vitest';
import { loadPack, PackRegistry } from '@aftersales/core';
import { backends, freshStorage } from './backends.js';
import { bundledDoc, qualitySeverity, testApp, WARRANTY_DOC } from './helpers.js';

const ADMIN = { authorization: 'Bearer s3cret-token' };
const config = { adminToken: 's3cret-token' };

function packsWithProviderChanges(): PackRegistry {
  const registry = new PackRegistry();
  registry.add(loadPack(qualitySeverity().doc));
  registry.add(loadPack(WARRANTY_DOC));
  registry.add(loadPack(bundledDoc('provider-changes')));
  return registry;
}

for (const b of backends) {
  describe.skipIf(!b.enabled)(`bounded requests on ${b.name}`, () => {
    const fresh = freshStorage(b.make);

    it('refuses a 1 MiB uniqueItems array by maxItems, and keeps answering /healthz', { timeout: 20_000 }, async () => {
      const { call } = await testApp(fresh.storage(), { packs: packsWithProviderChanges() });
      const changes: string[] = [];
      const kinds = ['address', 'bank', 'account', 'contact-person'];
      let size = 0;
      while (size < 1024 * 1024 - 200) {
        const kind = kinds[changes.length % kinds.length] as string;
        changes.push(kind);
        size += kind.length + 3;
      }
      const body = JSON.stringify({ facts: { changes, changedOn: '2026-01-05' }, asOf: '2026-01-06T10:00:00+08:00' });
      expect(body.length).toBeGreaterThan(1_000_000);
      const [res, health] = await Promise.all([call('POST', '/v1/packs/provider-changes/decisions', body), call('GET', '/healthz')]);
      expect(res.status).toBe(422);
      expect(res.json.error.code).toBe('INVALID_FACTS');
      expect(res.json.error.problems).toEqual([expect.objectContaining({ path: '/changes', code: 'schema.maxItems' })]);
      // The answer is a short list of problems, not one problem per duplicate pair.
      expect(res.text.length).toBeLessThan(2000);
      expect(health.status).toBe(200);
    });

    it('answers a hostile string at once under an uploaded catastrophic pattern, and refuses a backreference at upload', { timeout: 20_000 }, async () => {
      const { call } = await testApp(fresh.storage(), { config });
      const doc = structuredClone(WARRANTY_DOC) as unknown as { version: string; facts: { properties: Record<string, unknown> } };
      doc.version = '1.1.0';
      doc.facts.properties.vin = { type: 'string', pattern: '^(a+)+$' };
      const suite = { pack: 'mini-warranty', asOf: '2026-01-15T10:00:00+08:00', cases: [{ name: 'a', facts: { vin: 'aaa', mileageKm: 1 }, expect: { outcome: { covered: true } } }] };
      expect((await call('PUT', '/v1/packs/mini-warranty/versions/1.1.0', { pack: doc, suite }, ADMIN)).status).toBe(201);
      expect((await call('POST', '/v1/packs/mini-warranty/versions/1.1.0/impact', {}, ADMIN)).status).toBe(200);
      expect((await call('POST', '/v1/packs/mini-warranty/versions/1.1.0/activate', undefined, ADMIN)).status).toBe(200);
      // 34 characters took about a minute with a backtracking engine; 100,000 are answered here.
      for (const vin of [`${'a'.repeat(33)}!`, `${'a'.repeat(100_000)}!`]) {
        const res = await call('POST', '/v1/packs/mini-warranty/decisions', { facts: { vin, mileageKm: 1 }, asOf: '2026-01-15T10:00:00+08:00' });
        expect(res.status).toBe(422);
        expect(res.json.error.problems[0]).toMatchObject({ path: '/vin', code: 'schema.pattern' });
      }
      const backref = structuredClone(doc);
      backref.version = '1.2.0';
      backref.facts.properties.vin = { type: 'string', pattern: '^(a)\\1$' };
      const refused = await call('PUT', '/v1/packs/mini-warranty/versions/1.2.0', { pack: backref, suite }, ADMIN);
      expect(refused.status).toBe(422);
      expect(refused.json.error.problems[0]).toMatchObject({ path: '/pack/facts', code: 'INVALID_SCHEMA' });
    });

    it('refuses a NUL byte in a path or query with 400, before storage sees it', async () => {
      const { call } = await testApp(fresh.storage());
      for (const path of ['/v1/decisions/%00', '/v1/decisions/a%00b/replay', '/v1/decisions?pack=%00', '/v1/packs/%00']) {
        const method = path.endsWith('replay') ? 'POST' : 'GET';
        const res = await call(method, path);
        expect(res.status, path).toBe(400);
        expect(res.json.error.code).toBe('INVALID_URL');
      }
    });

    it('answers 404 for paths no route serves, and logs nothing for them', async () => {
      const { call } = await testApp(fresh.storage());
      const items = { items: [{ facts: { claimAmountYuan: 1 } }] };
      for (const path of ['/v1/packs/quality-severity/decisions.json', '/v1/packs/quality-severity/decisionsX', '/v1/packs/quality-severity/decisions:batchy', '/v1/packs/quality-severity/decisions:']) {
        const res = await call('POST', path, items);
        expect(res.status, path).toBe(404);
        expect(res.json.error.code).toBe('NOT_FOUND');
      }
      expect(await fresh.storage().listDecisions({ limit: 10 })).toEqual([]);
      expect((await call('POST', '/v1/packs/quality-severity/decisions:batch', items)).status).toBe(201);
    });

    it('refuses parameter overrides and facts out of the finite range, and logs nothing', async () => {
      const { call } = await testApp(fresh.storage());
      const over = await call('POST', '/v1/packs/quality-severity/decisions', '{"facts":{"claimAmountYuan":1},"parameters":{"level2ClaimYuan":1e400}}');
      expect(over.status).toBe(422);
      expect(over.json.error.problems[0]).toMatchObject({ path: '/parameters/level2ClaimYuan', code: 'schema.finite' });
      const fact = await call('POST', '/v1/packs/quality-severity/decisions', '{"facts":{"claimAmountYuan":-1e999}}');
      expect(fact.status).toBe(422);
      expect(fact.json.error.problems[0]).toMatchObject({ path: '/facts/claimAmountYuan' });
      expect(await fresh.storage().listDecisions({ limit: 10 })).toEqual([]);
    });

    it('refuses asOf dates that do not exist on the calendar, and accepts real ones', async () => {
      const { call } = await testApp(fresh.storage());
      for (const asOf of ['2026-02-31T10:00:00+08:00', '2026-03-01T24:00:00+08:00', '2026-13-01T00:00:00Z', '2026-01-01T10:60:00Z', '2026-01-01T10:00:00+24:00', '2026-01-01 10:00:00Z', '2026-01-01']) {
        const res = await call('POST', '/v1/packs/quality-severity/decisions', { facts: { claimAmountYuan: 1 }, asOf });
        expect(res.status, asOf).toBe(422);
        expect(res.json.error.problems[0]).toMatchObject({ path: '/asOf', code: 'schema.format' });
      }
      const leap = await call('POST', '/v1/packs/quality-severity/decisions', { facts: { claimAmountYuan: 1 }, asOf: '2028-02-29T23:59:59.5+08:00' });
      expect(leap.status).toBe(201);
      expect(leap.json.asOf).toBe('2028-02-29T23:59:59.5+08:00');
      const badFrom = await call('GET', '/v1/decisions?from=2026-02-30');
      expect(badFrom.status).toBe(400);
    });

    it('reads limit only as plain digits', async () => {
      const { call } = await testApp(fresh.storage());
      for (const limit of ['1e3', '0x10', '%205%20', '+5', '05', '5.0', '0', '1001']) {
        const res = await call('GET', `/v1/decisions?limit=${limit}`);
        expect(res.status, limit).toBe(400);
        expect(res.json.error.code).toBe('INVALID_QUERY');
      }
      expect((await call('GET', '/v1/decisions?limit=5')).status).toBe(200);
    });

    it('refuses admin suites of the wrong shape with 422 at each pointer, and a body nested 100,000 deep', async () => {
      const { call } = await testApp(fresh.storage(), { config });
      const doc = structuredClone(qualitySeverity().doc);
      doc.version = '1.1.0';
      const shaped = await call('PUT', '/v1/packs/quality-severity/versions/1.1.0', { pack: doc, suite: { pack: 'quality-severity', cases: [1, 'x', null, { name: 'n', facts: {}, expect: { fired: [3] } }] } }, ADMIN);
      expect(shaped.status).toBe(422);
      const paths = shaped.json.error.problems.map((p: { path: string }) => p.path);
      expect(paths).toEqual(expect.arrayContaining(['/suite/cases/0', '/suite/cases/1', '/suite/cases/2', '/suite/cases/3/expect/fired']));
      const deep = `{"pack":${JSON.stringify(doc)},"suite":{"pack":"quality-severity","cases":[{"name":"n","facts":{},"expect":{}}],"x":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}}`;
      const nested = await call('PUT', '/v1/packs/quality-severity/versions/1.1.0', deep, ADMIN);
      expect(nested.status).toBe(422);
      expect(nested.json.error.problems[0].code).toBe('schema.maxDepth');
      expect((await call('GET', '/v1/packs/quality-severity/versions')).json.versions).toHaveLength(1);
    });
  });
}
