/**
 * Idempotency keys of the decision routes (IETF httpapi `Idempotency-Key` draft): the key is claimed in flight in
 * the database before deciding (the `idempotency_keys` primary key (pack, key) decides between replicas), the
 * entry made under it carries the key and the request's hash, and its append marks the key `done` with the entry's
 * seq in the same transaction. A repeat with the same body answers the original decision (`200`,
 * `Idempotency-Replayed: true`), another body `422 IDEMPOTENCY_KEY_REUSED`, a key still in flight
 * `409 IDEMPOTENCY_KEY_IN_FLIGHT`; a key older than the window (`idempotencyTtlHours`, default 24) is deleted on
 * its next claim and starts a new decision. Dry runs ignore keys (nothing is recorded, so nothing is claimed).
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '@aftersales/core';
import type { ServerContext } from '../context.js';
import { HttpError } from '../errors.js';
import type { DecisionRecord } from '../storage/types.js';
import { idempotencyKeyProblem, type DecisionRequest } from './decision-request.js';

/** The key a request was made under and the hash of its body. */
export interface Keyed {
  key: string;
  requestHash: string;
}

/**
 * The hash of a decision request: sha256 of the canonical JSON of pack, facts, asOf, parameters, reference and
 * context (members not given are left out; the item's own `idempotencyKey` is not part of it).
 *
 * @example
 * ```ts
 * requestHash('warranty-goods', { facts: {} }) // 'sha256:…'
 * ```
 */
export function requestHash(pack: string, request: DecisionRequest): string {
  const { idempotencyKey: _key, ...body } = request;
  return `sha256:${createHash('sha256').update(canonicalJson({ pack, ...body })).digest('hex')}`;
}

/**
 * The `Idempotency-Key` header, checked: 1–255 visible ASCII characters.
 *
 * @returns the key, or undefined without the header
 * @throws HttpError 400 `INVALID_IDEMPOTENCY_KEY` for a bad one
 * @example
 * ```ts
 * headerKey(c.req.header('Idempotency-Key'))
 * ```
 */
export function headerKey(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const problem = idempotencyKeyProblem(value, '/headers/Idempotency-Key');
  if (problem) {
    throw new HttpError(400, 'INVALID_IDEMPOTENCY_KEY', { zh: 'Idempotency-Key 须为 1 到 255 个可见 ASCII 字符', en: 'Idempotency-Key must be 1 to 255 visible ASCII characters' }, [problem]);
  }
  return value;
}

/** Claims made by this process: every 100th also prunes a bounded number of expired keys. */
let claims = 0;

/**
 * Claims a key for a request before it is decided.
 *
 * @returns undefined when this request holds the key now (decide it, then append or release), or the record
 *   of the decision the key was first used for (a replay)
 * @throws HttpError 422 `IDEMPOTENCY_KEY_REUSED` (another body), 409 `IDEMPOTENCY_KEY_IN_FLIGHT`
 * @example
 * ```ts
 * const original = await claimKey(ctx, pack.id, { key, requestHash: requestHash(pack.id, request) });
 * ```
 */
export async function claimKey(ctx: ServerContext, pack: string, keyed: Keyed): Promise<DecisionRecord | undefined> {
  const storage = ctx.storage;
  if (!storage.claimIdempotencyKey) {
    throw new HttpError(501, 'IDEMPOTENCY_UNSUPPORTED', { zh: '此存储不支持 Idempotency-Key', en: 'this storage does not support Idempotency-Key' });
  }
  const now = ctx.clock();
  const expiresAt = new Date(now.getTime() + ctx.config.idempotencyTtlHours * 3_600_000).toISOString();
  if (++claims % 100 === 0 && storage.pruneIdempotencyKeys) {
    storage.pruneIdempotencyKeys(now.toISOString(), 500).catch((error: unknown) => ctx.log({ level: 'warn', msg: 'pruning idempotency keys failed', error: String(error) }));
  }
  const found = await storage.claimIdempotencyKey({ pack, key: keyed.key, requestHash: keyed.requestHash, now: now.toISOString(), expiresAt });
  if (found.claimed) return undefined;
  if (found.requestHash !== keyed.requestHash) {
    throw new HttpError(422, 'IDEMPOTENCY_KEY_REUSED', {
      zh: `Idempotency-Key ${keyed.key} 已用于另一个请求体：请为新请求使用新的键`,
      en: `Idempotency-Key ${keyed.key} was used with another request body: use a new key for a new request`,
    }, [{ path: '/headers/Idempotency-Key', message: 'was used with another request body', code: 'IDEMPOTENCY_KEY_REUSED', found: keyed.requestHash, expected: found.requestHash }]);
  }
  if (found.state === 'in-flight' || found.seq === null) {
    throw new HttpError(409, 'IDEMPOTENCY_KEY_IN_FLIGHT', {
      zh: `使用 Idempotency-Key ${keyed.key} 的第一个请求仍在处理中：请稍后重试`,
      en: `the first request with Idempotency-Key ${keyed.key} is still in flight: retry later`,
    }, undefined, { 'Retry-After': '1' });
  }
  const [record] = await storage.scanChain(found.seq - 1, 1);
  if (!record) throw new Error(`idempotency key ${keyed.key} names seq ${found.seq}, which is not in the log`);
  return record;
}

/**
 * Releases a claim whose decision failed (refused facts, storage error), so that a retry may decide; a failure to
 * release is logged (the claim then expires with the window).
 *
 * @example
 * ```ts
 * await releaseKey(ctx, pack.id, key);
 * ```
 */
export async function releaseKey(ctx: ServerContext, pack: string, key: string): Promise<void> {
  try {
    await ctx.storage.releaseIdempotencyKey?.(pack, key);
  } catch (error) {
    ctx.log({ level: 'warn', msg: 'releasing an idempotency key failed', key, error: String(error) });
  }
}

/** The body of a replay: the original decision as its record gives it (masked as stored), with its id. */
export function replayBody(record: DecisionRecord): Record<string, unknown> {
  return { decisionId: record.decisionId, ...(record.decision as unknown as Record<string, unknown>) };
}
