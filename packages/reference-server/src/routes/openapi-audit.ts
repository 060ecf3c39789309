/**
 * The OpenAPI paths of the audit log's proof routes (`/v1/audit/*`: verify, full re-verifications, export, head,
 * key), kept apart from the decision and pack paths of `openapi.ts`, which spreads them into its document.
 */
import { errorResponse, ok, pathParam, ref } from './openapi-components.js';

const pub = { security: [] as unknown[] };

/**
 * The `/v1/audit/*` path items of the OpenAPI document.
 *
 * @returns path items keyed by path
 * @example
 * ```ts
 * const paths = { ...auditPaths() };
 * ```
 */
export function auditPaths(): Record<string, unknown> {
  return {
    '/v1/audit/verify': {
      get: {
        operationId: 'verifyChain',
        tags: ['log'],
        summary: 'Verify the hash chain / 校验哈希链',
        ...pub,
        parameters: [
          { name: 'head', in: 'query', schema: { type: 'string' }, description: 'a head recorded earlier, seq:sha256:<hex> (repeatable)', example: `1:sha256:${'0'.repeat(64)}` },
          { name: 'full', in: 'query', schema: { type: 'boolean' }, description: 'true: start a full re-verification in the verification thread (admin token); answers 202 with its id' },
        ],
        responses: {
          '200': ok('{ ok, records, head, verified, lastFull, running } or { ok: false, firstBroken, … }', ref('Verify')),
          '202': ok('a full re-verification started (?full=true): { id, state, poll, … }', { type: 'object' }),
          '401': errorResponse('?full=true without the admin token'),
          '403': errorResponse('?full=true with a wrong admin token'),
          '503': errorResponse('storage unavailable'),
        },
      },
    },
    '/v1/audit/verifications/{id}': {
      get: {
        operationId: 'auditVerification',
        tags: ['log'],
        summary: 'A full re-verification: progress and result / 全量重新校验的进度与结果',
        ...pub,
        parameters: [pathParam('id', 'v-mabc123-x1y2z3')],
        responses: { '200': ok('{ id, state, trigger, startedAt, endedAt?, through, checked, firstBroken? }', { type: 'object' }), '404': errorResponse('no such run') },
      },
    },
    '/v1/audit/export': {
      get: {
        operationId: 'auditExport',
        tags: ['log'],
        summary: 'The log as NDJSON for an offline check (aftersales audit verify) / 导出日志（NDJSON，供离线校验）',
        description:
          "One record's canonical text a line (its SHA-256 is the record's hash), in chain order from `from`, then the head `{\"head\":{at,hash,seq},\"signature\"?}` (signed when the server has a key).",
        ...pub,
        parameters: [{ name: 'from', in: 'query', schema: { type: 'integer', minimum: 1, default: 1 }, description: 'the first seq to export' }],
        responses: {
          '200': { description: 'NDJSON: records, then the head line', content: { 'application/x-ndjson': { schema: { type: 'string' } } } },
          '400': errorResponse('from is not a positive whole number'),
          '503': errorResponse('storage unavailable'),
        },
      },
    },
    '/v1/audit/head': {
      get: {
        operationId: 'auditHead',
        tags: ['log'],
        summary: 'The chain head, signed with Ed25519 when a key is set / 链头（配置密钥时签名）',
        ...pub,
        responses: { '200': ok('{ seq, hash, at, signature? }', { type: 'object' }), '503': errorResponse('storage unavailable') },
      },
    },
    '/v1/audit/key': {
      get: {
        operationId: 'auditKey',
        tags: ['log'],
        summary: 'The public key of head signatures / 链头签名公钥',
        ...pub,
        responses: { '200': ok('{ algorithm, keyId, publicKey }', { type: 'object' }), '404': errorResponse('no signing key configured') },
      },
    },
  };
}
