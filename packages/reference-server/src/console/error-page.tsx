/** @jsxImportSource hono/jsx */
/**
 * The console's own error pages: an address under `/console` that does not exist, or a console page that failed,
 * answers an HTML page in the reader's language with the console's navigation (404, or the error's own status),
 * the error's code and message, and the request id; never the API's raw JSON body.
 */
import type { Context } from 'hono';
import { WORDS, langOf } from './i18n.js';
import { BASE, Layout } from './layout.js';

/** Whether a request path is a console page (so an error there is answered in HTML). */
export function isConsolePath(path: string): boolean {
  // The console's segment, not the API's (a pack may be called `console`: `/v1/packs/console` is the API's).
  const at = path.search(/\/console(?=\/|$)/);
  return at >= 0 && !/\/v1(\/|$)/.test(path.slice(0, at)) && !path.includes('/assets/');
}

/**
 * The HTML error page of a console request.
 *
 * @param c - the request's context
 * @param status - the HTTP status to answer
 * @param body - the error body the API would have answered
 * @returns the HTML response
 * @example
 * ```ts
 * app.notFound((c) => (isConsolePath(c.req.path) ? consoleErrorPage(c, 404, body) : c.json(body, 404)));
 * ```
 */
export function consoleErrorPage(c: Context, status: number, body: { error: { code: string; message: { zh: string; en: string } }; requestId: string }): Response | Promise<Response> {
  const lang = langOf(c);
  const w = WORDS[lang];
  const { error } = body;
  const title = status === 404 ? w.notFoundTitle : w.serverErrorTitle;
  return c.html(
    <Layout lang={lang} title={title} path={c.req.path}>
      <h1>{title}</h1>
      <section class="panel bad" role="alert" id="error">
        <p>
          <code>{error.code}</code> {error.message[lang]}
        </p>
        <p>
          {w.errorHelp} <code>{body.requestId || '—'}</code>
        </p>
        <p>
          <a href={BASE}>{w.navPacks}</a>
        </p>
      </section>
    </Layout>,
    status as 404,
  );
}
