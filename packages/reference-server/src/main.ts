/**
 * The Node entry of the reference server, the only file with runtime side effects: reads the environment, opens
 * the storage (PostgreSQL when `DATABASE_URL` is set, otherwise the SQLite file `./data/aftersales.db` relative to
 * the working directory, created on first start), runs migrations, loads every bundled pack and listens on
 * `HOST:PORT` (default `127.0.0.1:8787`). Logs are JSON lines on stdout. On SIGTERM (or SIGINT) it stops accepting
 * connections, lets requests in flight finish — each acknowledged decision is already committed — then closes
 * the storage and exits.
 *
 * Environment: `PORT`, `HOST`, `DATABASE_URL`, `AFTERSALES_DB_FILE` (SQLite file, default `./data/aftersales.db`),
 * `AFTERSALES_ADMIN_TOKEN` (admin routes off without it), `AFTERSALES_MASK_FIELDS` (comma list of fact paths),
 * `AFTERSALES_BODY_LIMIT` (bytes, default 1 MiB), `AFTERSALES_SIGNING_KEY` (Ed25519 key signing `GET /v1/audit/head`),
 * `AFTERSALES_ADMIN_BUDGET_MS` (time budget of one upload check or impact replay in the admin thread, default 60,000),
 * `AFTERSALES_VERIFY_INTERVAL_MS` (period of the full re-verification of the log, default 86,400,000: daily; 0 off),
 * `AFTERSALES_VERIFY_TAIL_MS` (period of the check of newly appended records, default 5,000; 0 off),
 * `AFTERSALES_IDEMPOTENCY_TTL_HOURS` (how long an idempotency key is kept, default 24),
 * `AFTERSALES_READY_MIN_FREE_BYTES` (SQLite: `/readyz` is `503` with less free space where the file lives, default 65,536).
 */
import { resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { loadBundledPacks } from '@aftersales/rules';
import { DEFAULT_ADMIN_BUDGET_MS } from './versions/runner.js';
import { createApp } from './app.js';
import { DEFAULT_VERIFY_INTERVAL_MS, DEFAULT_VERIFY_TAIL_MS } from './audit-verifier.js';
import { parseMaskFields } from './masking.js';
import { PostgresStorage } from './storage/postgres.js';
import { SqliteStorage } from './storage/sqlite.js';
import type { Storage } from './storage/types.js';

function log(entry: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'info', ...entry })}\n`);
}

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

async function main(): Promise<void> {
  const port = intFromEnv('PORT', 8787);
  const host = process.env.HOST || '127.0.0.1';
  const databaseUrl = process.env.DATABASE_URL;
  const storage: Storage = databaseUrl
    ? new PostgresStorage({ connectionString: databaseUrl })
    : new SqliteStorage({
        file: resolve(process.cwd(), process.env.AFTERSALES_DB_FILE || './data/aftersales.db'),
        readyMinFreeBytes: intFromEnv('AFTERSALES_READY_MIN_FREE_BYTES', 64 * 1024),
      });
  await storage.migrate();

  const app = await createApp({
    packs: loadBundledPacks(),
    storage,
    log,
    config: {
      adminToken: process.env.AFTERSALES_ADMIN_TOKEN || undefined,
      maskFields: parseMaskFields(process.env.AFTERSALES_MASK_FIELDS),
      bodyLimitBytes: intFromEnv('AFTERSALES_BODY_LIMIT', 1024 * 1024),
      adminBudgetMs: intFromEnv('AFTERSALES_ADMIN_BUDGET_MS', DEFAULT_ADMIN_BUDGET_MS),
      verifyIntervalMs: intFromEnv('AFTERSALES_VERIFY_INTERVAL_MS', DEFAULT_VERIFY_INTERVAL_MS),
      verifyTailMs: intFromEnv('AFTERSALES_VERIFY_TAIL_MS', DEFAULT_VERIFY_TAIL_MS),
      idempotencyTtlHours: intFromEnv('AFTERSALES_IDEMPOTENCY_TTL_HOURS', 24),
      ...(process.env.AFTERSALES_SIGNING_KEY ? { signingKey: process.env.AFTERSALES_SIGNING_KEY } : {}),
    },
  });

  const server = serve({ fetch: app.fetch, port, hostname: host }, (info) => {
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${info.port}`;
    log({
      msg: 'listening',
      url,
      console: `${url}/console`,
      docs: `${url}/docs`,
      storage: storage.kind,
      admin: Boolean(process.env.AFTERSALES_ADMIN_TOKEN),
    });
  });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log({ msg: 'draining', signal });
    const force = setTimeout(() => {
      log({ level: 'warn', msg: 'drain timeout: closing remaining connections' });
      if ('closeAllConnections' in server) server.closeAllConnections();
    }, 10_000);
    force.unref();
    server.close(() => {
      void storage.close().then(
        () => {
          log({ msg: 'stopped' });
          process.exit(0);
        },
        (error: unknown) => {
          log({ level: 'error', msg: 'closing storage failed', error: String(error) });
          process.exit(1);
        },
      );
    });
    if ('closeIdleConnections' in server) server.closeIdleConnections();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  log({ level: 'error', msg: 'failed to start', error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
