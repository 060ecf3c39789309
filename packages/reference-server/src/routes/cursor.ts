/**
 * The opaque cursor of keyset-paged lists (`GET /v1/decisions`, `GET /v1/packs/{id}/activations`): the seq of the
 * last item of a page, base64url-encoded.
 */
import { HttpError } from '../errors.js';

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
