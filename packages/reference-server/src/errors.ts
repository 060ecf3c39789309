/**
 * HTTP errors of the reference server and the one body every error response has:
 * `{ error: { code, message: { zh, en }, problems? }, requestId }`, where `error` is core's error body: engine
 * errors and anything unexpected (`INTERNAL`, no internals leaked) are written by core's `toErrorBody`, with the
 * Chinese message from core's catalogue, and keep their structured problems (each a JSON pointer and a reason), so a
 * host can map them back to its own form fields.
 */
import { AftersalesError, toErrorBody, type Problem } from '@aftersales/core';
import type { Localized } from '@aftersales/core';
import { StorageUnavailableError } from './storage/types.js';

/** An error that becomes an HTTP response with this status, code and bilingual message. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly localized: Localized;
  readonly problems: Problem[] | undefined;
  readonly headers: Record<string, string>;

  /**
   * @param status - HTTP status
   * @param code - stable machine code, e.g. `DECISION_NOT_FOUND`
   * @param message - bilingual message
   * @param problems - structured list, when there is one
   * @example
   * ```ts
   * throw new HttpError(404, 'PACK_NOT_FOUND', { zh: '没有该规则包', en: 'no such pack' });
   * ```
   */
  constructor(status: number, code: string, message: Localized, problems?: Problem[], headers: Record<string, string> = {}) {
    super(message.en);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.localized = message;
    this.problems = problems;
    this.headers = headers;
  }
}

/** The JSON body of an error response. */
export interface ErrorBody {
  error: { code: string; message: Localized; problems?: Problem[] };
  requestId: string;
}

/** Engine codes a pack (not the caller) is to blame for. */
const PACK_DEFECTS = new Set(['RULE_CONFLICT', 'INVALID_OUTCOME']);

/**
 * Maps any thrown value to a status and a body.
 *
 * @param error - what was thrown
 * @param requestId - the request's id
 * @returns status, body and extra headers; unknown errors become 500 without details
 * @example
 * ```ts
 * const { status, body } = toErrorResponse(err, 'req-1');
 * ```
 */
export function toErrorResponse(
  error: unknown,
  requestId: string,
): { status: number; body: ErrorBody; headers: Record<string, string> } {
  if (error instanceof HttpError) {
    const body: ErrorBody = {
      error: { code: error.code, message: error.localized, ...(error.problems ? { problems: error.problems } : {}) },
      requestId,
    };
    return { status: error.status, body, headers: error.headers };
  }
  if (error instanceof AftersalesError) {
    return { status: PACK_DEFECTS.has(error.code) ? 409 : 422, body: { error: toErrorBody(error), requestId }, headers: {} };
  }
  if (error instanceof StorageUnavailableError) {
    return {
      status: 503,
      body: {
        error: {
          code: 'STORAGE_UNAVAILABLE',
          message: {
            zh: '存储暂不可用，本请求未被记录，请稍后重试',
            en: 'storage is unavailable; nothing was recorded for this request; retry later',
          },
        },
        requestId,
      },
      headers: { 'Retry-After': '1' },
    };
  }
  return {
    status: 500,
    body: { error: toErrorBody(error), requestId },
    headers: {},
  };
}

/** Shorthand for a 404. */
export function notFound(code: string, zh: string, en: string): HttpError {
  return new HttpError(404, code, { zh, en });
}

/**
 * The 404 of a path no route serves.
 *
 * @example
 * ```ts
 * throw noRoute('POST', '/v1/packs/x/decisions.json');
 * ```
 */
export function noRoute(method: string, path: string): HttpError {
  return new HttpError(404, 'NOT_FOUND', { zh: `没有此路径：${method} ${path}`, en: `no such route: ${method} ${path}` });
}
