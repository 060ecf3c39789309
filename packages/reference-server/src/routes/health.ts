/**
 * Liveness and readiness: `GET /healthz` answers while the process runs; `GET /readyz` answers `200` only when
 * storage answers a query and holds the server's schema at its latest migration, and every stored pack document
 * matched its hash at start-up; `503` otherwise, so a load balancer stops sending decisions that could not be stored.
 * `GET /v1/ping` is a constant answer that touches nothing (no storage, no pack): the floor the benchmark
 * compares the decisions endpoint with (same app, same middleware).
 */
import { Hono } from 'hono';
import type { AppEnv, ServerContext } from '../context.js';
import { packIntegrity } from '../errors.js';

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
    await ctx.storage.ping();
    if (ctx.catalog.integrityProblems.length > 0) throw packIntegrity(ctx.catalog.integrityProblems);
    return c.json({ status: 'ready', storage: ctx.storage.kind, packs: ctx.catalog.listActive().length });
  });
  return app;
}
