/**
 * `GET /v1/audit/verify`: walks the whole decision log, checking each record's sequence number, its link to the
 * previous record and its own hash, and answers `{ ok: true, records, head }` or `{ ok: false, firstBroken }`
 * naming the first record that was edited, removed or reordered. The `head` hash can be kept outside the server
 * (a ticket, a signed mail) to detect a truncated log later.
 */
import { Hono } from 'hono';
import { verifyChain } from '../chain.js';
import type { AppEnv, ServerContext } from '../context.js';

/**
 * The audit routes.
 *
 * @example
 * ```ts
 * app.route('/', auditRoutes(ctx));
 * ```
 */
export function auditRoutes(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/v1/audit/verify', async (c) => {
    await ctx.writer.drain();
    const result = await verifyChain(ctx.storage);
    return c.json({ ...result, checkedAt: ctx.clock().toISOString() });
  });
  return app;
}
