/**
 * Policy changes in the hash chain, on SQLite and PostgreSQL: an upload leaves a `pack-version` entry and an
 * activation or rollback an `activation` entry (pack, version, hash, previous version, action, impact or forced
 * reason, and the caller-given actor), appended in the transaction of the state change; an edited activation row
 * breaks verification at its seq; a failed append leaves no activation; `GET /v1/packs/{id}/activations` lists the
 * history from the log, newest first; decision reads show decisions only; the offline verifier passes an export
 * holding these entries.
 */
import { GENESIS_HASH, hashEntry, verifyExport, type LogEntry } from '@aftersales/core';
import { describe, expect, it } from 'vitest';
import { verifyChain } from '../src/chain.js';
import { rowToEntry } from '../src/storage/entry-rows.js';
import { backends, dropLogGuards, freshStorage } from './backends.js';
import { qualitySeverityDraft as draft, testApp } from './helpers.js';

const ADMIN = { authorization: 'Bearer s3cret-token' };
const BASE = '/v1/packs/quality-severity/versions';


for (const b of backends) {
  describe.skipIf(!b.enabled)(`policy changes in the chain on ${b.name}`, () => {
    const { storage, backend } = freshStorage(b.make);

    /** Two decisions, an upload of 1.0.1, its impact and activation, then a forced rollback to 2.0.0. */
    async function history() {
      const server = await testApp(storage(), { config: { adminToken: 's3cret-token' } });
      const { call } = server;
      for (const yuan of [50000, 70000]) expect((await call('POST', '/v1/packs/quality-severity/decisions', { facts: { claimAmountYuan: yuan } })).status).toBe(201);
      expect((await call('PUT', `${BASE}/1.0.1`, draft(60000, '1.0.1'), { ...ADMIN, 'aftersales-actor': 'li.wei' })).status).toBe(201);
      expect((await call('POST', `${BASE}/1.0.1/impact`, {}, ADMIN)).status).toBe(200);
      const activated = await call('POST', `${BASE}/1.0.1/activate`, { actor: 'zhang.min' }, ADMIN);
      expect(activated.status).toBe(200);
      const rolledBack = await call('POST', `${BASE}/2.0.0/activate`, { force: true, reason: 'level 2 line wrong' }, { ...ADMIN, 'Aftersales-Actor': 'wang.fang' });
      expect(rolledBack.status).toBe(200);
      return { server, activated, rolledBack };
    }

    const entries = async (): Promise<Array<{ seq: number; hash: string; prevHash: string; entry?: LogEntry }>> =>
      (await storage().scanRows(0, 100)).map((row) => ({
        seq: Number(row.seq), hash: row.hash, prevHash: row.prev_hash,
        ...(Number(row.format) === 2 ? { entry: rowToEntry(row) } : {}),
      }));

    it('records an upload, an activation and a rollback as entries of the chain, with their fields and actor', async () => {
      const { activated, rolledBack } = await history();
      expect(activated.json).toMatchObject({ action: 'activate', actor: 'zhang.min', previous: '2.0.0' });
      expect(rolledBack.json).toMatchObject({ action: 'rollback', actor: 'wang.fang', previous: '1.0.1', forced: { reason: 'level 2 line wrong' } });
      const rows = await entries();
      expect(rows.map((r) => r.entry?.kind)).toEqual(['decision', 'decision', 'pack-version', 'activation', 'activation']);
      const [, , upload, activation, rollback] = rows;
      expect(upload?.entry).toMatchObject({ format: 2, kind: 'pack-version', pack: 'quality-severity', version: '1.0.1', origin: 'uploaded', actor: 'li.wei' });
      expect(upload?.entry).toHaveProperty('bindingsHash', expect.stringMatching(/^sha256:[0-9a-f]{64}$/));
      const uploadedHash = (await storage().listPackVersions()).find((v) => v.version === '1.0.1')?.packHash;
      expect(upload?.entry).toHaveProperty('packHash', uploadedHash);
      expect(activation?.entry).toEqual({
        format: 2, kind: 'activation', id: expect.any(String), recordedAt: activated.json.activatedAt, pack: 'quality-severity', version: '1.0.1',
        packHash: uploadedHash, previousVersion: '2.0.0', action: 'activate', impact: { checked: 2, changed: 1, failed: 0 }, actor: 'zhang.min',
      });
      expect(rollback?.entry).toMatchObject({ kind: 'activation', version: '2.0.0', previousVersion: '1.0.1', action: 'rollback', forced: { reason: 'level 2 line wrong' }, actor: 'wang.fang' });
      expect(rollback?.entry).not.toHaveProperty('impact');
      // Each is linked into the one chain and hashed with core's hashEntry.
      for (const [i, r] of rows.entries()) {
        expect(r.prevHash).toBe(i === 0 ? GENESIS_HASH : rows[i - 1]?.hash);
        if (r.entry) expect(r.hash).toBe(hashEntry(r.seq, r.prevHash, r.entry));
      }
      expect(await verifyChain(storage())).toMatchObject({ ok: true, records: 5 });
    });

    it('names in a replay the activation under which each decision was made, from the chain', async () => {
      const { call } = await testApp(storage(), { config: { adminToken: 's3cret-token' } });
      const decide = async (): Promise<string> => {
        const res = await call('POST', '/v1/packs/quality-severity/decisions', { facts: { claimAmountYuan: 65000 } });
        expect(res.status).toBe(201);
        return res.json.decisionId as string;
      };
      const bundled = await decide();
      expect((await call('PUT', `${BASE}/1.0.1`, draft(60000, '1.0.1'), ADMIN)).status).toBe(201);
      const activated = await call('POST', `${BASE}/1.0.1/activate`, { force: true, reason: 'test', actor: 'zhang.min' }, ADMIN);
      expect(activated.status).toBe(200);
      const underNew = await decide();
      expect((await call('POST', `${BASE}/2.0.0/activate`, { force: true, reason: 'back' }, { ...ADMIN, 'Aftersales-Actor': 'wang.fang' })).status).toBe(200);
      const underOld = await decide();
      const history = (await call('GET', '/v1/packs/quality-severity/activations')).json.items as Array<{ seq: number; hash: string; version: string }>;
      const [rollback, activation] = history;
      const replay = async (id: string) => (await call('POST', `/v1/decisions/${id}/replay`)).json;
      // Made under the bundled version, before any logged activation: none is named.
      expect((await replay(bundled)).activation).toBeNull();
      expect((await replay(underNew)).activation).toEqual({ seq: activation?.seq, hash: activation?.hash, version: '1.0.1', action: 'activate', recordedAt: expect.any(String), actor: 'zhang.min' });
      const old = await replay(underOld);
      expect(old).toMatchObject({ version: '2.0.0', activation: { seq: rollback?.seq, version: '2.0.0', actor: 'wang.fang' } });
    });

    it('lists the activation history from the log, newest first, in keyset pages', async () => {
      const { server } = await history();
      const first = await server.call('GET', '/v1/packs/quality-severity/activations?limit=1');
      expect(first.status).toBe(200);
      expect(first.json.items).toEqual([expect.objectContaining({ seq: 5, version: '2.0.0', action: 'rollback', actor: 'wang.fang' })]);
      const second = await server.call('GET', `/v1/packs/quality-severity/activations?limit=1&cursor=${first.json.nextCursor as string}`);
      expect(second.json.items).toEqual([expect.objectContaining({ seq: 4, version: '1.0.1', action: 'activate', previousVersion: '2.0.0' })]);
      expect(second.json.nextCursor).toBeNull();
      expect((await server.call('GET', '/v1/packs/no-such-pack/activations')).status).toBe(404);
      expect((await server.call('GET', '/v1/packs/quality-severity/activations?cursor=nope')).status).toBe(400);
      // Decision reads show decisions only.
      const list = await server.call('GET', '/v1/decisions');
      expect(list.json.items.map((d: { seq: number }) => d.seq)).toEqual([1, 2]);
    });

    it('reports an edited activation row as broken at its seq', async () => {
      await history();
      await dropLogGuards(backend());
      await backend().sql(`UPDATE decisions SET entry_json = replace(entry_json, '"zhang.min"', '"someone.else"') WHERE seq = 4`);
      const result = await verifyChain(storage());
      expect(result).toMatchObject({ ok: false, records: 3, firstBroken: { seq: 4, reason: 'hash-mismatch' } });
    });

    it('stores no activation when its entry cannot be appended', async () => {
      const { call } = await testApp(storage(), { config: { adminToken: 's3cret-token' } });
      expect((await call('PUT', `${BASE}/1.0.1`, draft(60000, '1.0.1'), ADMIN)).status).toBe(201);
      if (backend().name === 'sqlite') {
        await backend().sql(`CREATE TRIGGER refuse_activation BEFORE INSERT ON decisions WHEN NEW.kind = 'activation' BEGIN SELECT RAISE(ABORT, 'refused'); END`);
      } else {
        await backend().sql(`CREATE FUNCTION refuse_activation() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$`);
        await backend().sql(`CREATE TRIGGER refuse_activation BEFORE INSERT ON decisions FOR EACH ROW WHEN (NEW.kind = 'activation') EXECUTE FUNCTION refuse_activation()`);
      }
      const refused = await call('POST', `${BASE}/1.0.1/activate`, { force: true, reason: 'test' }, ADMIN);
      expect(refused.status).toBeGreaterThanOrEqual(500);
      expect(await storage().listActivations('quality-severity')).toEqual([]);
      expect(await storage().getActiveVersions()).not.toHaveProperty('quality-severity', '1.0.1');
      expect((await call('GET', '/v1/packs/quality-severity')).json.version).toBe('2.0.0');
      expect((await entries()).map((r) => r.entry?.kind)).toEqual(['pack-version']);
    });

    it('passes the offline verifier on an export holding policy-change entries', async () => {
      const { server } = await history();
      const exported = await server.call('GET', '/v1/audit/export', undefined, ADMIN);
      expect(exported.status).toBe(200);
      const result = await verifyExport(exported.text.split('\n'));
      expect(result).toMatchObject({ ok: true, records: 5 });
    });
  });
}
