/**
 * The shape of a decision request, `{ facts, asOf?, parameters?, reference?, context? }` (batch items also
 * `idempotencyKey?`), checked the same way by the decision routes
 * and by the worker thread that screens large bodies off the event loop.
 */
import { canonicalJson } from '@aftersales/core/canonical';
import type { Problem } from '@aftersales/core';
import { isObject } from '../json-text.js';
import { HttpError } from '../errors.js';
import { isRfc3339DateTime } from '../strict.js';

/** A decision request: facts, an optional `asOf`, parameter overrides and the host's reference and context. */
export interface DecisionRequest {
  facts: unknown;
  asOf?: string;
  parameters?: Record<string, unknown>;
  /** The host's reference (1–200 characters): stored, hashed, indexed; the rules never see it. */
  reference?: string;
  /** The host's context (a JSON object, at most {@link CONTEXT_MAX_BYTES} as canonical JSON); the rules never see it. */
  context?: Record<string, unknown>;
  /** A batch item's idempotency key (the single route takes the `Idempotency-Key` header). */
  idempotencyKey?: string;
}

/** Longest `reference`, in characters. */
export const REFERENCE_MAX_LENGTH = 200;
/** Largest `context`, in bytes of its canonical JSON (UTF-8): 16 KiB. */
export const CONTEXT_MAX_BYTES = 16 * 1024;
/** Longest idempotency key, in characters. */
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

const ALLOWED = ['facts', 'asOf', 'parameters', 'reference', 'context'];

/**
 * Checks the shape of a decision request (the facts themselves are the engine's to check).
 *
 * @param body - parsed JSON
 * @param at - JSON pointer prefix for problems (batch items)
 * @returns the request, or the problems found
 * @example
 * ```ts
 * parseDecisionRequest({ facts: {} }) // { request: { facts: {} } }
 * ```
 */
export function parseDecisionRequest(body: unknown, at = '', options: { item?: boolean } = {}): { request: DecisionRequest } | { problems: Problem[] } {
  if (!isObject(body)) return { problems: [{ path: at || '', message: 'must be an object', code: 'schema.type', expected: 'object' }] };
  const problems: Problem[] = [];
  for (const key of Object.keys(body)) {
    if (!ALLOWED.includes(key) && !(options.item && key === 'idempotencyKey')) {
      problems.push({ path: `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, message: 'is not allowed', code: 'schema.additionalProperties' });
    }
  }
  if (!('facts' in body)) problems.push({ path: at || '', message: "must have required property 'facts'", code: 'schema.required' });
  if ('asOf' in body && typeof body.asOf !== 'string') problems.push({ path: `${at}/asOf`, message: 'must be a string (ISO 8601 date-time)', code: 'schema.type' });
  else if (typeof body.asOf === 'string' && !isRfc3339DateTime(body.asOf)) {
    problems.push({ path: `${at}/asOf`, message: 'must be an RFC 3339 date-time with an offset that exists on the calendar', code: 'schema.format', expected: 'date-time', found: body.asOf });
  }
  if ('parameters' in body && !isObject(body.parameters)) problems.push({ path: `${at}/parameters`, message: 'must be an object', code: 'schema.type' });
  if ('reference' in body) {
    const r = body.reference;
    if (typeof r !== 'string') problems.push({ path: `${at}/reference`, message: 'must be a string', code: 'schema.type', expected: 'string' });
    else if (r.length < 1 || r.length > REFERENCE_MAX_LENGTH) {
      problems.push({ path: `${at}/reference`, message: `must have 1 to ${REFERENCE_MAX_LENGTH} characters`, code: 'schema.maxLength', expected: `1..${REFERENCE_MAX_LENGTH}`, found: r.length });
    }
  }
  if ('context' in body) {
    if (!isObject(body.context)) problems.push({ path: `${at}/context`, message: 'must be an object', code: 'schema.type', expected: 'object' });
    else {
      let bytes = Infinity;
      try {
        bytes = Buffer.byteLength(canonicalJson(body.context), 'utf8');
      } catch {
        problems.push({ path: `${at}/context`, message: 'must be JSON', code: 'schema.type', expected: 'object' });
      }
      if (Number.isFinite(bytes) && bytes > CONTEXT_MAX_BYTES) {
        problems.push({ path: `${at}/context`, message: `must be at most ${CONTEXT_MAX_BYTES} bytes of canonical JSON`, code: 'schema.maxLength', expected: CONTEXT_MAX_BYTES, found: bytes });
      }
    }
  }
  if (options.item && 'idempotencyKey' in body) {
    const problem = idempotencyKeyProblem(body.idempotencyKey, `${at}/idempotencyKey`);
    if (problem) problems.push(problem);
  }
  if (problems.length > 0) return { problems };
  const request: DecisionRequest = { facts: body.facts };
  if (typeof body.asOf === 'string') request.asOf = body.asOf;
  if (isObject(body.parameters)) request.parameters = body.parameters;
  if (typeof body.reference === 'string') request.reference = body.reference;
  if (isObject(body.context)) request.context = body.context;
  if (options.item && typeof body.idempotencyKey === 'string') request.idempotencyKey = body.idempotencyKey;
  return { request };
}

/**
 * The problem with an idempotency key, if any: a string of 1–255 visible ASCII characters.
 *
 * @example
 * ```ts
 * idempotencyKeyProblem('', '/idempotencyKey') // { path: '/idempotencyKey', code: 'schema.pattern', … }
 * ```
 */
export function idempotencyKeyProblem(key: unknown, path: string): Problem | undefined {
  if (typeof key !== 'string') return { path, message: 'must be a string', code: 'schema.type', expected: 'string' };
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    return { path, message: `must be 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} visible ASCII characters`, code: 'schema.pattern', expected: '^[!-~]{1,255}$', found: key.slice(0, 300) };
  }
  return undefined;
}

/**
 * The `422` of a request of the wrong shape.
 *
 * @example
 * ```ts
 * throw invalidRequest([{ path: '/facts', message: 'is required', code: 'schema.required' }]);
 * ```
 */
export function invalidRequest(problems: Problem[]): HttpError {
  return new HttpError(422, 'INVALID_REQUEST', { zh: '请求格式不正确', en: 'the request does not have the expected shape' }, problems);
}

