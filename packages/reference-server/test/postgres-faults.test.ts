/**
 * PostgreSQL going away and coming back, for real: the server's storage connects through a TCP relay that the
 * test cuts (every open connection destroyed, new ones refused) and then restores. While it is cut, decisions and
 * readiness answer `503` and nothing is acknowledged; once it is back, the same app (no restart) stores decisions
 * again and the chain verifies. Then readiness that means it: a table or a column taken away under the running
 * server makes `/readyz` `503 STORAGE_SCHEMA_DAMAGED` naming it and the log routes `503`, not `500`; a full disk, as
 * PostgreSQL reports it (SQLSTATE 53100 `disk_full` on every insert, raised here by a trigger), makes decisions and
 * `/readyz` `503 STORAGE_NOT_WRITABLE`; each recovers without a restart once repaired. Skipped, with a message,
 * when the test PostgreSQL is unreachable.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStorage } from '../src/index.js';
import { SCHEMA_COLUMNS } from '../src/storage/schema.js';
import { freshStorage } from './backends.js';
import { postgresBackend, postgresReachable, testApp, TEST_DATABASE_URL } from './helpers.js';
import pg from 'pg';

const pgUp = await postgresReachable();
if (!pgUp) console.warn(`\n[reference-server] PostgreSQL not reachable at ${TEST_DATABASE_URL}: the PostgreSQL fault test is SKIPPED.\n`);

/** A TCP relay to PostgreSQL that can be cut and restored. */
class Relay {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;
  constructor(
    private readonly host: string,
    private readonly targetPort: number,
  ) {}
  async open(port = 0): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, this.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }
  async cut(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }
}

describe.skipIf(!pgUp)('PostgreSQL goes away and comes back', () => {
  const target = new URL(TEST_DATABASE_URL);
  const relay = new Relay(target.hostname, Number(target.port || 5432));
  const schema = `aftersales_fault_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  let storage: PostgresStorage;

  beforeAll(async () => {
    await relay.open();
    const url = new URL(TEST_DATABASE_URL);
    url.port = String(relay.port);
    url.hostname = '127.0.0.1';
    storage = new PostgresStorage({ connectionString: url.toString(), schema, max: 2, connectionTimeoutMs: 1000 });
    await storage.migrate();
  });
  afterAll(async () => {
    await storage?.close().catch(() => undefined);
    await relay.cut();
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  it('answers 503 while the database is unreachable and recovers without a restart', async () => {
    const { call } = await testApp(storage);
    const first = await call('POST', '/v1/packs/quality-severity/decisions', { facts: { claimAmountYuan: 1 } });
    expect(first.status).toBe(201);

    await relay.cut();
    const down = await call('POST', '/v1/packs/quality-severity/decisions', { facts: { claimAmountYuan: 2 } });
    expect(down.status).toBe(503);
    expect(down.json.error.code).toBe('STORAGE_UNAVAILABLE');
    expect((await call('GET', '/readyz')).status).toBe(503);
    expect((await call('GET', `/v1/decisions/${first.json.decisionId}`)).status).toBe(503);

    await relay.open(relay.port);
    expect((await call('GET', '/readyz')).status).toBe(200);
    const up = await call('POST', '/v1/packs/quality-severity/decisions', { facts: { claimAmountYuan: 3 } });
    expect(up.status).toBe(201);
    const log = (await call('GET', '/v1/decisions')).json.items.map((r: { decisionId: string }) => r.decisionId);
    expect(log).toEqual([first.json.decisionId, up.json.decisionId]);
    expect((await call('GET', '/v1/audit/verify')).json).toMatchObject({ ok: true, records: 2 });
  });
});

describe.skipIf(!pgUp)('PostgreSQL readiness: the schema and writes', () => {
  const fresh = freshStorage(() => postgresBackend());

  it('holds exactly the tables and columns readiness checks after a fresh migration', async () => {
    const source = fresh.storage().readerSource as { connectionString: string; schema: string };
    const client = new pg.Client({ connectionString: source.connectionString });
    await client.connect();
    try {
      const { rows } = await client.query<{ table_name: string; column_name: string }>(
        'SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $1',
        [source.schema],
      );
      const found: Record<string, string[]> = {};
      for (const r of rows) (found[r.table_name] ??= []).push(r.column_name);
      expect(Object.keys(found).sort()).toEqual(Object.keys(SCHEMA_COLUMNS).sort());
      for (const [table, columns] of Object.entries(found)) expect(columns.sort(), table).toEqual([...(SCHEMA_COLUMNS[table] ?? [])].sort());
    } finally {
      await client.end();
    }
  });

  it('a table or a column taken away: /readyz 503 STORAGE_SCHEMA_DAMAGED naming it, log routes 503 not 500, both recover when it is back', async () => {
    const { call } = await testApp(fresh.storage());
    const first = await call('POST', '/v1/packs/quality-severity/decisions', { facts: { claimAmountYuan: 1 } });
    expect(first.status).toBe(201);
    const routes: Array<[string, string, unknown?]> = [
      ['GET', '/v1/decisions'],
      ['GET', '/v1/decisions?reference=claim-1'],
      ['POST', '/v1/packs/quality-severity/decisions', { facts: { claimAmountYuan: 2 } }],
      ['GET', `/v1/decisions/${first.json.decisionId}`],
      ['POST', `/v1/decisions/${first.json.decisionId}/replay`],
    ];
    const faults = [
      { away: 'ALTER TABLE decisions RENAME TO decisions_aside', back: 'ALTER TABLE decisions_aside RENAME TO decisions', named: /table decisions: .*decisions.* does not exist/, routes },
      { away: 'ALTER TABLE decisions RENAME COLUMN reference TO reference_aside', back: 'ALTER TABLE decisions RENAME COLUMN reference_aside TO reference', named: /column "reference" does not exist/, routes: routes.slice(0, 3) },
    ];
    for (const fault of faults) {
      await fresh.backend().sql(fault.away);
      const ready = await call('GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.json.error.code).toBe('STORAGE_SCHEMA_DAMAGED');
      expect(ready.json.error.message.en).toMatch(fault.named);
      for (const [method, path, body] of fault.routes) {
        const res = await call(method, path, body);
        expect(res.status, `${method} ${path}: ${res.text.slice(0, 200)}`).toBe(503);
      }
      await fresh.backend().sql(fault.back);
      expect((await call('GET', '/readyz')).status).toBe(200);
      expect((await call('GET', '/v1/decisions')).status).toBe(200);
    }
    expect((await call('POST', '/v1/packs/quality-severity/decisions', { facts: { claimAmountYuan: 3 } })).status).toBe(201);
    expect((await call('GET', '/v1/audit/verify')).json).toMatchObject({ ok: true, records: 2 });
  });

  it('a full disk as PostgreSQL reports it (53100 on every insert): decisions and /readyz 503 STORAGE_NOT_WRITABLE, 200 again once lifted', async () => {
    const { call } = await testApp(fresh.storage());
    expect((await call('POST', '/v1/packs/quality-severity/decisions', { facts: { claimAmountYuan: 1 } })).status).toBe(201);
    const sql = fresh.backend().sql;
    await sql(`CREATE FUNCTION disk_full() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full'; END $$`);
    for (const table of ['decisions', 'activations']) await sql(`CREATE TRIGGER full_${table} BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION disk_full()`);
    const refused = await call('POST', '/v1/packs/quality-severity/decisions', { facts: { claimAmountYuan: 2 } });
    expect(refused.status).toBe(503);
    expect(refused.json.error.code).toBe('STORAGE_UNAVAILABLE');
    // Asked twice: the load balancer sends no decision meanwhile, and readiness keeps saying why.
    for (let i = 0; i < 2; i++) {
      const ready = await call('GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.json.error.code).toBe('STORAGE_NOT_WRITABLE');
      expect(ready.json.error.message.zh).toMatch(/存储无法写入/);
      expect(ready.json.error.message.en).toMatch(/No space left on device/);
    }
    for (const table of ['decisions', 'activations']) await sql(`DROP TRIGGER full_${table} ON ${table}`);
    expect((await call('GET', '/readyz')).status).toBe(200);
    expect((await call('POST', '/v1/packs/quality-severity/decisions', { facts: { claimAmountYuan: 3 } })).status).toBe(201);
    expect((await call('GET', '/v1/audit/verify')).json).toMatchObject({ ok: true, records: 2 });
  });
});
