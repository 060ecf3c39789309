/**
 * Test fixtures of the reference server: the real quality-severity pack read from the rules package's data
 * (so the tests do not depend on the rules package being built), a small inline pack with personal fields for the
 * masking tests, the two storage back ends (SQLite in a temp dir; PostgreSQL in a schema unique to the run,
 * dropped afterwards), a controllable clock and an app factory.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadPack, PackRegistry, type RulePackDocument, type TestSuite } from '@aftersales/core';
import type { Hono } from 'hono';
import { createApp, type AppEnv, type ServerConfig } from '../src/index.js';
import { PostgresStorage } from '../src/storage/postgres.js';
import { SqliteStorage } from '../src/storage/sqlite.js';
import type { Storage } from '../src/storage/types.js';

const here = dirname(fileURLToPath(import.meta.url));
const packsDir = join(here, '..', '..', 'rules', 'packs');

/** The quality-severity pack document and its suite, as shipped. */
export function qualitySeverity(): { doc: RulePackDocument; suite: TestSuite } {
  return {
    doc: JSON.parse(readFileSync(join(packsDir, 'quality-severity', 'pack.json'), 'utf8')) as RulePackDocument,
    suite: JSON.parse(readFileSync(join(packsDir, 'quality-severity', 'quality-severity.test.json'), 'utf8')) as TestSuite,
  };
}

/** Any bundled pack's document, read from the rules package's data. */
/**
 * A draft of quality-severity at `version` with its level-2 threshold at `yuan`, and a suite that passes on it: a
 * version to upload, impact and activate.
 */
export function qualitySeverityDraft(yuan: number, version: string): { pack: RulePackDocument; suite: TestSuite } {
  const pack = structuredClone(qualitySeverity().doc);
  pack.version = version;
  pack.parameters!.level2ClaimYuan!.value = yuan;
  const suite = {
    pack: 'quality-severity',
    asOf: '2026-01-15T10:00:00+08:00',
    cases: [{ name: 'at the line', facts: { claimAmountYuan: yuan }, expect: { outcome: { class: 'major', level: 2 } } }],
  } as TestSuite;
  return { pack, suite };
}

export function bundledDoc(id: string): RulePackDocument {
  return JSON.parse(readFileSync(join(packsDir, id, 'pack.json'), 'utf8')) as RulePackDocument;
}

/** A small pack with personal fields (VIN, customer name and phone): mileage within a limit is covered. */
export const WARRANTY_DOC = {
  id: 'mini-warranty',
  version: '1.0.0',
  title: { zh: '简易保修', en: 'Mini warranty' },
  description: { zh: '测试用规则包', en: 'A pack for the server tests' },
  sources: [{ id: 'T', document: 'test', clause: '§1' }],
  effective: { from: '2020-01-01' },
  hitPolicy: 'first',
  parameters: {
    mileageLimitKm: {
      type: 'number',
      value: 100000,
      minimum: 0,
      description: { zh: '里程上限', en: 'mileage limit' },
      source: 'T §1',
    },
  },
  facts: {
    type: 'object',
    additionalProperties: false,
    required: ['vin', 'mileageKm'],
    properties: {
      vin: { type: 'string' },
      customer: {
        type: 'object',
        additionalProperties: false,
        properties: { name: { type: 'string' }, phone: { type: 'string' } },
      },
      mileageKm: { type: 'number', minimum: 0 },
    },
  },
  rules: [
    {
      name: 'within-mileage',
      source: 'T §1',
      conditions: { all: [{ fact: 'mileageKm', operator: 'lessThanInclusive', value: { param: 'mileageLimitKm' } }] },
      event: { type: 'covered', params: { covered: true } },
      message: { zh: '在保修里程内', en: 'within the warranty mileage' },
    },
  ],
  default: { covered: false },
  defaultMessage: { zh: '超出保修里程', en: 'beyond the warranty mileage' },
  outcome: {
    type: 'object',
    additionalProperties: false,
    required: ['covered'],
    properties: { covered: { type: 'boolean' } },
  },
};

/** The bundled packs of the tests. */
export function testPacks(): PackRegistry {
  const registry = new PackRegistry();
  registry.add(loadPack(qualitySeverity().doc));
  registry.add(loadPack(WARRANTY_DOC));
  return registry;
}

/** A clock the test moves by hand. */
export class TestClock {
  constructor(public now = new Date('2026-03-01T02:00:00.000Z')) {}
  readonly read = (): Date => new Date(this.now);
  advance(ms: number): void {
    this.now = new Date(this.now.getTime() + ms);
  }
}

/** A storage back end under test. */
export interface Backend {
  name: string;
  /** A fresh, migrated storage. */
  open(): Promise<Storage>;
  /** A second storage on the same database (a restart). */
  reopen(): Promise<Storage>;
  /** Edits a stored record's outcome behind the server's back (dropping the append-only guard first). */
  tamper(seq: number, outcomeJson: string): Promise<void>;
  /** Runs SQL on the database behind the server's back (unqualified table names; `?` placeholders). */
  sql(statement: string, args?: unknown[]): Promise<void>;
  cleanup(): Promise<void>;
}

/** SQLite in a fresh temp directory. */
export function sqliteBackend(): Backend {
  let dir = '';
  let file = '';
  return {
    name: 'sqlite',
    async open() {
      dir = mkdtempSync(join(tmpdir(), 'aftersales-server-'));
      file = join(dir, 'data', 'aftersales.db');
      const storage = new SqliteStorage({ file });
      await storage.migrate();
      return storage;
    },
    async reopen() {
      const storage = new SqliteStorage({ file });
      await storage.migrate();
      return storage;
    },
    async tamper(seq, outcomeJson) {
      const Database = (await import('better-sqlite3')).default;
      const db = new Database(file);
      db.exec('DROP TRIGGER IF EXISTS decisions_no_update');
      db.prepare('UPDATE decisions SET outcome_json = ? WHERE seq = ?').run(outcomeJson, seq);
      db.close();
    },
    async sql(statement, args = []) {
      const Database = (await import('better-sqlite3')).default;
      const db = new Database(file);
      try {
        db.prepare(statement).run(...(args as never[]));
      } finally {
        db.close();
      }
    },
    async cleanup() {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The PostgreSQL test database (CI: trust auth on 127.0.0.1:5432, database `test`). */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Whether the test PostgreSQL answers (within 3 s). */
export async function postgresReachable(url = TEST_DATABASE_URL): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** PostgreSQL in a schema unique to the test, dropped by `cleanup`. */
export function postgresBackend(url = TEST_DATABASE_URL): Backend {
  const schema = `aftersales_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  return {
    name: 'postgres',
    async open() {
      const storage = new PostgresStorage({ connectionString: url, schema, max: 4 });
      await storage.migrate();
      return storage;
    },
    async reopen() {
      const storage = new PostgresStorage({ connectionString: url, schema, max: 4 });
      await storage.migrate();
      return storage;
    },
    async tamper(seq, outcomeJson) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP TRIGGER IF EXISTS decisions_no_change ON "${schema}".decisions`);
      await client.query(`UPDATE "${schema}".decisions SET outcome_json = $1 WHERE seq = $2`, [outcomeJson, seq]);
      await client.end();
    },
    async sql(statement, args = []) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`SET search_path TO "${schema}"`);
        let n = 0;
        await client.query(statement.replace(/\?/g, () => `$${++n}`), args);
      } finally {
        await client.end();
      }
    },
    async cleanup() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  };
}

/** A response as the tests read it. */
export interface TestResponse {
  status: number;
  headers: Headers;
  json: any;
  text: string;
}

/** An app under test and a helper to call it. */
export interface TestServer {
  app: Hono<AppEnv>;
  clock: TestClock;
  call: (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<TestResponse>;
}

/** Builds an app over a storage with the test packs, a test clock and sequential ids. */
export async function testApp(
  storage: Storage,
  options: { clock?: TestClock; config?: ServerConfig; packs?: PackRegistry } = {},
): Promise<TestServer> {
  const clock = options.clock ?? new TestClock();
  let n = 0;
  const app = await createApp({
    packs: options.packs ?? testPacks(),
    storage,
    clock: clock.read,
    // No background verification unless a test asks: a tail check between a test's append and its edit would move
    // the watermark over the edit (the edit is then found by a full run, which the tests that need it start).
    config: { verifyTailMs: 0, verifyIntervalMs: 0, ...(options.config ?? {}) },
    newId: () => `d-${String(++n).padStart(6, '0')}-${Math.random().toString(36).slice(2, 8)}`,
  });
  const call: TestServer['call'] = async (method, path, body, headers = {}) => {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] = 'application/json';
    }
    const res = await app.request(path, init);
    const text = await res.text();
    let json: TestResponse['json'];
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, json, text };
  };
  return { app, clock, call };
}

/** The admin token the tests that run a full verification give their app. */
export const VERIFY_TOKEN = 'verify-test-token';

/**
 * Runs a full re-verification through the API (`?full=true`, admin token {@link VERIFY_TOKEN}), waits for it to
 * end, and returns the verify answer that reports it.
 */
export async function fullVerify(call: TestServer['call']): Promise<TestResponse> {
  const started = await call('GET', '/v1/audit/verify?full=true', undefined, { authorization: `Bearer ${VERIFY_TOKEN}` });
  if (started.status !== 202) throw new Error(`full verification refused: ${started.status} ${started.text}`);
  for (;;) {
    const run = await call('GET', `/v1/audit/verifications/${started.json.id}`);
    if (run.json.state !== 'running') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return call('GET', '/v1/audit/verify');
}
