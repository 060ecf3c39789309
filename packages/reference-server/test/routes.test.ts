/**
 * Route tests of the reference server, run once against a real SQLite file in a temp directory and once against
 * PostgreSQL (a schema unique to the run) when the test database answers; otherwise the PostgreSQL half is skipped
 * with a message on the console. Covers health, packs, decisions (single, batch, errors), the log with cursor
 * pagination, replay, the hash chain and its tamper detection, masking, admin versions (upload, impact,
 * activate, rollback, persistence across a restart), OpenAPI and the docs page, and storage faults (503).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StorageUnavailableError, type Storage } from '../src/index.js';
import { postgresBackend, postgresReachable, qualitySeverity, sqliteBackend, testApp, TEST_DATABASE_URL, TestClock, fullVerify, VERIFY_TOKEN, type Backend } from './helpers.js';

const pgUp = await postgresReachable();
if (!pgUp) {
  console.warn(`\n[reference-server] PostgreSQL not reachable at ${TEST_DATABASE_URL}: the PostgreSQL route tests are SKIPPED (set TEST_DATABASE_URL).\n`);
}

const backends: Array<{ name: string; make: () => Backend; enabled: boolean }> = [
  { name: 'sqlite', make: sqliteBackend, enabled: true },
  { name: 'postgres', make: () => postgresBackend(), enabled: pgUp },
];

const ADMIN = { authorization: 'Bearer s3cret-token' };

for (const b of backends) {
  describe.skipIf(!b.enabled)(`reference server on ${b.name}`, () => {
    let backend: Backend;
    let storage: Storage;
    const extra: Storage[] = [];

    beforeEach(async () => {
      backend = b.make();
      storage = await backend.open();
    });
    afterEach(async () => {
      for (const s of extra.splice(0)) await s.close();
      await storage.close();
      await backend.cleanup();
    });

    it('answers healthz and readyz, with a request id on every response', async () => {
      const { call } = await testApp(storage);
      const health = await call('GET', '/healthz');
      expect(health.status).toBe(200);
      expect(health.headers.get('x-request-id')).toMatch(/.+/);
      const ready = await call('GET', '/readyz');
      expect(ready.status).toBe(200);
      expect(ready.json).toMatchObject({ status: 'ready', storage: b.name });
      const echoed = await call('GET', '/healthz', undefined, { 'x-request-id': 'host-abc.123' });
      expect(echoed.headers.get('x-request-id')).toBe('host-abc.123');
      const missing = await call('GET', '/nope');
      expect(missing.status).toBe(404);
      expect(missing.json.requestId).toBe(missing.headers.get('x-request-id'));
    });

    it('lists packs and describes one with parameters, schemas and versions', async () => {
      const { call } = await testApp(storage);
      const list = await call('GET', '/v1/packs');
      expect(list.json.packs.map((p: { id: string }) => p.id)).toEqual(['mini-warranty', 'quality-severity']);
      const detail = await call('GET', '/v1/packs/quality-severity');
      expect(detail.status).toBe(200);
      expect(detail.json.version).toBe('2.0.0');
      expect(detail.json.parameters.level2ClaimYuan.value).toBe(50000);
      expect(detail.json.facts.properties.claimAmountYuan).toBeDefined();
      expect(detail.json.outcome.required).toEqual(['class', 'level']);
      expect(detail.json.versions).toEqual([expect.objectContaining({ version: '2.0.0', origin: 'bundled', status: 'active' })]);
      const unknown = await call('GET', '/v1/packs/no-such-pack');
      expect(unknown.status).toBe(404);
      expect(unknown.json.error.code).toBe('PACK_NOT_FOUND');
      expect(unknown.json.error.message.zh).toMatch(/规则包/);
    });

    it('decides, stores before answering 201, and records the server clock as asOf by default', async () => {
      const { call, clock } = await testApp(storage);
      const res = await call('POST', '/v1/packs/quality-severity/decisions', { facts: { claimAmountYuan: 50000 } });
      expect(res.status).toBe(201);
      expect(res.json.outcome).toEqual({ class: 'major', level: 2 });
      expect(res.json.version).toBe('2.0.0');
      expect(res.json.decisionId).toMatch(/^d-/);
      expect(res.headers.get('location')).toBe(`/v1/decisions/${res.json.decisionId}`);
      const stored = await storage.getDecision(res.json.decisionId);
      expect(stored?.asOf).toBe(res.json.asOf);
      expect(new Date(res.json.asOf).getTime()).toBe(clock.now.getTime());
      const got = await call('GET', `/v1/decisions/${res.json.decisionId}`);
      expect(got.status).toBe(200);
      expect(got.json).toMatchObject({
        decisionId: res.json.decisionId,
        pack: 'quality-severity',
        version: '2.0.0',
        facts: { claimAmountYuan: 50000 },
        outcome: { class: 'major', level: 2 },
        seq: 1,
      });
      const explicit = await call('POST', '/v1/packs/quality-severity/decisions', {
        facts: { claimAmountYuan: 50000 },
        asOf: '2025-06-01T09:00:00+08:00',
        parameters: { level2ClaimYuan: 80000 },
      });
      expect(explicit.status).toBe(201);
      expect(explicit.json.outcome).toEqual({ class: 'major', level: 3 });
      expect((await storage.getDecision(explicit.json.decisionId))?.parameters).toEqual({ level2ClaimYuan: 80000 });
    });

    it('answers 400 on malformed JSON, 422 with the structured list on invalid facts, 404 on unknown decisions, 413 over the limit', async () => {
      const { call } = await testApp(storage);
      const malformed = await call('POST', '/v1/packs/quality-severity/decisions', '{"facts": {');
      expect(malformed.status).toBe(400);
      expect(malformed.json.error.code).toBe('MALFORMED_JSON');
      const invalid = await call('POST', '/v1/packs/quality-severity/decisions', { facts: { casualties: -1, mediaExposure: 'rumour' } });
      expect(invalid.status).toBe(422);
      expect(invalid.json.error.code).toBe('INVALID_FACTS');
      const paths = invalid.json.error.problems.map((p: { path: string }) => p.path);
      expect(paths).toEqual(expect.arrayContaining(['/casualties', '/mediaExposure']));
      const shape = await call('POST', '/v1/packs/quality-severity/decisions', { fact: {} });
      expect(shape.status).toBe(422);
      expect(shape.json.error.code).toBe('INVALID_REQUEST');
      const badAsOf = await call('POST', '/v1/packs/quality-severity/decisions', { facts: {}, asOf: 'yesterday' });
      expect(badAsOf.status).toBe(422);
      const badParam = await call('POST', '/v1/packs/quality-severity/decisions', { facts: {}, parameters: { nope: 1 } });
      expect(badParam.status).toBe(422);
      expect(badParam.json.error.code).toBe('INVALID_PARAMETERS');
      expect((await call('GET', '/v1/decisions/unknown-id')).status).toBe(404);
      expect((await call('POST', '/v1/packs/unknown/decisions', { facts: {} })).status).toBe(404);
      const big = await call('POST', '/v1/packs/quality-severity/decisions', JSON.stringify({ facts: { pad: 'x'.repeat(1024 * 1024) } }));
      expect(big.status).toBe(413);
      expect(big.json.error.code).toBe('PAYLOAD_TOO_LARGE');
      expect(big.headers.get('x-request-id')).toBeTruthy();
      // nothing of the above reached the log
      expect((await call('GET', '/v1/decisions')).json.items).toEqual([]);
    });

    it('decides a batch in one commit, item by item, and refuses more than the limit', async () => {
      const { call } = await testApp(storage);
      const res = await call('POST', '/v1/packs/quality-severity/decisions:batch', {
        items: [{ facts: { claimAmountYuan: 10000 } }, { facts: { casualties: -1 } }, { facts: { casualties: 2 } }, { nofacts: true }],
      });
      expect(res.status).toBe(201);
      expect(res.json.stored).toBe(2);
      expect(res.json.results.map((r: { status: number }) => r.status)).toEqual([201, 422, 201, 422]);
      expect(res.json.results[0].outcome).toEqual({ class: 'major', level: 3 });
      expect(res.json.results[1].error.problems[0].path).toBe('/casualties');
      expect(res.json.results[3].error.problems[0].path).toMatch(/^\/items\/3/);
      const ids = [res.json.results[0].decisionId, res.json.results[2].decisionId];
      const seqs = await Promise.all(ids.map(async (id: string) => (await storage.getDecision(id))?.seq));
      expect(seqs).toEqual([1, 2]);
      const tooMany = await call('POST', '/v1/packs/quality-severity/decisions:batch', {
        items: Array.from({ length: 1001 }, () => ({ facts: {} })),
      });
      expect(tooMany.status).toBe(422);
      expect(tooMany.json.error.problems[0].code).toBe('schema.maxItems');
      const allRefused = await call('POST', '/v1/packs/quality-severity/decisions:batch', { items: [{ facts: { casualties: -1 } }] });
      expect(allRefused.status).toBe(200);
      expect(allRefused.json).toMatchObject({ stored: 0, failed: 1 });
    });

    it('lists the log with filters and cursor pagination', async () => {
      const { call, clock } = await testApp(storage);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const pack = i === 2 ? 'mini-warranty' : 'quality-severity';
        const facts = pack === 'mini-warranty' ? { vin: 'LSV000', mileageKm: 10 } : { claimAmountYuan: i * 10000 };
        ids.push((await call('POST', `/v1/packs/${pack}/decisions`, { facts })).json.decisionId);
        clock.advance(60_000);
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Awaited<ReturnType<typeof call>> = await call('GET', `/v1/decisions?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.status).toBe(200);
        expect(page.json.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.json.items.map((r: { decisionId: string }) => r.decisionId));
        cursor = page.json.nextCursor;
        pages++;
      } while (cursor);
      expect(seen).toEqual(ids);
      expect(pages).toBe(3);
      const onlyQs = await call('GET', '/v1/decisions?pack=quality-severity');
      expect(onlyQs.json.items.map((r: { decisionId: string }) => r.decisionId)).toEqual([ids[0], ids[1], ids[3], ids[4]]);
      const window = await call('GET', '/v1/decisions?from=2026-03-01T02:01:00Z&to=2026-03-01T02:03:00Z');
      expect(window.json.items.map((r: { decisionId: string }) => r.decisionId)).toEqual([ids[1], ids[2]]);
      expect((await call('GET', '/v1/decisions?cursor=garbage')).status).toBe(400);
      expect((await call('GET', '/v1/decisions?limit=0')).status).toBe(400);
      expect((await call('GET', '/v1/decisions?from=notadate')).status).toBe(400);
    });

    it('replays a decision identically under the recorded version and asOf', async () => {
      const { call } = await testApp(storage);
      const made = await call('POST', '/v1/packs/quality-severity/decisions', {
        facts: { complaintFrequency: 'very-high', functionalDefect: true },
        asOf: '2026-01-15T10:00:00+08:00',
      });
      const replay = await call('POST', `/v1/decisions/${made.json.decisionId}/replay`);
      expect(replay.status).toBe(200);
      expect(replay.json).toMatchObject({ identical: true, differences: [], version: '2.0.0', asOf: made.json.asOf });
      expect((await call('POST', '/v1/decisions/nope/replay')).status).toBe(404);
    });

    it('keeps a hash chain that verifies, and reports a record edited in the database', async () => {
      const { call } = await testApp(storage, { config: { adminToken: VERIFY_TOKEN } });
      for (const claim of [0, 10000, 50000, 70000]) {
        expect((await call('POST', '/v1/packs/quality-severity/decisions', { facts: { claimAmountYuan: claim } })).status).toBe(201);
      }
      const ok = await call('GET', '/v1/audit/verify');
      expect(ok.json).toMatchObject({ ok: true, records: 4 });
      expect(ok.json.head).toMatch(/^sha256:[0-9a-f]{64}$/);
      const third = (await storage.scanChain(2, 1))[0];
      expect(third?.prevHash).toBe((await storage.scanChain(1, 1))[0]?.hash);
      await backend.tamper(3, '{"class":"major","level":3}');
      // Below the verified watermark: found by a full re-verification (run here on request; also on a schedule).
      const broken = await fullVerify(call);
      expect(broken.status).toBe(200);
      expect(broken.json.ok).toBe(false);
      expect(broken.json.records).toBe(2);
      expect(broken.json.firstBroken).toMatchObject({ seq: 3, decisionId: third?.decisionId, reason: 'hash-mismatch' });
    });

    it('masks configured personal fields before storage, and still replays identically', async () => {
      const { call } = await testApp(storage, { config: { maskFields: ['vin', 'customer.phone'] } });
      const res = await call('POST', '/v1/packs/mini-warranty/decisions', {
        facts: { vin: 'LSVAB1234CD567890', customer: { name: '王伟', phone: '13800138000' }, mileageKm: 5000 },
      });
      expect(res.status).toBe(201);
      expect(res.json.outcome).toEqual({ covered: true });
      const stored = await call('GET', `/v1/decisions/${res.json.decisionId}`);
      expect(stored.json.facts).toEqual({ vin: '[masked]', customer: { name: '王伟', phone: '[masked]' }, mileageKm: 5000 });
      expect(stored.text).not.toContain('13800138000');
      expect(stored.text).not.toContain('LSVAB1234CD567890');
      const replay = await call('POST', `/v1/decisions/${res.json.decisionId}/replay`);
      expect(replay.json.identical).toBe(true);
      expect((await call('GET', '/v1/audit/verify')).json.ok).toBe(true);
    });

    it('keeps the admin routes off without a token, and answers 401 / 403 for a missing / wrong token', async () => {
      const { doc, suite } = qualitySeverity();
      const off = await testApp(storage);
      const disabled = await off.call('PUT', '/v1/packs/quality-severity/versions/1.1.0', { pack: { ...doc, version: '1.1.0' }, suite });
      expect(disabled.status).toBe(404);
      expect(disabled.json.error.code).toBe('ADMIN_DISABLED');
      const on = await testApp(storage, { config: { adminToken: 's3cret-token' } });
      const none = await on.call('POST', '/v1/packs/quality-severity/versions/2.0.0/activate');
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/Bearer/);
      const wrong = await on.call('POST', '/v1/packs/quality-severity/versions/2.0.0/activate', undefined, { authorization: 'Bearer s3cret-tokeN' });
      expect(wrong.status).toBe(403);
      const right = await on.call('POST', '/v1/packs/quality-severity/versions/2.0.0/activate', undefined, ADMIN);
      expect(right.status).toBe(200);
      // reading versions needs no token
      expect((await on.call('GET', '/v1/packs/quality-severity/versions/2.0.0')).status).toBe(200);
    });

    it('refuses an invalid upload or a failing suite with every problem, and stores a passing one as a draft', async () => {
      const { doc, suite } = qualitySeverity();
      const { call } = await testApp(storage, { config: { adminToken: 's3cret-token' } });
      const badPack = { ...doc, version: '1.1.0', hitPolicy: 'sometimes', rules: [...doc.rules, { ...doc.rules[0], source: 1 }] };
      const invalid = await call('PUT', '/v1/packs/quality-severity/versions/1.1.0', { pack: badPack, suite }, ADMIN);
      expect(invalid.status).toBe(422);
      expect(invalid.json.error.problems.length).toBeGreaterThanOrEqual(2);
      expect(invalid.json.error.problems.every((p: { path: string }) => p.path.startsWith('/pack'))).toBe(true);
      const scripted = raiseLevel2(doc, 80000, '1.1.0') as unknown as { rules: Array<{ conditions: { all: Array<Record<string, unknown>> } }> };
      const leaf = scripted.rules[0]?.conditions.all[0];
      if (leaf) leaf.path = '$.x[?(@.y > 1)]';
      const jsonPath = await call('PUT', '/v1/packs/quality-severity/versions/1.1.0', { pack: scripted, suite: raisedSuite() }, ADMIN);
      expect(jsonPath.status).toBe(422);
      expect(jsonPath.json.error.problems.map((p: { path: string }) => p.path)).toContain('/pack/rules/0/conditions/all/0/path');
      const raised = raiseLevel2(doc, 80000, '1.1.0');
      const failing = await call('PUT', '/v1/packs/quality-severity/versions/1.1.0', { pack: raised, suite }, ADMIN);
      expect(failing.status).toBe(422);
      const failed = failing.json.error.problems.map((p: { message: string }) => p.message);
      expect(failed.some((m: string) => m.includes('claim 50,000 (at): level 2'))).toBe(true);
      expect(failing.json.error.problems.every((p: { code: string }) => p.code === 'TEST_FAILED')).toBe(true);
      const mismatch = await call('PUT', '/v1/packs/quality-severity/versions/9.9.9', { pack: raised, suite: raisedSuite() }, ADMIN);
      expect(mismatch.status).toBe(422);
      expect(mismatch.json.error.problems[0].path).toBe('/pack/version');
      const ok = await call('PUT', '/v1/packs/quality-severity/versions/1.1.0', { pack: raised, suite: raisedSuite() }, ADMIN);
      expect(ok.status).toBe(201);
      expect(ok.json).toMatchObject({ version: '1.1.0', status: 'draft', origin: 'uploaded', suite: { failed: 0 } });
      const again = await call('PUT', '/v1/packs/quality-severity/versions/1.1.0', { pack: raised, suite: raisedSuite() }, ADMIN);
      expect(again.status).toBe(200);
      const other = raiseLevel2(doc, 90000, '1.1.0');
      const conflict = await call('PUT', '/v1/packs/quality-severity/versions/1.1.0', { pack: other, suite: raisedSuite(90000) }, ADMIN);
      expect(conflict.status).toBe(409);
      // a draft is not active
      expect((await call('GET', '/v1/packs/quality-severity')).json.version).toBe('2.0.0');
      const versions = (await call('GET', '/v1/packs/quality-severity/versions')).json.versions;
      expect(versions.map((v: { version: string; status: string }) => [v.version, v.status])).toEqual([
        ['2.0.0', 'active'],
        ['1.1.0', 'draft'],
      ]);
    });

    it('refuses an upload that tries a JSONPath or script expression (422, each place named), and stores nothing', async () => {
      const { doc } = qualitySeverity();
      const { call } = await testApp(storage, { config: { adminToken: 's3cret-token' } });
      type Leaf = Record<string, unknown>;
      const attempts: Array<{ name: string; edit: (leaf: Leaf) => void; at: string }> = [
        { name: 'filter expression', edit: (l) => (l.path = '$.x[?(@.y > 1)]'), at: '/path' },
        { name: 'script expression', edit: (l) => (l.path = '$.a[(@.length-1)]'), at: '/path' },
        { name: 'script calling the process', edit: (l) => (l.path = '$.a[?(process.exit(1))]'), at: '/path' },
        { name: 'recursive descent', edit: (l) => (l.path = '$..claimAmountYuan'), at: '/path' },
        { name: 'prototype walk', edit: (l) => (l.path = '$.__proto__.polluted'), at: '/path' },
        { name: 'constructor as a fact', edit: (l) => (l.fact = 'constructor'), at: '/fact' },
        { name: 'script in a fact reference', edit: (l) => (l.value = { fact: 'casualties', path: '$[?(@.x)]' }), at: '/value/path' },
        { name: 'an operator that is not one', edit: (l) => (l.operator = 'eval'), at: '/operator' },
      ];
      for (const attempt of attempts) {
        const pack = raiseLevel2(doc, 80000, '1.1.0') as unknown as { rules: Array<{ conditions: { all: Leaf[] } }> };
        const leaf = pack.rules[0]?.conditions.all[0];
        if (!leaf) throw new Error('quality-severity changed shape');
        attempt.edit(leaf);
        const res = await call('PUT', '/v1/packs/quality-severity/versions/1.1.0', { pack, suite: raisedSuite() }, ADMIN);
        expect(res.status, attempt.name).toBe(422);
        expect(res.json.error.code, attempt.name).toBe('INVALID_VERSION');
        const paths = res.json.error.problems.map((p: { path: string }) => p.path);
        expect(paths, attempt.name).toContain(`/pack/rules/0/conditions/all/0${attempt.at}`);
      }
      const versions = (await call('GET', '/v1/packs/quality-severity/versions')).json.versions;
      expect(versions.map((v: { version: string }) => v.version)).toEqual(['2.0.0']);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('previews impact: a draft raising the level-2 claim threshold reports exactly the decisions that change', async () => {
      const { doc } = qualitySeverity();
      const { call } = await testApp(storage, { config: { adminToken: 's3cret-token' } });
      const claims = [5000, 40000, 50000, 60000, 79999, 80000, 120000];
      const made: Record<number, string> = {};
      for (const claim of claims) {
        made[claim] = (await call('POST', '/v1/packs/quality-severity/decisions', { facts: { claimAmountYuan: claim } })).json.decisionId;
      }
      // level 1 by a major accident with casualties: unchanged whatever the claim threshold
      const casualty = (
        await call('POST', '/v1/packs/quality-severity/decisions', { facts: { majorAccident: true, casualties: 1, claimAmountYuan: 60000 } })
      ).json.decisionId;
      // an override recorded with the decision is replayed too: 60,000 under a 55,000 override stays level 2
      const overridden = (
        await call('POST', '/v1/packs/quality-severity/decisions', { facts: { claimAmountYuan: 60000 }, parameters: { level2ClaimYuan: 55000 } })
      ).json.decisionId;
      // decisions of another pack are not part of the preview
      await call('POST', '/v1/packs/mini-warranty/decisions', { facts: { vin: 'X', mileageKm: 1 } });
      expect((await call('PUT', '/v1/packs/quality-severity/versions/1.1.0', { pack: raiseLevel2(doc, 80000, '1.1.0'), suite: raisedSuite() }, ADMIN)).status).toBe(201);
      const impact = await call('POST', '/v1/packs/quality-severity/versions/1.1.0/impact', { limit: 100 }, ADMIN);
      expect(impact.status).toBe(200);
      expect(impact.json.evaluated).toBe(claims.length + 2);
      const changed = impact.json.changes.map((c: { decisionId: string }) => c.decisionId);
      expect(changed).toEqual([made[50000], made[60000], made[79999]]);
      for (const change of impact.json.changes) {
        expect(change.before).toEqual({ class: 'major', level: 2 });
        expect(change.after).toEqual({ class: 'major', level: 3 });
      }
      expect(changed).not.toContain(casualty);
      expect(changed).not.toContain(overridden);
      // the last N only
      const lastTwo = await call('POST', '/v1/packs/quality-severity/versions/1.1.0/impact', { limit: 2 }, ADMIN);
      expect(lastTwo.json.evaluated).toBe(2);
      expect(lastTwo.json.changed).toBe(0);
      expect((await call('POST', '/v1/packs/quality-severity/versions/7.7.7/impact', {}, ADMIN)).status).toBe(404);
    });

    it('activates atomically, records the version each decision used, rolls back, and keeps versions across a restart', async () => {
      const { doc } = qualitySeverity();
      const clock = new TestClock();
      const { call } = await testApp(storage, { clock, config: { adminToken: 's3cret-token' } });
      const before = (await call('POST', '/v1/packs/quality-severity/decisions', { facts: { claimAmountYuan: 60000 } })).json;
      expect(before).toMatchObject({ version: '2.0.0', outcome: { level: 2 } });
      await call('PUT', '/v1/packs/quality-severity/versions/1.1.0', { pack: raiseLevel2(doc, 80000, '1.1.0'), suite: raisedSuite() }, ADMIN);
      await call('POST', '/v1/packs/quality-severity/versions/1.1.0/impact', {}, ADMIN);
      const act = await call('POST', '/v1/packs/quality-severity/versions/1.1.0/activate', undefined, ADMIN);
      expect(act.json).toMatchObject({ version: '1.1.0', previous: '2.0.0' });
      const after = (await call('POST', '/v1/packs/quality-severity/decisions', { facts: { claimAmountYuan: 60000 } })).json;
      expect(after).toMatchObject({ version: '1.1.0', outcome: { level: 3 } });
      expect((await storage.getDecision(after.decisionId))?.version).toBe('1.1.0');
      // the old decision still replays identically under its own version
      expect((await call('POST', `/v1/decisions/${before.decisionId}/replay`)).json).toMatchObject({ identical: true, version: '2.0.0' });
      expect((await call('POST', `/v1/decisions/${after.decisionId}/replay`)).json).toMatchObject({ identical: true, version: '1.1.0' });

      // a restart (new storage connection, new app) keeps the upload and the activation
      const restarted = await backend.reopen();
      extra.push(restarted);
      const second = await testApp(restarted, { clock, config: { adminToken: 's3cret-token' } });
      expect((await second.call('GET', '/v1/packs/quality-severity')).json.version).toBe('1.1.0');
      expect((await second.call('POST', `/v1/decisions/${after.decisionId}/replay`)).json.identical).toBe(true);

      // rollback = activate the older version
      await second.call('POST', '/v1/packs/quality-severity/versions/2.0.0/impact', {}, ADMIN);
      const rollback = await second.call('POST', '/v1/packs/quality-severity/versions/2.0.0/activate', undefined, ADMIN);
      expect(rollback.json).toMatchObject({ version: '2.0.0', previous: '1.1.0' });
      const rolled = (await second.call('POST', '/v1/packs/quality-severity/decisions', { facts: { claimAmountYuan: 60000 } })).json;
      expect(rolled).toMatchObject({ version: '2.0.0', outcome: { level: 2 } });
      expect((await restarted.listActivations('quality-severity')).map((a) => a.version)).toEqual(['1.1.0', '2.0.0']);
      // Three decisions and three policy changes (the upload, the activation, the rollback): one chain.
      expect((await second.call('GET', '/v1/audit/verify')).json).toMatchObject({ ok: true, records: 6 });
    });

    it('activating while 50 clients send decisions continuously: each decision names one version and replays identically under it', async () => {
      const { doc } = qualitySeverity();
      const { call } = await testApp(storage, { config: { adminToken: 's3cret-token' } });
      await call('PUT', '/v1/packs/quality-severity/versions/1.1.0', { pack: raiseLevel2(doc, 80000, '1.1.0'), suite: raisedSuite() }, ADMIN);
      const hashes: Record<string, string> = Object.fromEntries(
        (await call('GET', '/v1/packs/quality-severity/versions')).json.versions.map((v: { version: string; packHash: string }) => [v.version, v.packHash]),
      );
      type Sent = { startedAfterActivation: boolean; res: Awaited<ReturnType<typeof call>> };
      const sent: Sent[] = [];
      let activated = false;
      let afterActivation = 0;
      // 50 clients, each sending back to back until every client has had 3 answers started after the activation
      const clients = Array.from({ length: 50 }, async () => {
        let mineAfter = 0;
        while (mineAfter < 3) {
          const startedAfterActivation = activated;
          const res = await call('POST', '/v1/packs/quality-severity/decisions', { facts: { claimAmountYuan: 60000 } });
          sent.push({ startedAfterActivation, res });
          if (startedAfterActivation) (mineAfter += 1), (afterActivation += 1);
        }
      });
      await call('POST', '/v1/packs/quality-severity/versions/1.1.0/impact', {}, ADMIN);
      while (sent.length < 150) await new Promise((r) => setImmediate(r));
      const activation = await call('POST', '/v1/packs/quality-severity/versions/1.1.0/activate', undefined, ADMIN);
      activated = true;
      expect(activation.status).toBe(200);
      await Promise.all(clients);
      expect(afterActivation).toBe(150);
      const expected: Record<string, number> = { '2.0.0': 2, '1.1.0': 3 };
      const seen = new Set<string>();
      for (const { startedAfterActivation, res } of sent) {
        expect(res.status).toBe(201);
        expect(Object.keys(expected)).toContain(res.json.version);
        expect(res.json.packHash).toBe(hashes[res.json.version]);
        expect(res.json.outcome.level).toBe(expected[res.json.version]);
        if (startedAfterActivation) expect(res.json.version).toBe('1.1.0');
        const stored = await storage.getDecision(res.json.decisionId);
        expect([stored?.version, stored?.packHash]).toEqual([res.json.version, res.json.packHash]);
        const replay = await call('POST', `/v1/decisions/${res.json.decisionId}/replay`);
        expect(replay.json).toMatchObject({ identical: true, version: res.json.version });
        seen.add(res.json.version);
      }
      expect([...seen].sort()).toEqual(['1.1.0', '2.0.0']);
      // The decisions and two policy changes (the upload and the activation).
      expect((await call('GET', '/v1/audit/verify')).json).toMatchObject({ ok: true, records: sent.length + 2 });
    });

    it('refuses a streamed body over the limit while reading it, before any parsing', async () => {
      const { app } = await testApp(storage, { config: { bodyLimitBytes: 64 * 1024 } });
      let pulled = 0;
      const chunk = new TextEncoder().encode('x'.repeat(16 * 1024));
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled += 1;
          if (pulled > 1000) controller.close();
          else controller.enqueue(chunk);
        },
      });
      const res = await app.request('/v1/packs/quality-severity/decisions', {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
        duplex: 'half',
      } as RequestInit);
      expect(res.status).toBe(413);
      expect(pulled).toBeLessThan(10);
    });

    it('describes the API in OpenAPI 3.1 with each pack’s schemas, and serves a docs page', async () => {
      const { call } = await testApp(storage);
      const doc = (await call('GET', '/openapi.json')).json;
      expect(doc.openapi).toBe('3.1.0');
      expect(doc.components.schemas['quality-severity.Facts'].properties.claimAmountYuan.type).toBe('number');
      expect(doc.components.schemas['quality-severity.Outcome'].required).toEqual(['class', 'level']);
      expect(doc.paths['/v1/packs/quality-severity/decisions'].post.requestBody.content['application/json'].schema.properties.facts.$ref).toBe(
        '#/components/schemas/quality-severity.Facts',
      );
      expect(doc.paths['/v1/decisions/{decisionId}/replay']).toBeDefined();
      const docs = await call('GET', '/docs');
      expect(docs.status).toBe(200);
      expect(docs.headers.get('content-type')).toMatch(/text\/html/);
      expect(docs.text).toContain('/v1/packs/quality-severity/decisions');
      expect(docs.text).toContain('质量信息');
    });

    it('answers 503 when storage fails, acknowledges nothing unstored, and recovers without a restart', async () => {
      const faulty = new FaultyStorage(storage);
      const { call } = await testApp(faulty);
      faulty.failing = true;
      const down = await call('POST', '/v1/packs/quality-severity/decisions', { facts: { claimAmountYuan: 1 } });
      expect(down.status).toBe(503);
      expect(down.json.error.code).toBe('STORAGE_UNAVAILABLE');
      expect(down.json.error.message.zh).toMatch(/存储/);
      expect(down.headers.get('retry-after')).toBe('1');
      const batchDown = await call('POST', '/v1/packs/quality-severity/decisions:batch', { items: [{ facts: {} }] });
      expect(batchDown.status).toBe(503);
      expect((await call('GET', '/readyz')).status).toBe(503);
      faulty.failing = false;
      expect((await call('GET', '/readyz')).status).toBe(200);
      const up = await call('POST', '/v1/packs/quality-severity/decisions', { facts: { claimAmountYuan: 2 } });
      expect(up.status).toBe(201);
      const log = (await call('GET', '/v1/decisions')).json.items;
      expect(log.map((r: { decisionId: string }) => r.decisionId)).toEqual([up.json.decisionId]);
      expect((await call('GET', '/v1/audit/verify')).json).toMatchObject({ ok: true, records: 1 });
    });
  });
}

/** The quality-severity document with the level-2 claim threshold raised. */
function raiseLevel2(doc: ReturnType<typeof qualitySeverity>['doc'], yuan: number, version: string) {
  const copy = structuredClone(doc);
  copy.version = version;
  const param = copy.parameters?.level2ClaimYuan;
  if (!param) throw new Error('quality-severity has no level2ClaimYuan parameter');
  param.value = yuan;
  return copy;
}

/** A suite for the raised draft: the threshold's boundary. */
function raisedSuite(yuan = 80000) {
  return {
    pack: 'quality-severity',
    asOf: '2026-01-15T10:00:00+08:00',
    cases: [
      { name: `claim ${yuan} (at): level 2`, facts: { claimAmountYuan: yuan }, expect: { outcome: { class: 'major', level: 2 } } },
      { name: `claim ${yuan - 1} (below): level 3`, facts: { claimAmountYuan: yuan - 1 }, expect: { outcome: { class: 'major', level: 3 } } },
    ],
  };
}

/** A storage whose writes and pings fail on demand, as a database that went away would. */
class FaultyStorage implements Storage {
  failing = false;
  readonly kind: Storage['kind'];
  constructor(private readonly inner: Storage) {
    this.kind = inner.kind;
  }
  private check(): void {
    if (this.failing) throw new StorageUnavailableError('injected fault: database unreachable');
  }
  migrate = () => this.inner.migrate();
  ping = async () => (this.check(), this.inner.ping());
  appendDecisions: Storage['appendDecisions'] = async (r) => (this.check(), this.inner.appendDecisions(r));
  getDecision: Storage['getDecision'] = async (id) => (this.check(), this.inner.getDecision(id));
  listDecisions: Storage['listDecisions'] = async (q) => (this.check(), this.inner.listDecisions(q));
  recentDecisions: Storage['recentDecisions'] = async (p, n) => (this.check(), this.inner.recentDecisions(p, n));
  scanChain: Storage['scanChain'] = async (a, n) => (this.check(), this.inner.scanChain(a, n));
  scanRows: Storage['scanRows'] = async (a, n) => (this.check(), this.inner.scanRows(a, n));
  chainLines: Storage['chainLines'] = async (a, t, n) => (this.check(), this.inner.chainLines(a, t, n));
  readAuditState: Storage['readAuditState'] = async () => (this.check(), this.inner.readAuditState());
  writeAuditState: Storage['writeAuditState'] = async (v) => (this.check(), this.inner.writeAuditState(v));
  chainHead: Storage['chainHead'] = async () => (this.check(), this.inner.chainHead());
  putPackVersion: Storage['putPackVersion'] = async (v, e) => (this.check(), this.inner.putPackVersion(v, e));
  listPackVersions: Storage['listPackVersions'] = async () => (this.check(), this.inner.listPackVersions());
  listPackVersionHeads: Storage['listPackVersionHeads'] = async () => (this.check(), this.inner.listPackVersionHeads());
  getPackVersion: Storage['getPackVersion'] = async (p, v) => (this.check(), this.inner.getPackVersion(p, v));
  getActiveVersions: Storage['getActiveVersions'] = async () => (this.check(), this.inner.getActiveVersions());
  activateVersion: Storage['activateVersion'] = async (a, e) => (this.check(), this.inner.activateVersion(a, e));
  listActivations: Storage['listActivations'] = async (p) => (this.check(), this.inner.listActivations(p));
  listActivationEntries: Storage['listActivationEntries'] = async (p, b, n) => (this.check(), this.inner.listActivationEntries(p, b, n));
  close = () => this.inner.close();
}
