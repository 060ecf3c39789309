/**
 * PostgreSQL's "cannot serve" states answer 503, never 500: a database that does not exist (SQLSTATE 3D000), and
 * a database whose tables went away under a running server (dropped and recreated) — decisions answer 503 and
 * `/readyz` answers 503 because the schema is not there. Skipped when the test database does not answer.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { StorageUnavailableError } from '../src/index.js';
import { PostgresStorage } from '../src/storage/postgres.js';
import { postgresUp } from './backends.js';
import { postgresBackend, testApp, TEST_DATABASE_URL } from './helpers.js';

describe.skipIf(!postgresUp)('PostgreSQL unavailable states', () => {
  it('answers a missing database as storage unavailable (3D000)', async () => {
    const url = new URL(TEST_DATABASE_URL);
    url.pathname = `/aftersales_missing_${process.pid}`;
    const storage = new PostgresStorage({ connectionString: url.toString(), max: 1 });
    await expect(storage.migrate()).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(storage.ping()).rejects.toBeInstanceOf(StorageUnavailableError);
    await storage.close();
  });

  it('answers 503 on decisions and /readyz once the schema is gone under a running server', async () => {
    const backend = postgresBackend();
    const storage = await backend.open();
    try {
      const { call } = await testApp(storage);
      expect((await call('GET', '/readyz')).status).toBe(200);
      expect((await call('POST', '/v1/packs/quality-severity/decisions', { facts: { claimAmountYuan: 1 } })).status).toBe(201);
      const schema = (storage as unknown as { schema: string }).schema;
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA "${schema}" CASCADE`);
      await client.end();
      const decided = await call('POST', '/v1/packs/quality-severity/decisions', { facts: { claimAmountYuan: 1 } });
      expect(decided.status).toBe(503);
      expect(decided.json.error.code).toBe('STORAGE_UNAVAILABLE');
      const ready = await call('GET', '/readyz');
      expect(ready.status).toBe(503);
      expect((await call('GET', '/v1/decisions')).status).toBe(503);
      // Recreated empty: still not this server's schema.
      const again = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await again.connect();
      await again.query(`CREATE SCHEMA "${schema}"`);
      await again.end();
      expect((await call('GET', '/readyz')).status).toBe(503);
    } finally {
      await storage.close();
      await backend.cleanup();
    }
  });
});
