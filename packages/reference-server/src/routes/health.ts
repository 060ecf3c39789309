/**
 * Liveness and readiness: `GET /healthz` answers while the process runs; `GET /readyz` answers `200` only when
 * storage answers a query and holds the server's schema at its latest migration with every table and column
 * present, a write would succeed (the storage's check; after an append failed with a storage error, a write probe
 * where the storage has one), and every stored pack document and binding matched its hash when loaded; `503`
 * otherwise, with the reason (`STORAGE_UNAVAILABLE`, `STORAGE_SCHEMA_DAMAGED`, `STORAGE_NOT_WRITABLE`,
 * `PACK_INTEGRITY`), so a load balancer stops sending decisions that could not be stored. It turns `200` again
 * without a restart once the fault is repaired.
 * `GET /v1/ping` is a constant answer that touches nothing (no storage, no pack): the floor the benchmark
 * compares the decisions endpoint with (same app, same middleware).
 */
import { Hono } from 'hono';
import type { AppEnv, ServerContext } from '../context.js';
import { packIntegrity, storageNotReady } from '../errors.js';
import { StorageUnavailableError, type ReadinessProblem } from '../storage/types.js';

/**
 * The health routes.
 *
 * @example
 * ```ts
 * app.route('/', healthRoutes(ctx));
 * ```
 */
export function healthRoutes(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/v1/ping', (c) => c.json({ pong: true }));
  app.get('/readyz', async (c) => {
    const failure = ctx.writer.lastFailure;
    let problems: ReadinessProblem[];
    try {
      await ctx.storage.ping();
      problems = (await ctx.storage.readiness?.({ probeWrite: failure !== undefined })) ?? [];
    } catch (error) {
      if (!(error instanceof StorageUnavailableError)) throw error;
      throw storageNotReady([{ code: 'STORAGE_UNAVAILABLE', reason: error.message }]);
    }
    // Storage found writable again (the load balancer sends no decisions meanwhile): forget the failure. A storage
    // without a readiness check has only its ping to say so.
    if (failure && !problems.some((p) => p.code === 'STORAGE_NOT_WRITABLE')) ctx.writer.clearFailure(failure);
    if (problems.length > 0) throw storageNotReady(problems);
    if (ctx.catalog.integrityProblems.length > 0) throw packIntegrity(ctx.catalog.integrityProblems);
    return c.json({ status: 'ready', storage: ctx.storage.kind, packs: ctx.catalog.listActive().length });
  });
  return app;
}
