/**
 * Real SQLite faults under load (issue 8), in process against a SQLite file: the database fills up (a page limit
 * set at run time with `PRAGMA max_page_count`, so SQLite itself answers `SQLITE_FULL` on the writer thread's
 * commit) and the database turns read-only (`PRAGMA query_only`, so SQLite itself answers `SQLITE_READONLY`).
 * Several clients keep sending decisions while the fault is switched on and off. Checked: every failed request is
 * a `503 STORAGE_UNAVAILABLE` with a bilingual body and `Retry-After`; every `201` is in the log and nothing else
 * is (the log holds exactly the acknowledged decisions); the chain verifies; decisions are acknowledged again once
 * the fault is lifted, without a restart.
 *
 * Why the read-only fault is set through SQLite rather than the file system: the tests run as root, for whom
 * `chmod` does not stop writes, and on Linux a file system cannot become read-only under a process holding files
 * open for writing (`mount -o remount,ro` fails with EBUSY; a read-only bind mount over the directory does not
 * affect descriptors already open). `query_only` gives the same error SQLite returns for a read-only database.
 * A disk that is really full (ENOSPC on a small tmpfs) is tested with the built server in `enospc.test.ts`.
 *
 * Readiness follows each fault: `/readyz` is `503 STORAGE_NOT_WRITABLE` with SQLite's reason while it lasts and
 * `200` once it is lifted; a table or a column taken away under the running server (renamed, as a botched
 * restore or a manual edit would) makes `/readyz` `503 STORAGE_SCHEMA_DAMAGED` naming it and the log routes `503`
 * instead of `500`, and both recover when it is back, without a restart.
 */
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqliteStorage } from '../src/index.js';
import { SCHEMA_COLUMNS } from '../src/storage/schema.js';
import { sqliteBackend, testApp, type Backend, type TestServer } from './helpers.js';

interface Tally {
  acknowledged: string[];
  refused: number;
  other: Array<{ status: number; text: string }>;
}

/** `clients` clients send decisions back to back until `stop()` says so. */
function sendContinuously(server: TestServer, clients: number): { tally: Tally; stop: () => Promise<void> } {
  const tally: Tally = { acknowledged: [], refused: 0, other: [] };
  let running = true;
  const loops = Array.from({ length: clients }, async (_, c) => {
    for (let i = 0; running; i++) {
      const res = await server.call('POST', '/v1/packs/quality-severity/decisions', {
        facts: { claimAmountYuan: c * 1000 + i, companyLossYuan: i },
      });
      if (res.status === 201) tally.acknowledged.push(res.json.decisionId);
      else if (res.status === 503) {
        expect(res.json.error.code).toBe('STORAGE_UNAVAILABLE');
        expect(res.json.error.message.zh).toMatch(/存储/);
        expect(res.json.error.message.en).toMatch(/nothing was recorded/);
        expect(res.headers.get('retry-after')).toBe('1');
        tally.refused += 1;
      } else tally.other.push({ status: res.status, text: res.text.slice(0, 300) });
    }
  });
  return {
    tally,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** Waits until `cond` holds (checked between event-loop turns), at most `turns` turns. */
/**
 * Waits until `cond` holds. A hang guard, not a speed check: it gives up only after `limitMs` of wall time (a
 * count of event-loop turns ran out on a loaded machine before the writer thread had answered).
 */
async function until(cond: () => boolean, limitMs = 60_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
  expect(cond()).toBe(true);
}

describe('SQLite faults under load', () => {
  let backend: Backend;
  let storage: SqliteStorage;
  beforeEach(async () => {
    backend = sqliteBackend();
    storage = (await backend.open()) as SqliteStorage;
  });
  afterEach(async () => {
    await storage.close();
    await backend.cleanup();
  });

  async function checkLog(server: TestServer, acknowledged: string[]): Promise<void> {
    const verify = (await server.call('GET', '/v1/audit/verify')).json;
    expect(verify.ok).toBe(true);
    // exactly the acknowledged decisions: none lost, none stored without its 201
    expect(verify.records).toBe(acknowledged.length);
    const logged = new Set<string>();
    for (let cursor: string | null = ''; cursor !== null; ) {
      const page: { items: Array<{ decisionId: string }>; nextCursor: string | null } = (
        await server.call('GET', `/v1/decisions?limit=1000${cursor ? `&cursor=${cursor}` : ''}`)
      ).json;
      for (const item of page.items) logged.add(item.decisionId);
      cursor = page.nextCursor;
    }
    expect([...logged].sort()).toEqual([...acknowledged].sort());
  }

  /**
   * Sends decisions continuously; once 50 are acknowledged, injects the fault, waits for 50 refusals, runs
   * `during`, clears the fault and waits for 50 more acknowledgements; then checks the log holds exactly them.
   */
  async function underLoad(fault: { inject: () => Promise<unknown>; clear: () => Promise<unknown>; notReady: RegExp; during?: (server: TestServer) => Promise<void> }): Promise<void> {
    const server = await testApp(storage);
    expect((await server.call('GET', '/readyz')).status).toBe(200);
    const load = sendContinuously(server, 20);
    await until(() => load.tally.acknowledged.length >= 50);
    await fault.inject();
    await until(() => load.tally.refused >= 50);
    await fault.during?.(server);
    const ready = await server.call('GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.json.error.code).toBe('STORAGE_NOT_WRITABLE');
    expect(ready.json.error.message.zh).toMatch(/存储无法写入/);
    expect(ready.json.error.message.en).toMatch(fault.notReady);
    const duringFault = load.tally.acknowledged.length;
    await fault.clear();
    await until(() => load.tally.acknowledged.length >= duringFault + 50);
    await load.stop();
    expect((await server.call('GET', '/readyz')).status).toBe(200);
    expect(load.tally.other).toEqual([]);
    await checkLog(server, load.tally.acknowledged);
  }

  it('disk full (SQLITE_FULL from a page limit set at run time): 503, nothing unstored acknowledged, recovery without restart', async () => {
    await underLoad({
      inject: async () => {
        const pages = ((await storage.pragma('page_count')) as Array<{ page_count: number }>)[0]?.page_count ?? 0;
        await storage.pragma(`max_page_count = ${pages}`);
      },
      clear: () => storage.pragma('max_page_count = 1073741823'),
      notReady: /full \(SQLITE_FULL\)/,
    });
  });

  it('read-only database (SQLITE_READONLY): 503, nothing unstored acknowledged, recovery without restart', async () => {
    await underLoad({
      inject: () => storage.pragma('query_only = ON'),
      // the read side keeps serving while writes are refused
      during: async (server) => expect((await server.call('GET', '/v1/decisions?limit=1')).status).toBe(200),
      clear: () => storage.pragma('query_only = OFF'),
      notReady: /read-only \(SQLITE_READONLY\)/,
    });
  });

  it('holds exactly the tables and columns readiness checks after a fresh migration', async () => {
    const db = new Database((storage.readerSource as { file: string }).file, { readonly: true });
    try {
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>).map((t) => t.name);
      expect(tables).toEqual(Object.keys(SCHEMA_COLUMNS).sort());
      for (const table of tables) {
        const columns = (db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name);
        expect(columns.sort(), table).toEqual([...(SCHEMA_COLUMNS[table] ?? [])].sort());
      }
    } finally {
      db.close();
    }
  });

  it('a table or a column taken away: /readyz 503 STORAGE_SCHEMA_DAMAGED naming it, log routes 503 not 500, both recover when it is back', async () => {
    const server = await testApp(storage);
    const first = await server.call('POST', '/v1/packs/quality-severity/decisions', { facts: { claimAmountYuan: 1 } });
    expect(first.status).toBe(201);
    const routes: Array<[string, string, unknown?]> = [
      ['GET', '/v1/decisions'],
      ['GET', '/v1/decisions?reference=claim-1'],
      ['POST', '/v1/packs/quality-severity/decisions', { facts: { claimAmountYuan: 2 } }],
      ['GET', `/v1/decisions/${first.json.decisionId}`],
      ['POST', `/v1/decisions/${first.json.decisionId}/replay`],
    ];
    const faults = [
      { away: 'ALTER TABLE decisions RENAME TO decisions_aside', back: 'ALTER TABLE decisions_aside RENAME TO decisions', named: /table decisions: no such table: decisions/, routes },
      // A read of the whole row (`SELECT *`) still answers without the column; the routes that name it answer 503.
      { away: 'ALTER TABLE decisions RENAME COLUMN reference TO reference_aside', back: 'ALTER TABLE decisions RENAME COLUMN reference_aside TO reference', named: /no such column: reference/, routes: routes.slice(0, 3) },
    ];
    for (const fault of faults) {
      await backend.sql(fault.away);
      const ready = await server.call('GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.json.error.code).toBe('STORAGE_SCHEMA_DAMAGED');
      expect(ready.json.error.message.zh).toMatch(/表结构不完整/);
      expect(ready.json.error.message.en).toMatch(fault.named);
      for (const [method, path, body] of fault.routes) {
        const res = await server.call(method, path, body);
        expect(res.status, `${method} ${path}: ${res.text.slice(0, 200)}`).toBe(503);
        expect(res.json.error.code).toBe('STORAGE_UNAVAILABLE');
      }
      await backend.sql(fault.back);
      expect((await server.call('GET', '/readyz')).status).toBe(200);
      expect((await server.call('GET', '/v1/decisions')).status).toBe(200);
    }
    const after = await server.call('POST', '/v1/packs/quality-severity/decisions', { facts: { claimAmountYuan: 3 } });
    expect(after.status).toBe(201);
    expect((await server.call('GET', '/v1/audit/verify')).json).toMatchObject({ ok: true, records: 2 });
  });

  it('the writer thread’s errors carry SQLite’s own codes', async () => {
    const record = (id: string) => ({
      decisionId: id, recordedAt: 't', pack: 'p', version: '1', packHash: 'h', asOf: 'a', parameters: {},
      facts: { filler: 'x'.repeat(8000) }, outcome: {}, decision: {} as never,
    });
    await storage.pragma('query_only = ON');
    await expect(storage.appendDecisions([record('a')])).rejects.toMatchObject({ name: 'StorageUnavailableError', cause: { code: 'SQLITE_READONLY' } });
    // opening an app records the bundled packs: refused on a read-only database, as a storage error
    await expect(testApp(storage)).rejects.toMatchObject({ name: 'StorageUnavailableError' });
    await storage.pragma('query_only = OFF');
    const pages = ((await storage.pragma('page_count')) as Array<{ page_count: number }>)[0]?.page_count ?? 0;
    await storage.pragma(`max_page_count = ${pages}`);
    await expect(storage.appendDecisions([record('b')])).rejects.toMatchObject({ name: 'StorageUnavailableError', cause: { code: 'SQLITE_FULL' } });
    await storage.pragma('max_page_count = 1073741823');
    expect((await storage.appendDecisions([record('c')])).map((r) => r.seq)).toEqual([1]);
  });
});
