/** @jsxImportSource hono/jsx */
/**
 * The console's routes under `/console`: the read pages (packs, a pack, the decision log, a record, the chain),
 * try-it (a form posted to the server, so it works without JavaScript), the change-a-policy page (which needs
 * JavaScript: the admin token lives in the tab's session storage and goes out only in a header), the language
 * switch, and the stylesheet and scripts, all served from here.
 */
import { Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import type { AppEnv, ServerContext } from '../context.js';
import { notFound } from '../errors.js';
import type { ApiFetch } from './api-fetch.js';
import { changeRoutes } from './change-page.js';
import { CHANGE_JS } from './change-script.js';
import { LANG_COOKIE, langOf } from './i18n.js';
import { MOUNT } from './layout.js';
import { logRoutes } from './log-pages.js';
import { PackPage, PacksPage } from './pack-pages.js';
import { sameOriginOnly, sameOriginPath } from './request-guard.js';
import { CONSOLE_CSS } from './styles.js';
import { tryRoutes } from './try-page.js';

/**
 * The console routes.
 *
 * @param ctx - the server context
 * @param api - the app's own fetch, for decisions that are logged through the API route
 * @example
 * ```ts
 * app.route('/', consoleRoutes(ctx, (req) => app.fetch(req)));
 * ```
 */
export function consoleRoutes(ctx: ServerContext, api: ApiFetch): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { catalog } = ctx;

  // Every post of the console changes something (a logged decision, a replay): only from the console's own pages.
  app.post(`${MOUNT}/*`, sameOriginOnly());
  app.get('/', (c) => c.redirect(MOUNT, 302));
  app.get(MOUNT, (c) => {
    const lang = langOf(c);
    return c.html(<PacksPage lang={lang} path={c.req.path} packs={catalog.listActive()} versions={(id) => catalog.listVersions(id)} />);
  });
  app.get(`${MOUNT}/`, (c) => c.redirect(MOUNT, 301));

  app.get(`${MOUNT}/lang/:lang{zh|en}`, (c) => {
    setCookie(c, LANG_COOKIE, c.req.param('lang'), { path: '/', sameSite: 'Lax', maxAge: 365 * 24 * 3600 });
    // Only a path of this server, never another site.
    return c.redirect(sameOriginPath(c.req.query('back'), MOUNT), 303);
  });

  app.get(`${MOUNT}/assets/console.css`, (c) => c.body(CONSOLE_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8' }));
  app.get(`${MOUNT}/assets/change.js`, (c) => c.body(CHANGE_JS, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }));

  app.get(`${MOUNT}/packs/:id`, (c) => {
    const id = c.req.param('id');
    const active = catalog.active(id);
    if (!active) throw notFound('PACK_NOT_FOUND', `没有规则包 ${id}`, `no pack ${id}`);
    const wanted = c.req.query('version');
    const pack = wanted ? catalog.get(id, wanted) : active;
    if (!pack) throw notFound('VERSION_NOT_FOUND', `没有版本 ${id}@${wanted}`, `no version ${id}@${wanted}`);
    const url = new URL(c.req.url);
    return c.html(<PackPage lang={langOf(c)} path={url.pathname + url.search} pack={pack} active={active} versions={catalog.listVersions(id)} page={c.req.query('page')} />);
  });

  app.route('/', tryRoutes(ctx, api));
  app.route("/", logRoutes(ctx, api));
  app.route('/', changeRoutes(ctx));
  return app;
}
