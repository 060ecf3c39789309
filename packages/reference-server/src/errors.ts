/**
 * HTTP errors of the reference server and the one body every error response has:
 * `{ error: { code, message: { zh, en }, problems? }, requestId }`, where `error` is core's error body: engine
 * errors and anything unexpected (`INTERNAL`, no internals leaked) are written by core's `toErrorBody`, with the
 * Chinese message from core's catalogue, and keep their structured problems (each a JSON pointer and a reason), so a
 * host can map them back to its own form fields.
 */
import { AftersalesError, toErrorBody, type Problem } from '@aftersales/core';
import type { Localized } from '@aftersales/core';
import { StorageUnavailableError, type ReadinessProblem } from './storage/types.js';

/** An error that becomes an HTTP response with this status, code and bilingual message. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly localized: Localized;
  readonly problems: Problem[] | undefined;
  readonly headers: Record<string, string>;
  /** Problems already left out (counted) before this error was made, e.g. by the screening thread. */
  truncated: number | undefined;

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
  /** `truncated`: how many problems were left out after the first {@link MAX_PROBLEMS}. */
  error: { code: string; message: Localized; problems?: Problem[]; truncated?: number };
  requestId: string;
}

/** Most problems one error answers (the first ones, in the order found); the rest are counted in `truncated`. */
export const MAX_PROBLEMS = 100;
/** Longest text a problem's field keeps (an unknown key or a wrong value can be as long as the body). */
export const MAX_FOUND_CHARS = 200;

/**
 * The answer bound's multiple: a batch answer is at most `ANSWER_MULTIPLE` times its request's bytes, or
 * {@link ANSWER_FLOOR_BYTES}, whichever is larger (setting `answerMultiple`). Not a published figure: a decision
 * carries its explanation, and over the bundled packs' 451 suite cases a decision answer is 5–492 times its request
 * (median 45; measured 2026-12-08), so 512 lets a batch of any of them through and stops a pack whose decisions
 * dwarf their facts from turning a small batch into a huge answer. Refusals are bounded far below it (100 problems).
 */
export const ANSWER_MULTIPLE = 512;
/** The answer bound's floor in bytes: 1 MiB (setting `answerFloorBytes`); see {@link ANSWER_MULTIPLE}. */
export const ANSWER_FLOOR_BYTES = 1024 * 1024;

/**
 * The largest answer a request of `requestBytes` may get: `max(floorBytes, multiple × requestBytes)`.
 *
 * @param requestBytes - the request body's length in bytes
 * @param multiple - default {@link ANSWER_MULTIPLE}
 * @param floorBytes - default {@link ANSWER_FLOOR_BYTES}
 * @returns the bound in bytes
 * @example
 * ```ts
 * answerBound(100_000) // 51,200,000
 * ```
 */
export function answerBound(requestBytes: number, multiple = ANSWER_MULTIPLE, floorBytes = ANSWER_FLOOR_BYTES): number {
  return Math.max(floorBytes, multiple * requestBytes);
}

const cut = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max)}…` : text);

/**
 * A problem with its texts shortened: a pointer, message, suggestion or `found` string over
 * {@link MAX_FOUND_CHARS} characters cut with `…` (a key or a value can be as long as the body), a large `found`
 * object or array named by its type.
 */
function boundedProblem(problem: Problem): Problem {
  const out: Record<string, unknown> = { ...problem };
  for (const [k, v] of Object.entries(out)) {
    if (typeof v === 'string') out[k] = cut(v, MAX_FOUND_CHARS);
    else if (v !== null && typeof v === 'object') {
      let text: string | undefined;
      try {
        text = JSON.stringify(v);
      } catch {
        text = undefined;
      }
      if (text === undefined || text.length > MAX_FOUND_CHARS) out[k] = Array.isArray(v) ? 'array' : 'object';
    }
  }
  return out as unknown as Problem;
}

/**
 * An error body with at most `limit` problems (default {@link MAX_PROBLEMS}), each `found` bounded, and the number
 * left out as `truncated`, so that an answer never grows with the number of mistakes in a request.
 *
 * @param error - the error part of a body
 * @param limit - most problems kept
 * @returns the bounded error part
 * @example
 * ```ts
 * capProblems({ code: 'INVALID_FACTS', message, problems: sixtyThousand }).truncated // 59,900
 * ```
 */
export function capProblems<T extends { message?: Localized; problems?: Problem[]; truncated?: number }>(error: T, limit = MAX_PROBLEMS): T {
  const problems = error.problems;
  // A message may quote a problem (core's summary names the first one): bounded too.
  const message = error.message ? { zh: cut(error.message.zh, 4 * MAX_FOUND_CHARS), en: cut(error.message.en, 4 * MAX_FOUND_CHARS) } : undefined;
  if (!problems) return message ? { ...error, message } : error;
  const kept = problems.slice(0, Math.max(0, limit)).map(boundedProblem);
  const left = problems.length - kept.length + (error.truncated ?? 0);
  const { truncated: _ignored, ...rest } = error;
  return { ...rest, ...(message ? { message } : {}), problems: kept, ...(left > 0 ? { truncated: left } : {}) } as T;
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
      error: capProblems({ code: error.code, message: error.localized, ...(error.problems ? { problems: error.problems } : {}), ...(error.truncated ? { truncated: error.truncated } : {}) }),
      requestId,
    };
    return { status: error.status, body, headers: error.headers };
  }
  if (error instanceof AftersalesError) {
    return { status: PACK_DEFECTS.has(error.code) ? 409 : 422, body: { error: capProblems(toErrorBody(error)), requestId }, headers: {} };
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

/**
 * The `503 PACK_INTEGRITY` of stored pack versions whose document or bindings no longer match the hashes stored
 * with them: `/readyz` while any is listed, and a decision on a pack whose active version is one of them.
 *
 * @param problems - the versions refused and what no longer matched
 * @example
 * ```ts
 * throw packIntegrity([{ pack: 'escalation', version: '1.1.0', part: 'bindings' }]);
 * ```
 */
export function packIntegrity(problems: Array<{ pack: string; version: string; part: 'document' | 'bindings' }>): HttpError {
  const names = problems.map((p) => `${p.pack}@${p.version} (${p.part === 'document' ? '文档' : '绑定'})`).join(', ');
  const namesEn = problems.map((p) => `${p.pack}@${p.version} (${p.part})`).join(', ');
  return new HttpError(
    503,
    'PACK_INTEGRITY',
    {
      zh: `存储中的规则包版本与其哈希不一致（${names}）：已拒绝加载，不以其他版本代替`,
      en: `stored pack versions do not match their hashes (${namesEn}): refused, and no other version decides in their place`,
    },
    problems.map((p) => ({ path: `/packs/${p.pack}/versions/${p.version}/${p.part}`, message: `the stored ${p.part} does not match its stored hash`, code: 'PACK_INTEGRITY' })),
  );
}

/** What each reason `/readyz` gives for storage means, zh + en. */
const NOT_READY: Record<ReadinessProblem['code'], Localized> = {
  STORAGE_UNAVAILABLE: { zh: '存储不可用', en: 'storage is unavailable' },
  STORAGE_SCHEMA_DAMAGED: { zh: '存储的表结构不完整（缺少表或列）', en: 'the storage schema is incomplete (a table or column is missing)' },
  STORAGE_NOT_WRITABLE: { zh: '存储无法写入', en: 'storage cannot be written' },
};

/**
 * The `503` of `/readyz` when storage is not ready: the first problem's code, a message naming every reason (each
 * the database's own text), one problem a reason.
 *
 * @param problems - from the storage's readiness check, at least one
 * @example
 * ```ts
 * throw storageNotReady([{ code: 'STORAGE_SCHEMA_DAMAGED', reason: 'table decisions: no such table: decisions' }]);
 * ```
 */
export function storageNotReady(problems: ReadinessProblem[]): HttpError {
  const first = problems[0] ?? { code: 'STORAGE_UNAVAILABLE', reason: 'unknown' };
  const reasons = problems.map((p) => p.reason).join('; ');
  return new HttpError(
    503,
    first.code,
    { zh: `${NOT_READY[first.code].zh}：${cut(reasons, 4 * MAX_FOUND_CHARS)}`, en: `${NOT_READY[first.code].en}: ${cut(reasons, 4 * MAX_FOUND_CHARS)}` },
    problems.map((p) => ({ path: '/storage', message: p.reason, code: p.code })),
    { 'Retry-After': '1' },
  );
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
