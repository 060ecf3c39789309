/**
 * `GET /v1/packs/{id}/activations`: a pack's activation history read from the hash-chained log (its `activation`
 * entries), newest first, keyset-paged on seq from the `(kind, pack, seq)` index. Each item is the entry as hashed
 * (who activated which version, replacing which, after which impact or forced with which reason) with its seq and
 * hash, so an auditor can check it against a verified export.
 */
import { Hono } from 'hono';
import type { AppEnv, ServerContext } from '../context.js';
import { notFound } from '../errors.js';
import { decodeCursor, encodeCursor, parseLimit } from './cursor.js';

/**
 * The activation history route.
 *
 * @example
 * ```ts
 * app.route('/', activationRoutes(ctx));
 * ```
 */
export function activationRoutes(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/v1/packs/:id/activations', async (c) => {
    const id = c.req.param('id');
    if (!ctx.catalog.knows(id)) throw notFound('PACK_NOT_FOUND', `没有规则包 ${id}`, `no pack ${id}`);
    const q = c.req.query();
    const limit = parseLimit(q.limit);
    const before = q.cursor ? decodeCursor(q.cursor) : undefined;
    const rows = await ctx.storage.listActivationEntries(id, before, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return c.json({
      pack: id,
      items: page.map((r) => ({ seq: r.seq, hash: r.hash, ...r.entry })),
      nextCursor: rows.length > limit && last ? encodeCursor(last.seq) : null,
    });
  });
  return app;
}
