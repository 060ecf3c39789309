/**
 * Audit routes. `GET /v1/audit/verify` answers at once, in bounded work, from the verified watermark the server
 * keeps (audit-verifier.ts): the records appended above it are checked in the verification thread (each record's
 * sequence number, its link to the previous record, its hash, and that its stored text is its own canonical JSON),
 * recorded heads (`?head=seq:hash`, repeatable), the head this process acknowledged and the watermark itself are
 * each one indexed read (a log cut below one is `truncated`, rewritten under one `head-mismatch`), and the last
 * full run is reported with what it found: `{ ok, records, head, verified, lastFull, running, checkedAt }`, with
 * `firstBroken` when something does not hold. `?full=true` (admin token) starts a full re-verification in the
 * verification thread and answers `202` with its id; `GET /v1/audit/verifications/{id}` gives its progress and
 * result. `GET /v1/audit/head` answers the current head `{ seq, hash, at }`, signed with Ed25519 when the server
 * has a signing key (`AFTERSALES_SIGNING_KEY`); `GET /v1/audit/key` gives the public key (`404` without a key).
 */
import { Hono } from 'hono';
import type { LineBreak } from '@aftersales/core';
import { GENESIS_HASH, type ChainHead } from '../chain.js';
import { adminAuth } from '../middleware/admin-auth.js';
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
    if (c.req.query('full') === 'true') {
      await adminAuth(ctx.config.adminToken)(c, async () => undefined);
      const run = ctx.audit.startFull('request');
      return c.json({ ...run, poll: `/v1/audit/verifications/${run.id}` }, 202);
    }
    return c.json(await verifyAnswer(ctx, heads));
  });
  app.get('/v1/audit/verifications/:id', (c) => {
    const run = ctx.audit.get(c.req.param('id'));
    if (!run) throw new HttpError(404, 'NOT_FOUND', { zh: '没有此校验任务', en: 'no such verification run' });
    return c.json(run);
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

/**
 * The answer of `GET /v1/audit/verify`, in bounded work: the tail above the watermark is walked in the verification
 * thread, recorded heads and the head this process acknowledged are each one indexed read, and the last full run
 * is reported as it ended.
 */
async function verifyAnswer(ctx: ServerContext, heads: ChainHead[]): Promise<Record<string, unknown>> {
  await ctx.writer.drain();
  const tail = await ctx.audit.checkTail();
  const { verified, lastFull, running } = ctx.audit.status();
  const last = await ctx.storage.chainHead();
  const head = { seq: last?.seq ?? 0, hash: last?.hash ?? GENESIS_HASH };
  const acknowledged = ctx.writer.acknowledged;
  const wanted = [...heads, ...(acknowledged ? [acknowledged] : []), ...(verified.seq > 0 ? [verified] : [])].sort((a, b) => a.seq - b.seq);
  let broken: LineBreak | undefined = tail.firstBroken;
  for (const h of wanted) {
    if (broken && broken.seq <= h.seq) break;
    if (h.seq > head.seq) {
      broken = {
        seq: h.seq,
        reason: 'truncated',
        message: {
          zh: `日志只有 ${head.seq} 条记录，短于已记录或已校验的链头（序号 ${h.seq}）：末尾的记录已被删除`,
          en: `the log holds ${head.seq} records, fewer than a recorded or verified head (seq ${h.seq}): records at its end were removed`,
        },
        expected: `${h.seq}:${h.hash}`,
        found: `${head.seq}:${head.hash}`,
      };
      break;
    }
    const [row] = await ctx.storage.chainLines(h.seq - 1, h.seq, 1);
    if (row?.hash !== h.hash) {
      broken = {
        seq: h.seq,
        reason: 'head-mismatch',
        message: { zh: '此序号的记录与已记录的链头哈希不同：该位置以下的日志已被改写', en: 'the record at this seq differs from a recorded head: the log up to here was rewritten' },
        expected: h.hash,
        found: row?.hash ?? 'missing',
      };
      break;
    }
  }
  if (lastFull?.firstBroken && (!broken || lastFull.firstBroken.seq < broken.seq)) broken = lastFull.firstBroken;
  const state = {
    verified,
    lastFull: lastFull ? { id: lastFull.id, trigger: lastFull.trigger, state: lastFull.state, endedAt: lastFull.endedAt, through: lastFull.through, checked: lastFull.checked, ...(lastFull.firstBroken ? { firstBroken: lastFull.firstBroken } : {}) } : null,
    running: running ? { id: running.id, checked: running.checked, through: running.through, poll: `/v1/audit/verifications/${running.id}` } : null,
    checkedAt: ctx.clock().toISOString(),
  };
  if (broken) {
    const firstBroken = { decisionId: broken.decisionId ?? '', ...broken };
    return { ok: false, records: broken.reason === 'truncated' ? head.seq : broken.seq - 1, firstBroken, head: head.hash, ...state };
  }
  return { ok: true, records: head.seq, head: head.hash, ...state };
}
