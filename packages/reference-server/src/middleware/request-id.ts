/**
 * Gives every request an id, kept from the caller's `X-Request-Id` when it is a short token and generated
 * otherwise, and returns it on every response (errors included) so a host can quote it when reporting a problem.
 */
import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.js';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The request-id middleware.
 *
 * @param newId - id generator (default `crypto.randomUUID`)
 * @returns Hono middleware setting `c.var.requestId` and the `X-Request-Id` response header
 * @example
 * ```ts
 * app.use('*', requestId());
 * ```
 */
export function requestId(newId: () => string = randomUUID): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const id = incoming !== undefined && SAFE_ID.test(incoming) ? incoming : newId();
    c.set('requestId', id);
    await next();
    c.res.headers.set('X-Request-Id', id);
  };
}
