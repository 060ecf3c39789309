/**
 * What the console checks on a request before it acts on it: a redirect target must be a path of this server (an
 * open redirect sends a user who trusts this host elsewhere), a state-changing post must come from the console's
 * own pages (another site's form must not be able to write a decision into the log), and a form body that cannot
 * be read is the caller's mistake (`400`), never the server's (`500`).
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.js';
import { HttpError } from '../errors.js';

/** Control characters (C0, DEL, C1) and the Unicode line and paragraph separators. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * The redirect target to use for a requested one: the same path when it is a path of this server — `/` followed
 * by a character that is neither `/` nor `\`, with no control character, checked on the text as given and once
 * percent-decoded (browsers drop a tab or a newline, so `/%09/evil.example` would become `//evil.example`) —
 * otherwise the fallback.
 *
 * @param target - the requested target (e.g. the `back` query parameter), already decoded once by the router
 * @param fallback - where to go instead (default `/console`)
 * @returns a same-origin path
 * @example
 * ```ts
 * sameOriginPath('/console/log?pack=x') // '/console/log?pack=x'
 * sameOriginPath('/\t/evil.example/x')  // '/console'
 * ```
 */
export function sameOriginPath(target: string | undefined, fallback = '/console'): string {
  if (target === undefined) return fallback;
  let decoded: string;
  try {
    decoded = decodeURIComponent(target);
  } catch {
    return fallback;
  }
  for (const text of [target, decoded]) {
    if (CONTROL.test(text)) return fallback;
    if (text[0] !== '/' || text[1] === undefined || text[1] === '/' || text[1] === '\\') return fallback;
  }
  // A backslash anywhere may be read as a slash by a browser; a target of this server never needs one.
  if (decoded.includes('\\')) return fallback;
  return target;
}

/** Whether a request's `Sec-Fetch-Site` and `Origin` say it comes from a page of this server. */
function fromThisOrigin(c: Context<AppEnv>): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined) return site === 'same-origin';
  const origin = c.req.header('origin');
  // No browser posts a form without one of the two headers today; a client without either is not a browser.
  if (origin === undefined) return true;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false; // includes `Origin: null` (sandboxed frames, privacy-sensitive redirects)
  }
  const own = c.req.header('host') ?? new URL(c.req.url).host;
  return host === own;
}

/**
 * Refuses a state-changing console request that another site started: `403 CROSS_SITE_REQUEST` unless
 * `Sec-Fetch-Site` is `same-origin`, or, when a browser does not send it, `Origin` names this host. A request with
 * neither header (a script, curl) is let through: it carries no user's cookies or session from another site.
 *
 * @returns the middleware
 * @example
 * ```ts
 * app.post('/console/*', sameOriginOnly());
 * ```
 */
export function sameOriginOnly(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!fromThisOrigin(c)) {
      throw new HttpError(403, 'CROSS_SITE_REQUEST', { zh: '拒绝来自其他网站的请求', en: 'a request started by another site is refused' }, [
        {
          path: '',
          message: 'must come from a page of this server',
          code: 'CROSS_SITE_REQUEST',
          found: c.req.header('sec-fetch-site') ?? c.req.header('origin') ?? '',
          expected: 'same-origin',
        },
      ]);
    }
    await next();
  };
}

/**
 * Reads a console form (URL-encoded or multipart), every field as a string or a list of strings.
 *
 * @returns the fields
 * @throws HttpError 400 `MALFORMED_FORM` when the body cannot be read as a form
 * @example
 * ```ts
 * const form = await readForm(c);
 * ```
 */
export async function readForm(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  try {
    return (await c.req.parseBody({ all: true })) as Record<string, unknown>;
  } catch (error) {
    throw new HttpError(400, 'MALFORMED_FORM', { zh: '表单无法读取', en: 'the form cannot be read' }, [
      {
        path: '',
        message: `must be a well-formed form body: ${(error as Error).message}`,
        code: 'MALFORMED_FORM',
        found: c.req.header('content-type') ?? '',
        expected: 'application/x-www-form-urlencoded or multipart/form-data',
      },
    ]);
  }
}
