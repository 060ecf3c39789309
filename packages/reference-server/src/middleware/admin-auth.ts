/**
 * Guards the admin routes (pack upload, impact preview, activation) with a bearer token compared in constant time.
 * Without a configured token the admin routes are off (`404 ADMIN_DISABLED`); a missing token is `401`, a wrong
 * one `403`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.js';
import { HttpError } from '../errors.js';

/**
 * Compares two secrets in time independent of where they differ (and of their lengths, by comparing digests).
 *
 * @example
 * ```ts
 * tokensEqual('a', 'a') // true
 * ```
 */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/**
 * The admin guard.
 *
 * @param token - the configured token, or undefined to turn the admin routes off
 * @returns Hono middleware
 * @throws HttpError 404 / 401 / 403
 * @example
 * ```ts
 * app.use('/v1/packs/:id/versions/:version/*', adminAuth(process.env.AFTERSALES_ADMIN_TOKEN));
 * ```
 */
export function adminAuth(token: string | undefined): MiddlewareHandler<AppEnv> {
  return async (_c, next) => {
    const c = _c;
    if (token === undefined || token === '') {
      throw new HttpError(404, 'ADMIN_DISABLED', {
        zh: '管理接口未启用（未设置 AFTERSALES_ADMIN_TOKEN）',
        en: 'admin routes are off (AFTERSALES_ADMIN_TOKEN is not set)',
      });
    }
    const header = c.req.header('authorization');
    const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match || match[1] === undefined) {
      throw new HttpError(
        401,
        'UNAUTHENTICATED',
        { zh: '缺少管理令牌（Authorization: Bearer …）', en: 'missing admin token (Authorization: Bearer …)' },
        undefined,
        { 'WWW-Authenticate': 'Bearer realm="aftersales-admin"' },
      );
    }
    if (!tokensEqual(match[1], token)) {
      throw new HttpError(403, 'FORBIDDEN', { zh: '管理令牌错误', en: 'wrong admin token' });
    }
    await next();
  };
}
