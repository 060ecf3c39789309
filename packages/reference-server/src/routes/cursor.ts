/**
 * The opaque cursor of keyset-paged lists (`GET /v1/decisions`, `GET /v1/packs/{id}/activations`): the seq of the
 * last item of a page, base64url-encoded; in a list in time order (`from`/`to`), its `recordedAt` too.
 */
import { HttpError } from '../errors.js';
import { plainInteger } from '../strict.js';

/**
 * The cursor after (or before, in a newest-first list) the item at `seq`.
 *
 * @example
 * ```ts
 * encodeCursor(42); // 'c2VxOjQy'
 * ```
 */
export const encodeCursor = (seq: number): string => Buffer.from(`seq:${seq}`, 'utf8').toString('base64url');

/**
 * Reads a cursor this server returned.
 *
 * @returns the seq it names
 * @throws HttpError 400 `INVALID_CURSOR` for anything else
 * @example
 * ```ts
 * decodeCursor('c2VxOjQy'); // 42
 * ```
 */
export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^seq:(\d{1,15})$/.exec(text);
  if (!m?.[1]) {
    throw new HttpError(400, 'INVALID_CURSOR', { zh: '分页游标无效', en: 'invalid pagination cursor' }, [
      { path: '/cursor', message: 'is not a cursor returned by this server', code: 'INVALID_CURSOR', found: cursor },
    ]);
  }
  return Number(m[1]);
}

/**
 * The `limit` query parameter of a keyset-paged list: an integer from 1 to 1000, 50 when absent.
 *
 * @param value - the query parameter as given
 * @returns the page size
 * @throws HttpError 400 `INVALID_QUERY` (pointer `/limit`) for anything else
 * @example
 * ```ts
 * parseLimit(undefined); // 50
 * parseLimit('200'); // 200
 * ```
 */
export function parseLimit(value: string | undefined): number {
  if (value === undefined) return 50;
  const limit = plainInteger(value) ?? 0;
  if (limit < 1 || limit > 1000) {
    throw new HttpError(400, 'INVALID_QUERY', { zh: 'limit 须为 1 到 1000 的整数', en: 'limit must be an integer from 1 to 1000' }, [
      { path: '/limit', message: 'must be an integer from 1 to 1000', code: 'schema.range', found: value },
    ]);
  }
  return limit;
}

/**
 * The cursor after (or before) the item at `seq` recorded at `at`, in a list in time order (`from`/`to`).
 *
 * @example
 * ```ts
 * encodeTimeCursor(42, '2026-01-01T00:00:00.000Z'); // base64url of 'seq:42@2026-01-01T00:00:00.000Z'
 * ```
 */
export const encodeTimeCursor = (seq: number, at: string): string => Buffer.from(`seq:${seq}@${at}`, 'utf8').toString('base64url');

/**
 * Reads a cursor of a list in time order.
 *
 * @returns the seq and the `recordedAt` it names
 * @throws HttpError 400 `INVALID_CURSOR` for anything else (a cursor of a list in log order included)
 * @example
 * ```ts
 * decodeTimeCursor(encodeTimeCursor(42, '2026-01-01T00:00:00.000Z')); // { seq: 42, at: '2026-01-01T00:00:00.000Z' }
 * ```
 */
export function decodeTimeCursor(cursor: string): { seq: number; at: string } {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^seq:(\d{1,15})@(\d{4}-\d{2}-\d{2}T[0-9:.]{8,12}Z)$/.exec(text);
  if (!m?.[1] || !m[2]) {
    throw new HttpError(400, 'INVALID_CURSOR', { zh: '分页游标无效（时间范围查询须使用其返回的游标）', en: 'invalid pagination cursor (a time-range query takes the cursors it returned)' }, [
      { path: '/cursor', message: 'is not a cursor this server returned for a time-range query', code: 'INVALID_CURSOR', found: cursor },
    ]);
  }
  return { seq: Number(m[1]), at: m[2] };
}
