/**
 * The shape of a decision request, `{ facts, asOf?, parameters? }`, checked the same way by the decision routes
 * and by the worker thread that screens large bodies off the event loop.
 */
import type { Problem } from '@aftersales/core';
import { isObject } from '../context.js';
import { HttpError } from '../errors.js';
import { isRfc3339DateTime } from '../strict.js';

/** A decision request: facts, an optional `asOf` and optional parameter overrides. */
export interface DecisionRequest {
  facts: unknown;
  asOf?: string;
  parameters?: Record<string, unknown>;
}

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
export function parseDecisionRequest(body: unknown, at = ''): { request: DecisionRequest } | { problems: Problem[] } {
  if (!isObject(body)) return { problems: [{ path: at || '', message: 'must be an object', code: 'schema.type', expected: 'object' }] };
  const problems: Problem[] = [];
  for (const key of Object.keys(body)) {
    if (!['facts', 'asOf', 'parameters'].includes(key)) {
      problems.push({ path: `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, message: 'is not allowed', code: 'schema.additionalProperties' });
    }
  }
  if (!('facts' in body)) problems.push({ path: at || '', message: "must have required property 'facts'", code: 'schema.required' });
  if ('asOf' in body && typeof body.asOf !== 'string') problems.push({ path: `${at}/asOf`, message: 'must be a string (ISO 8601 date-time)', code: 'schema.type' });
  else if (typeof body.asOf === 'string' && !isRfc3339DateTime(body.asOf)) {
    problems.push({ path: `${at}/asOf`, message: 'must be an RFC 3339 date-time with an offset that exists on the calendar', code: 'schema.format', expected: 'date-time', found: body.asOf });
  }
  if ('parameters' in body && !isObject(body.parameters)) problems.push({ path: `${at}/parameters`, message: 'must be an object', code: 'schema.type' });
  if (problems.length > 0) return { problems };
  const request: DecisionRequest = { facts: body.facts };
  if (typeof body.asOf === 'string') request.asOf = body.asOf;
  if (isObject(body.parameters)) request.parameters = body.parameters;
  return { request };
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

