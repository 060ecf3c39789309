/**
 * PostgreSQL going away and coming back, for real: the server's storage connects through a TCP relay that the
 * test cuts (every open connection destroyed, new ones refused) and then restores. While it is cut, decisions and
 * readiness answer `503` and nothing is acknowledged; once it is back, the same app (no restart) stores decisions
 * again and the chain verifies. Skipped, with a message, when the test PostgreSQL is unreachable.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStorage } from '../src/index.js';
import { postgresReachable, testApp, TEST_DATABASE_URL } from './helpers.js';
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
