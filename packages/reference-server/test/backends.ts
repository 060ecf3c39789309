/**
 * The storage back ends every route test runs on: SQLite always, PostgreSQL when the test database answers
 * (otherwise its half is skipped with a message naming the URL).
 */
import { afterEach, beforeEach } from 'vitest';
import type { Storage } from '../src/index.js';
import { postgresBackend, postgresReachable, sqliteBackend, TEST_DATABASE_URL, type Backend } from './helpers.js';

const pgUp = await postgresReachable();
if (!pgUp) {
  console.warn(`\n[reference-server] PostgreSQL not reachable at ${TEST_DATABASE_URL}: the PostgreSQL tests are SKIPPED (set TEST_DATABASE_URL).\n`);
}

/** SQLite, and PostgreSQL when reachable. */
export const backends: Array<{ name: string; make: () => Backend; enabled: boolean }> = [
  { name: 'sqlite', make: sqliteBackend, enabled: true },
  { name: 'postgres', make: () => postgresBackend(), enabled: pgUp },
];

/** Whether the test PostgreSQL answers. */
export const postgresUp = pgUp;

/** Drops the append-only guard of the decision log (a tamperer with database access would). */
export async function dropLogGuards(backend: Backend): Promise<void> {
  if (backend.name === 'sqlite') {
    await backend.sql('DROP TRIGGER IF EXISTS decisions_no_update');
    await backend.sql('DROP TRIGGER IF EXISTS decisions_no_delete');
  } else {
    await backend.sql('DROP TRIGGER IF EXISTS decisions_no_change ON decisions');
  }
}

/**
 * A fresh storage for each test of the enclosing `describe`: opened before it, closed and cleaned up after.
 *
 * @returns getters of the current test's storage and backend
 */
export function freshStorage(make: () => Backend): { storage: () => Storage; backend: () => Backend } {
  const open: Array<{ backend: Backend; storage: Storage }> = [];
  beforeEach(async () => {
    const backend = make();
    open.push({ backend, storage: await backend.open() });
  });
  afterEach(async () => {
    const last = open.pop();
    await last?.storage.close();
    await last?.backend.cleanup();
  });
  const current = (): { backend: Backend; storage: Storage } => open[open.length - 1] as { backend: Backend; storage: Storage };
  return { storage: () => current().storage, backend: () => current().backend };
}
