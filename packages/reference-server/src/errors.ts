/**
 * HTTP errors of the reference server and the one body every error response has:
 * `{ error: { code, message: { zh, en }, problems? }, requestId }`. Engine errors keep their stable code and their
 * structured problems (each a JSON pointer and a reason), so a host can map them back to its own form fields.
 */
import { AftersalesError, type Problem } from '@aftersales/core';
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

const ENGINE_MESSAGES: Record<string, Localized> = {
  INVALID_FACTS: { zh: '事实数据不符合规则包的事实模式', en: "the facts do not match the pack's fact schema" },
  INVALID_PARAMETERS: { zh: '参数覆盖无效', en: 'invalid parameter overrides' },
  NOT_EFFECTIVE: { zh: 'asOf 不在规则包的生效期内', en: "asOf is outside the pack's effective period" },
  INVALID_AS_OF: { zh: 'asOf 不是有效的 ISO 8601 时间', en: 'asOf is not a valid ISO 8601 date-time' },
  UNSAFE_PATH: { zh: '不安全的属性路径', en: 'unsafe property path' },
  INVALID_PACK: { zh: '规则包无效', en: 'invalid rule pack' },
  RULE_CONFLICT: { zh: '规则包缺陷：多条规则同时触发（unique）', en: 'pack defect: more than one rule fired (hit policy unique)' },
  INVALID_OUTCOME: { zh: '规则包缺陷：结果不符合其结果模式', en: 'pack defect: the outcome breaks its outcome schema' },
};

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
    const message = ENGINE_MESSAGES[error.code] ?? { zh: '请求无法处理', en: error.message };
    return {
      status: PACK_DEFECTS.has(error.code) ? 409 : 422,
      body: { error: { code: error.code, message: { zh: message.zh, en: error.message }, problems: error.problems }, requestId },
      headers: {},
    };
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
    body: { error: { code: 'INTERNAL', message: { zh: '服务器内部错误', en: 'internal server error' } }, requestId },
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
