/**
 * JSON text as the server reads it — from a request body on the event loop or in a worker thread: well-formed,
 * no deeper than 128 levels (checked on the text before `JSON.parse` builds it), every number finite. A leaf
 * module (errors and strict reading only), so the worker threads and the routes share it without importing the
 * server's context.
 */
import { HttpError } from './errors.js';
import { checkJsonValue, MAX_JSON_DEPTH, textNestsDeeperThan } from './strict.js';

/**
 * Parses a request body's text as the routes' `readJson` does (the admin thread parses uploads with it).
 *
 * @throws HttpError 400 `MALFORMED_JSON`; 422 `INVALID_REQUEST` (too deep, a number out of range)
 * @example
 * ```ts
 * parseJsonText('{"facts":{}}') // { facts: {} }
 * ```
 */
export function parseJsonText(text: string): unknown {
  let value: unknown;
  if (textNestsDeeperThan(text)) {
    throw new HttpError(422, 'INVALID_REQUEST', { zh: '请求体嵌套过深', en: 'the request body nests too deep' }, [
      { path: '', message: `must not nest deeper than ${MAX_JSON_DEPTH} levels`, code: 'schema.maxDepth', expected: MAX_JSON_DEPTH },
    ]);
  }
  try {
    if (text.trim() === '') throw new SyntaxError('empty body');
    value = JSON.parse(text) as unknown;
  } catch (error) {
    throw new HttpError(400, 'MALFORMED_JSON', {
      zh: `请求体不是有效的 JSON：${(error as Error).message}`,
      en: `the request body is not valid JSON: ${(error as Error).message}`,
    });
  }
  const problem = checkJsonValue(value);
  if (problem) {
    throw new HttpError(422, 'INVALID_REQUEST', { zh: '请求体含有超出范围的数值或嵌套过深', en: 'the request body holds a number out of range or nests too deep' }, [problem]);
  }
  return value;
}

/**
 * Whether a value is a plain JSON object (not null, not an array).
 *
 * @example
 * ```ts
 * isObject({}) // true
 * ```
 */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
