/**
 * Packs that `require` others, across restarts, on SQLite and PostgreSQL: a dependant keeps exactly the required
 * versions it was uploaded (and tested) against — after a restart, and after the required pack gets a new active
 * version (pinned until a new version of the dependant is uploaded); an uploaded pack requiring another uploaded
 * pack still loads after a restart; every decision lists the packs it used (id, version, pack hash) and replays
 * identical after the restart.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadPack, PackRegistry } from '@aftersales/core';
import type { Storage } from '../src/index.js';
import { backends } from './backends.js';
import { testApp, TestClock, type Backend, type TestServer } from './helpers.js';

const ADMIN = { authorization: 'Bearer s3cret-token' };
const config = { adminToken: 's3cret-token' };
const asOf = '2026-01-15T10:00:00+08:00';

/** A pack that says whether an amount is big: at least `limit`. */
function base(id: string, version: string, limit: number) {
  return {
    id,
    version,
    title: { zh: '基础', en: 'base' },
    description: { zh: '基础', en: 'base' },
    sources: [{ id: 'T', document: 'test', clause: '§1' }],
    effective: { from: '2020-01-01' },
    hitPolicy: 'first',
    parameters: { limit: { type: 'number', value: limit, description: { zh: '限', en: 'limit' }, source: 'T §1' } },
    facts: { type: 'object', required: ['amount'], properties: { amount: { type: 'number' } } },
    rules: [
      {
        name: 'big',
        source: 'T §1',
        conditions: { all: [{ fact: 'amount', operator: 'greaterThanInclusive', value: { param: 'limit' } }] },
        event: { type: 'big', params: { big: true } },
        message: { zh: '大', en: 'big' },
      },
    ],
    default: { big: false },
    defaultMessage: { zh: '小', en: 'small' },
    outcome: { type: 'object', required: ['big'], properties: { big: { type: 'boolean' } } },
  };
}

/** A pack that escalates when the required pack says big. */
function dependant(id: string, version: string, requires: string) {
  return {
    ...base(id, version, 0),
    parameters: {},
    requires: [{ pack: requires, as: 'sized' }],
    rules: [
      {
        name: 'escalate',
        source: 'T §1',
        conditions: { all: [{ fact: 'sized', path: 'big', operator: 'equal', value: true }] },
        event: { type: 'escalate', params: { escalate: true } },
        message: { zh: '升级', en: 'escalate' },
      },
    ],
    default: { escalate: false },
    outcome: { type: 'object', required: ['escalate'], properties: { escalate: { type: 'boolean' } } },
  };
}

function suiteFor(id: string, amount: number, escalate: boolean) {
  return { pack: id, asOf, cases: [{ name: `amount ${amount}`, facts: { amount }, expect: { outcome: { escalate } } }] };
}
function baseSuite(id: string, amount: number, big: boolean) {
  return { pack: id, asOf, cases: [{ name: `amount ${amount}`, facts: { amount }, expect: { outcome: { big } } }] };
}

/** Uploads a version (201) and activates it (200). */
async function uploadActive(server: TestServer, pack: { id: string; version: string }, suite: unknown): Promise<void> {
  expect((await server.call('PUT', `/v1/packs/${pack.id}/versions/${pack.version}`, { pack, suite }, ADMIN)).status).toBe(201);
  expect((await server.call('POST', `/v1/packs/${pack.id}/versions/${pack.version}/impact`, {}, ADMIN)).status).toBe(200);
  expect((await server.call('POST', `/v1/packs/${pack.id}/versions/${pack.version}/activate`, undefined, ADMIN)).status).toBe(200);
}

function bundled(): PackRegistry {
  const registry = new PackRegistry();
  registry.add(loadPack(base('base', '1.0.0', 100)));
  registry.add(loadPack(dependant('dep', '1.0.0', 'base'), { registry }));
  return registry;
}

for (const b of backends) {
  describe.skipIf(!b.enabled)(`composition across restarts on ${b.name}`, () => {
    let backend: Backend;
    const open: Storage[] = [];
    beforeEach(() => {
      backend = b.make();
    });
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close();
      await backend.cleanup();
    });
    const start = async (first = false) => {
      const storage = first ? await backend.open() : await backend.reopen();
      open.push(storage);
      return testApp(storage, { packs: bundled(), config, clock: new TestClock() });
    };

    it('restores each dependant bound to exactly the versions it was uploaded against, and replays identical', async () => {
      const one = await start(true);
      // base 1.1 says 50 is big; dep 1.1 is uploaded (and tested) while base 1.1 is active.
      await uploadActive(one, base('base', '1.1.0', 10), baseSuite('base', 50, true));
      await uploadActive(one, dependant('dep', '1.1.0', 'base'), suiteFor('dep', 50, true));
      // The bundled dep 1.0 stays bound to the bundled base 1.0 (50 is small there).
      const first = await one.call('POST', '/v1/packs/dep/decisions', { facts: { amount: 50 }, asOf });
      expect(first.status).toBe(201);
      expect(first.json.outcome).toEqual({ escalate: true });
      const base11 = first.json.packs.find((p: { pack: string }) => p.pack === 'base');
      expect(first.json.packs.map((p: { pack: string; version: string }) => `${p.pack}@${p.version}`)).toEqual(['dep@1.1.0', 'base@1.1.0']);
      expect(base11.packHash).toMatch(/^sha256:/);

      // A new active base (50 small again) does not re-bind dep 1.1: it stays pinned to base 1.1.
      await uploadActive(one, base('base', '1.2.0', 1000), baseSuite('base', 50, false));
      const pinned = await one.call('POST', '/v1/packs/dep/decisions', { facts: { amount: 50 }, asOf });
      expect(pinned.json.outcome).toEqual({ escalate: true });
      expect(pinned.json.packs).toEqual(first.json.packs);

      // Restart: same binding, same decision, and the first decision replays identical.
      const two = await start();
      const again = await two.call('POST', '/v1/packs/dep/decisions', { facts: { amount: 50 }, asOf });
      expect(again.json.outcome).toEqual({ escalate: true });
      expect(again.json.packs).toEqual(first.json.packs);
      const replay = await two.call('POST', `/v1/decisions/${first.json.decisionId}/replay`);
      expect(replay.status).toBe(200);
      expect(replay.json.identical).toBe(true);

      // A new dep version uploaded now binds to the active base 1.2.
      await uploadActive(two, dependant('dep', '1.2.0', 'base'), suiteFor('dep', 50, false));
      const rebound = await two.call('POST', '/v1/packs/dep/decisions', { facts: { amount: 50 }, asOf });
      expect(rebound.json.outcome).toEqual({ escalate: false });
      expect(rebound.json.packs.map((p: { pack: string; version: string }) => `${p.pack}@${p.version}`)).toEqual(['dep@1.2.0', 'base@1.2.0']);
    });

    it('refuses a version whose stored bindings were edited: /readyz 503 PACK_INTEGRITY, and never a decision under the edited binding', async () => {
      const one = await start(true);
      await uploadActive(one, base('base', '1.1.0', 10), baseSuite('base', 50, true));
      await uploadActive(one, dependant('dep', '1.1.0', 'base'), suiteFor('dep', 50, true));
      // base 1.2 says 50 is small: a dep bound to it would not escalate.
      await uploadActive(one, base('base', '1.2.0', 1000), baseSuite('base', 50, false));
      const first = await one.call('POST', '/v1/packs/dep/decisions', { facts: { amount: 50 }, asOf });
      expect(first.json.outcome).toEqual({ escalate: true });
      expect((await one.call('GET', '/readyz')).status).toBe(200);
      // Re-bind dep 1.1 to base 1.2 in the database, as a tamperer would (same version, same pack hash).
      const base12 = (await open[0]!.listPackVersions()).find((v) => v.pack === 'base' && v.version === '1.2.0')!;
      await backend.sql("UPDATE pack_versions SET bindings_json = ? WHERE pack = 'dep' AND version = '1.1.0'", [
        JSON.stringify([{ pack: 'base', version: '1.2.0', packHash: base12.packHash }]),
      ]);
      const two = await start();
      const ready = await two.call('GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.json.error.code).toBe('PACK_INTEGRITY');
      expect(ready.json.error.message.en).toContain('dep@1.1.0 (bindings)');
      expect(ready.json.error.message.zh).toContain('dep@1.1.0');
      expect(ready.json.error.problems).toEqual([expect.objectContaining({ path: '/packs/dep/versions/1.1.0/bindings', code: 'PACK_INTEGRITY' })]);
      // No decision under the edited binding, nor under another version in its place: 503, on both routes.
      const single = await two.call('POST', '/v1/packs/dep/decisions', { facts: { amount: 50 }, asOf });
      expect(single.status).toBe(503);
      expect(single.json.error.code).toBe('PACK_INTEGRITY');
      const batch = await two.call('POST', '/v1/packs/dep/decisions:batch', { items: [{ facts: { amount: 50 }, asOf }] });
      expect(batch.status).toBe(503);
      // The other packs keep deciding; activating a version of dep again serves it.
      expect((await two.call('POST', '/v1/packs/base/decisions', { facts: { amount: 50 }, asOf })).json.outcome).toEqual({ big: false });
      await uploadActive(two, dependant('dep', '1.3.0', 'base'), suiteFor('dep', 50, false));
      const after = await two.call('POST', '/v1/packs/dep/decisions', { facts: { amount: 50 }, asOf });
      expect(after.status).toBe(201);
      expect(after.json.packs.map((p: { pack: string; version: string }) => `${p.pack}@${p.version}`)).toEqual(['dep@1.3.0', 'base@1.2.0']);
    });

    it('hashes the bindings of versions stored before the bindings hash once, at migration, and loads them', async () => {
      const one = await start(true);
      await uploadActive(one, base('base', '1.1.0', 10), baseSuite('base', 50, true));
      await uploadActive(one, dependant('dep', '1.1.0', 'base'), suiteFor('dep', 50, true));
      const first = await one.call('POST', '/v1/packs/dep/decisions', { facts: { amount: 50 }, asOf });
      // As older code left it: no bindings hash, the schema at migration 4.
      await backend.sql('UPDATE pack_versions SET bindings_hash = NULL');
      await backend.sql('DELETE FROM schema_migrations WHERE version >= 5');
      await backend.sql('ALTER TABLE pack_versions DROP COLUMN bindings_hash');
      await backend.sql('DROP INDEX decisions_pack_recorded_at_seq');
      const two = await start();
      expect((await two.call('GET', '/readyz')).status).toBe(200);
      const again = await two.call('POST', '/v1/packs/dep/decisions', { facts: { amount: 50 }, asOf });
      expect(again.status).toBe(201);
      expect(again.json.packs).toEqual(first.json.packs);
      const stored = (await open[open.length - 1]!.listPackVersions()).find((v) => v.pack === 'dep' && v.version === '1.1.0')!;
      expect(stored.bindingsHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    });

    it('keeps an uploaded pack that requires another uploaded pack after a restart, with its decisions replayable', async () => {
      const one = await start(true);
      await uploadActive(one, base('extra-base', '1.0.0', 10), baseSuite('extra-base', 50, true));
      await uploadActive(one, dependant('extra-dep', '1.0.0', 'extra-base'), suiteFor('extra-dep', 50, true));
      const first = await one.call('POST', '/v1/packs/extra-dep/decisions', { facts: { amount: 50 }, asOf });
      expect(first.status).toBe(201);

      const two = await start();
      const again = await two.call('POST', '/v1/packs/extra-dep/decisions', { facts: { amount: 50 }, asOf });
      expect(again.status).toBe(201);
      expect(again.json.outcome).toEqual({ escalate: true });
      const replay = await two.call('POST', `/v1/decisions/${first.json.decisionId}/replay`);
      expect(replay.status).toBe(200);
      expect(replay.json.identical).toBe(true);
    });
  });
}
