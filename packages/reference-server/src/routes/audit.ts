/**
 * Audit routes. `GET /v1/audit/verify` walks the whole decision log, checking each record's sequence number, its
 * link to the previous record, its own hash and that each stored JSON column is its own canonical text, and
 * answers `{ ok: true, records, head }` or `{ ok: false, firstBroken }` naming the first record that was edited,
 * removed or reordered. `?head=seq:hash` (repeatable) also checks that the log still reaches a head an auditor
 * recorded earlier with the same hash: a log cut below it (`truncated`) or rewritten under it (`head-mismatch`)
 * is reported. The server also checks the highest record it acknowledged since it started.
 * `GET /v1/audit/head` answers the current head `{ seq, hash, at }`, signed with Ed25519 when the server has a
 * signing key (`AFTERSALES_SIGNING_KEY`); `GET /v1/audit/key` gives the public key (`404` without a key).
 */
import { Hono } from 'hono';
import { GENESIS_HASH, verifyChain, type ChainHead } from '../chain.js';
import type { AppEnv, ServerContext } from '../context.js';
import { HttpError } from '../errors.js';
import { plainInteger } from '../strict.js';

function parseHeads(values: string[]): ChainHead[] {
  return values.map((value, i) => {
    const m = /^(\d+):(sha256:[0-9a-f]{64})$/.exec(value);
    const seq = m?.[1] !== undefined ? (m[1] === '0' ? 0 : plainInteger(m[1])) : undefined;
    if (!m?.[2] || seq === undefined) {
      throw new HttpError(400, 'INVALID_QUERY', { zh: 'head 须为 序号:sha256:十六进制哈希', en: 'head must be seq:sha256:<64 hex digits>' }, [
        { path: `/head/${i}`, message: 'must be seq:sha256:<64 hex digits>', code: 'schema.pattern', found: value },
      ]);
    }
    return { seq, hash: m[2] };
  });
}

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
    const heads = parseHeads(c.req.queries('head') ?? []).filter((h) => h.seq > 0);
    await ctx.writer.drain();
    const acknowledged = ctx.writer.acknowledged;
    const result = await verifyChain(ctx.storage, { heads: acknowledged ? [...heads, acknowledged] : heads });
    return c.json({ ...result, checkedAt: ctx.clock().toISOString() });
  });
  app.get('/v1/audit/head', async (c) => {
    await ctx.writer.drain();
    const last = await ctx.storage.chainHead();
    const head = { seq: last?.seq ?? 0, hash: last?.hash ?? GENESIS_HASH, at: ctx.clock().toISOString() };
    const signer = ctx.config.signer;
    if (!signer) return c.json(head);
    return c.json({ ...head, signature: { algorithm: 'Ed25519', keyId: signer.keyId, value: signer.sign(head) } });
  });
  app.get('/v1/audit/key', (c) => {
    const signer = ctx.config.signer;
    if (!signer) throw new HttpError(404, 'NO_SIGNING_KEY', { zh: '本服务器未配置签名密钥', en: 'this server has no signing key' });
    return c.json({ algorithm: 'Ed25519', keyId: signer.keyId, publicKey: signer.publicKeyPem });
  });
  return app;
}
