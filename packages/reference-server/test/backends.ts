/**
 * The storage back ends every route test runs on: SQLite always, PostgreSQL when the test database answers
 * (otherwise its half is skipped with a message naming the URL).
 */
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
