/**
 * Liveness and readiness: `GET /healthz` answers while the process runs; `GET /readyz` answers `200` only when
 * storage answers a query, `503` otherwise, so a load balancer stops sending decisions that could not be stored.
 */
import { Hono } from 'hono';
import type { AppEnv, ServerContext } from '../context.js';

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
  app.get('/readyz', async (c) => {
    await ctx.storage.ping();
    return c.json({ status: 'ready', storage: ctx.storage.kind, packs: ctx.catalog.listActive().length });
  });
  return app;
}
