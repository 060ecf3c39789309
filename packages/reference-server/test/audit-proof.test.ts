/**
 * A log that proves what it holds, on SQLite and PostgreSQL: deleting the last records is detected against a head
 * an auditor recorded (`verify?head=seq:hash`) and, within the process that acknowledged them, without one; a
 * stored record rewritten with other whitespace or a duplicate key is reported as not its own canonical text;
 * the head is signed with Ed25519 when a key is configured and the signature checks against `/v1/audit/key`; a
 * pack document edited in storage is refused after a restart, logged, and `/readyz` fails.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../src/index.js';
import { verifyHeadSignature } from '../src/signing.js';
import { backends, dropLogGuards } from './backends.js';
import { fullVerify, testApp, VERIFY_TOKEN, type Backend } from './helpers.js';

const decide = { facts: { claimAmountYuan: 50000 }, asOf: '2026-01-15T10:00:00+08:00' };

for (const b of backends) {
  describe.skipIf(!b.enabled)(`audit proofs on ${b.name}`, () => {
    let backend: Backend;
    const open: Storage[] = [];
    let storage: Storage;
    beforeEach(async () => {
      backend = b.make();
      storage = await backend.open();
      open.push(storage);
    });
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close();
      await backend.cleanup();
    });

    it('detects the last records deleted, against a recorded head and against what this process acknowledged', async () => {
      const { call } = await testApp(storage);
      for (let i = 0; i < 4; i++) expect((await call('POST', '/v1/packs/quality-severity/decisions', decide)).status).toBe(201);
      const head = await call('GET', '/v1/audit/head');
      expect(head.json).toMatchObject({ seq: 4, hash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
      expect(head.json.signature).toBeUndefined();
      const recorded = `${head.json.seq}:${head.json.hash}`;
      expect((await call('GET', `/v1/audit/verify?head=${recorded}`)).json.ok).toBe(true);

      await dropLogGuards(backend);
      await backend.sql('DELETE FROM decisions WHERE seq > ?', [2]);
      // After a restart the verified watermark kept in the database (seq 4) shows the cut too; a recorded head does.
      const restarted = await backend.reopen();
      open.push(restarted);
      const fresh = await testApp(restarted);
      expect((await fresh.call('GET', '/v1/audit/verify')).json.firstBroken).toMatchObject({ seq: 4, reason: 'truncated' });
      const cut = await fresh.call('GET', `/v1/audit/verify?head=${recorded}`);
      expect(cut.json.ok).toBe(false);
      expect(cut.json.firstBroken).toMatchObject({ seq: 4, reason: 'truncated' });
      // The process that acknowledged seq 4 sees the cut without being told.
      const same = await call('GET', '/v1/audit/verify');
      expect(same.json.ok).toBe(false);
      expect(same.json.firstBroken.reason).toBe('truncated');
      // Truncating the whole table is a cut too.
      await backend.sql('DELETE FROM decisions');
      expect((await fresh.call('GET', `/v1/audit/verify?head=${recorded}`)).json.firstBroken.reason).toBe('truncated');
      expect((await fresh.call('GET', '/v1/audit/verify?head=4:nothex')).status).toBe(400);
    });

    it('detects a log rewritten under a recorded head', async () => {
      const { call } = await testApp(storage);
      for (let i = 0; i < 2; i++) await call('POST', '/v1/packs/quality-severity/decisions', decide);
      const head = (await call('GET', '/v1/audit/head')).json;
      await dropLogGuards(backend);
      await backend.sql('DELETE FROM decisions');
      const restarted = await backend.reopen();
      open.push(restarted);
      const fresh = await testApp(restarted);
      // The same number of records, rebuilt as a valid chain: only the recorded head tells them apart.
      for (let i = 0; i < 2; i++) await fresh.call('POST', '/v1/packs/quality-severity/decisions', { ...decide, facts: { claimAmountYuan: 1 } });
      expect((await fresh.call('GET', '/v1/audit/verify')).json.ok).toBe(true);
      const res = await fresh.call("GET", `/v1/audit/verify?head=${head.seq}:${head.hash}`);
      expect(res.json.firstBroken).toMatchObject({ seq: 2, reason: 'head-mismatch' });
    });

    it('reports a stored record whose text was rewritten with other spacing or a duplicate key', async () => {
      const { call } = await testApp(storage, { config: { adminToken: VERIFY_TOKEN } });
      await call('POST', '/v1/packs/quality-severity/decisions', decide);
      await call('POST', '/v1/packs/quality-severity/decisions', decide);
      const [one, two] = await storage.scanChain(0, 2);
      await dropLogGuards(backend);
      const spaced = JSON.stringify(JSON.parse(JSON.stringify(one?.outcome)), null, 1);
      await backend.sql('UPDATE decisions SET outcome_json = ? WHERE seq = 1', [spaced]);
      const res = await fullVerify(call);
      expect(res.json.firstBroken).toMatchObject({ seq: 1, reason: 'not-canonical' });
      await backend.sql('UPDATE decisions SET outcome_json = ? WHERE seq = 1', [JSON.stringify(one?.outcome)]);
      expect((await fullVerify(call)).json.ok).toBe(true);
      const dup = JSON.stringify(two?.outcome).replace('{', '{"class":"minor",');
      await backend.sql('UPDATE decisions SET outcome_json = ? WHERE seq = 2', [dup]);
      expect((await fullVerify(call)).json.firstBroken).toMatchObject({ seq: 2, reason: 'not-canonical' });
    });

    it('signs the head with Ed25519 when a key is set; the signature checks with the published key', async () => {
      const { privateKey } = generateKeyPairSync('ed25519');
      const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
      const { call } = await testApp(storage, { config: { signingKey: pem } });
      await call('POST', '/v1/packs/quality-severity/decisions', decide);
      const head = (await call('GET', '/v1/audit/head')).json;
      const key = (await call('GET', '/v1/audit/key')).json;
      expect(head.signature).toMatchObject({ algorithm: 'Ed25519', keyId: key.keyId });
      const signed = { seq: head.seq, hash: head.hash, at: head.at };
      expect(verifyHeadSignature(signed, head.signature.value, key.publicKey)).toBe(true);
      expect(verifyHeadSignature({ ...signed, seq: head.seq + 1 }, head.signature.value, key.publicKey)).toBe(false);
      // A 32-byte seed in hex works too; without a key there is no key route.
      const seeded = await testApp(storage, { config: { signingKey: 'ab'.repeat(32) } });
      expect((await seeded.call('GET', '/v1/audit/key')).json.publicKey).toMatch(/BEGIN PUBLIC KEY/);
      expect((await (await testApp(storage)).call('GET', '/v1/audit/key')).status).toBe(404);
    });

    it('refuses a pack document edited in storage after a restart, logs it, and fails /readyz', async () => {
      const { call } = await testApp(storage, { config: { adminToken: 't' } });
      expect((await call('GET', '/readyz')).status).toBe(200);
      const stored = (await storage.listPackVersions()).find((v) => v.pack === 'mini-warranty');
      const doc = structuredClone(stored?.document) as { parameters: { mileageLimitKm: { value: number } } };
      doc.parameters.mileageLimitKm.value = 1;
      // Bundled versions come from the release; an uploaded version only lives in storage: edit one of each kind.
      await backend.sql("UPDATE pack_versions SET document_json = ? WHERE pack = 'mini-warranty'", [JSON.stringify(doc)]);
      const restarted = await backend.reopen();
      open.push(restarted);
      const logged: Array<Record<string, unknown>> = [];
      const { createApp } = await import('../src/index.js');
      const { testPacks } = await import('./helpers.js');
      const app = await createApp({ packs: testPacks(), storage: restarted, log: (e) => logged.push(e) });
      const ready = await app.request('/readyz');
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { error: { code: string } }).error.code).toBe('PACK_INTEGRITY');
      expect(logged).toContainEqual(expect.objectContaining({ level: 'error', pack: 'mini-warranty', version: '1.0.0' }));
    });
  });
}
