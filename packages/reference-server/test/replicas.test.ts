/**
 * Replicas that agree: two server instances on one SQLite file and on one PostgreSQL schema (two storages, as two
 * processes would have). Clients keep sending decisions to both while a new version is activated on one. Every
 * decision records the version it used and when it started: no decision that started before the activation was
 * stored uses the new version, and once one second has passed after the activation answered, no decision on either
 * replica uses the old one. The replicas' poll runs every 20 ms here (250 ms by default; PostgreSQL also hears
 * NOTIFY at once). The wait is a sleep between phases; the test's timeout is the hang guard. A replica that hears of a
 * change reads the document of the changed version only, by (pack, version): its storage counts the documents read.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Storage } from '../src/index.js';
import { backends } from './backends.js';
import { qualitySeverity, testApp, type Backend, type TestServer } from './helpers.js';

const ADMIN = { authorization: 'Bearer s3cret-token' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The storage, and the documents read through it so far (each version listed with its document, or read by id). */
function counting(storage: Storage): { storage: Storage; read: string[] } {
  const read: string[] = [];
  const wrapped = new Proxy(storage, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (key === 'listPackVersions') return async () => {
        const all = await target.listPackVersions();
        read.push(...all.map((v) => `${v.pack}@${v.version}`));
        return all;
      };
      if (key === 'getPackVersion') return async (pack: string, version: string) => {
        const one = await target.getPackVersion(pack, version);
        if (one) read.push(`${pack}@${version}`);
        return one;
      };
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { storage: wrapped, read };
}

/** Resolves once `check` holds, polling every 10 ms (the test's timeout is the hang guard). */
async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await sleep(10);
}

function raised(version: string) {
  const doc = structuredClone(qualitySeverity().doc);
  doc.version = version;
  (doc.parameters as Record<string, { value: number }>).level2ClaimYuan!.value = 80000;
  return doc;
}
const suite = {
  pack: 'quality-severity',
  asOf: '2026-01-15T10:00:00+08:00',
  cases: [{ name: 'at 80000', facts: { claimAmountYuan: 80000 }, expect: { outcome: { class: 'major', level: 2 } } }],
};

interface Seen {
  replica: number;
  started: number;
  version: string;
}

for (const b of backends) {
  describe.skipIf(!b.enabled)(`replicas on one ${b.name} database`, () => {
    let backend: Backend;
    const open: Storage[] = [];
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close();
      await backend.cleanup();
    });

    it('activation on one replica reaches the other within 1 s while clients send to both', { timeout: 60_000 }, async () => {
      backend = b.make();
      const first = await backend.open();
      const second = await backend.reopen();
      open.push(first, second);
      const config = { adminToken: 's3cret-token', syncIntervalMs: 20 };
      const replicas: TestServer[] = [await testApp(first, { config }), await testApp(second, { config })];
      const [one, two] = replicas as [TestServer, TestServer];
      expect((await one.call('PUT', '/v1/packs/quality-severity/versions/1.1.0', { pack: raised('1.1.0'), suite }, ADMIN)).status).toBe(201);

      // One decision each first: what is measured below is the activation's reach, not a log writer starting.
      for (const server of replicas) expect((await server.call('POST', '/v1/packs/quality-severity/decisions', { facts: { claimAmountYuan: 60000 }, asOf: '2026-01-15T10:00:00+08:00' })).status).toBe(201);
      const seen: Seen[] = [];
      let sending = true;
      const client = async (replica: number): Promise<void> => {
        const server = replicas[replica] as TestServer;
        while (sending) {
          const started = performance.now();
          const res = await server.call('POST', '/v1/packs/quality-severity/decisions', { facts: { claimAmountYuan: 60000 }, asOf: '2026-01-15T10:00:00+08:00' });
          expect(res.status).toBe(201);
          seen.push({ replica, started, version: res.json.version });
        }
      };
      const clients = [0, 0, 1, 1].map((r) => client(r));
      expect((await one.call('POST', '/v1/packs/quality-severity/versions/1.1.0/impact', {}, ADMIN)).status).toBe(200);
      await sleep(200);
      const activating = performance.now();
      const activated = await one.call('POST', '/v1/packs/quality-severity/versions/1.1.0/activate', undefined, ADMIN);
      expect(activated.status).toBe(200);
      const answered = performance.now();
      await sleep(1500);
      sending = false;
      await Promise.all(clients);

      // Before the activation was asked for, only the old version; a second after it answered, only the new one.
      const before = seen.filter((s) => s.started < activating);
      const settled = seen.filter((s) => s.started > answered + 1000);
      expect(before.length).toBeGreaterThan(0);
      expect(before.every((s) => s.version === '2.0.0')).toBe(true);
      // Each decision's version was active when it started: the new one only after the activation was asked for.
      expect(seen.filter((s) => s.version === '1.1.0').every((s) => s.started >= activating)).toBe(true);
      for (const replica of [0, 1]) {
        const late = settled.filter((s) => s.replica === replica);
        expect(late.length, `replica ${replica} decided after the second`).toBeGreaterThan(0);
        expect(late.every((s) => s.version === '1.1.0'), `replica ${replica} uses only 1.1.0 a second after`).toBe(true);
      }
      // The other replica lists the version as active, and replays a decision logged by the first.
      expect((await two.call('GET', '/v1/packs/quality-severity')).json.version).toBe('1.1.0');
      const logged = await one.call('POST', '/v1/packs/quality-severity/decisions', { facts: { claimAmountYuan: 80000 }, asOf: '2026-01-15T10:00:00+08:00' });
      const replay = await two.call('POST', `/v1/decisions/${logged.json.decisionId}/replay`);
      expect(replay.status).toBe(200);
      expect(replay.json.identical).toBe(true);
    });

    it('a replica that hears of a change reads the changed version\'s document only, not every stored one', { timeout: 60_000 }, async () => {
      backend = b.make();
      const first = await backend.open();
      const second = counting(await backend.reopen());
      open.push(first, second.storage);
      const config = { adminToken: 's3cret-token', syncIntervalMs: 20 };
      const one = await testApp(first, { config });
      const two = await testApp(second.storage, { config });
      // One more version stored before the change counted below, so the store holds several documents.
      expect((await one.call('PUT', '/v1/packs/quality-severity/versions/1.0.9', { pack: raised('1.0.9'), suite }, ADMIN)).status).toBe(201);
      await until(async () => (await two.call('GET', '/v1/packs/quality-severity/versions')).json.versions.some((v: { version: string }) => v.version === '1.0.9'));
      expect((await first.listPackVersions()).length).toBeGreaterThan(2);
      second.read.length = 0;

      // An upload on the first: the second takes in that version, reading its document once.
      expect((await one.call('PUT', '/v1/packs/quality-severity/versions/1.1.0', { pack: raised('1.1.0'), suite }, ADMIN)).status).toBe(201);
      await until(async () => (await two.call('GET', '/v1/packs/quality-severity/versions')).json.versions.some((v: { version: string }) => v.version === '1.1.0'));
      expect(second.read).toEqual(['quality-severity@1.1.0']);

      // An activation on the first: the second switches without reading any document again.
      expect((await one.call('POST', '/v1/packs/quality-severity/versions/1.1.0/activate', { force: true, reason: 'replica read count' }, ADMIN)).status).toBe(200);
      await until(async () => (await two.call('GET', '/v1/packs/quality-severity')).json.version === '1.1.0');
      expect(second.read).toEqual(['quality-severity@1.1.0']);
      const decided = await two.call('POST', '/v1/packs/quality-severity/decisions', { facts: { claimAmountYuan: 60000 }, asOf: '2026-01-15T10:00:00+08:00' });
      expect(decided.json.version).toBe('1.1.0');
    });
  });
}
