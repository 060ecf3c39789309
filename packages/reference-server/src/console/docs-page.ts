/**
 * `/docs`: the interactive API reference. Swagger UI's distribution files (the `swagger-ui-dist` package) are
 * served by this server under `/docs/assets/`, so the page works with the network cut off; it reads
 * `/openapi.json`. Without JavaScript the page still lists every operation (server-rendered, in a `noscript`).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';
import type { AppEnv } from '../context.js';
import { notFound } from '../errors.js';
import { WORDS, langOf, type Lang } from './i18n.js';

const esc = (s: unknown): string =>
  String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The files of swagger-ui-dist the page uses, with their content types. */
const ASSETS: Record<string, string> = {
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
};

// The package directory, found through Node's resolver in either module format of the build.
function distDir(): string {
  const req = createRequire(import.meta.url);
  return dirname(req.resolve('swagger-ui-dist/package.json'));
}

// Deep links off: Swagger UI renders them as links inside the operation's toggle button (nested controls).
// The servers select gets the label Swagger UI leaves off.
const INIT = `window.addEventListener('DOMContentLoaded', function () {
  window.ui = SwaggerUIBundle({ url: 'openapi.json', dom_id: '#swagger', deepLinking: false, tryItOutEnabled: false,
    displayOperationId: true, defaultModelsExpandDepth: 0, docExpansion: 'list', validatorUrl: null,
    onComplete: function () {
      var servers = document.getElementById('servers');
      if (servers) servers.setAttribute('aria-label', 'Servers');
    } });
});`;

// Swagger UI's greys on white and on its green badges fall under 4.5:1; darker ones here.
const DOCS_CSS = `.swagger-ui .info .title small pre, .swagger-ui .info .title small.version-stamp pre { color: #fff; background: #1d5e2a; }
.swagger-ui .info .title small { background: #4a4a4a; }
.swagger-ui .info a.url, .swagger-ui .info .url { color: #0b5394; }
.swagger-ui .info .base-url { color: #3b3b3b; }
.swagger-ui a.link, .swagger-ui .info a { color: #0b5394; text-decoration: underline; }
.swagger-ui .opblock.opblock-get .opblock-summary-method { background: #0b5394 !important; }
.swagger-ui .opblock.opblock-post .opblock-summary-method { background: #1d5e2a !important; }
.swagger-ui .opblock.opblock-put .opblock-summary-method { background: #7a4a00 !important; }
.swagger-ui .opblock.opblock-delete .opblock-summary-method { background: #a4161a !important; }
.swagger-ui .btn.authorize, .swagger-ui .btn.authorize span { color: #1d5e2a; border-color: #1d5e2a; }
.swagger-ui .btn.authorize svg { fill: #1d5e2a; }`;

/**
 * The docs page.
 *
 * @param doc - the OpenAPI document (its operations are listed for readers without JavaScript)
 * @param lang - page language
 * @returns HTML
 * @example
 * ```ts
 * const html = renderDocsPage(buildOpenApi(packs), 'en');
 * ```
 */
export function renderDocsPage(doc: Record<string, unknown>, lang: Lang): string {
  const w = WORDS[lang];
  const rows: string[] = [];
  for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { summary?: string; operationId?: string }>>)) {
    for (const [method, op] of Object.entries(ops)) {
      rows.push(`<tr><td><code>${esc(method.toUpperCase())}</code></td><td><code>${esc(path)}</code></td><td>${esc(op.summary ?? '')}</td></tr>`);
    }
  }
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(w.docsTitle)} · aftersales</title>
<link rel="stylesheet" href="docs/assets/swagger-ui.css">
<link rel="stylesheet" href="console/assets/console.css">
<link rel="stylesheet" href="docs/assets/docs.css">
<script src="docs/assets/swagger-ui-bundle.js" defer></script>
<script src="docs/assets/init.js" defer></script>
</head><body>
<a class="skip" href="#main">${esc(w.skip)}</a>
<header class="top"><a class="brand" href="console">${esc(w.consoleTitle)}</a>
<nav aria-label="${esc(w.consoleTitle)}"><ul><li><a href="console">${esc(w.navPacks)}</a></li><li><a href="console/log">${esc(w.navLog)}</a></li>
<li><a href="openapi.json">openapi.json</a></li></ul></nav></header>
<main id="main"><h1>${esc(w.docsTitle)}</h1>
<div id="swagger"></div>
<noscript><p>${esc(w.docsNoScript)}</p>
<table><caption>${esc(w.docsTitle)}</caption><thead><tr><th scope="col">Method</th><th scope="col">Path</th><th scope="col">Summary</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table></noscript>
</main></body></html>`;
}

/**
 * The `/docs` routes: the page, its assets and its start script.
 *
 * @param openApi - builds the document for a request's origin
 * @example
 * ```ts
 * app.route('/', docsRoutes((origin) => buildOpenApi(catalog.listActive(), { serverUrl: origin })));
 * ```
 */
export function docsRoutes(openApi: (origin: string) => Record<string, unknown>): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const cache = new Map<string, string>();
  app.get('/docs', (c) => c.html(renderDocsPage(openApi(new URL(c.req.url).origin), langOf(c))));
  app.get('/docs/assets/docs.css', (c) => c.body(DOCS_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8' }));
  app.get('/docs/assets/init.js', (c) => c.body(INIT, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }));
  app.get('/docs/assets/:file', (c) => {
    const file = c.req.param('file');
    const type = ASSETS[file];
    if (!type) throw notFound('NOT_FOUND', `没有此文件：${file}`, `no such file: ${file}`);
    let body = cache.get(file);
    if (body === undefined) {
      body = readFileSync(join(distDir(), file), 'utf8');
      cache.set(file, body);
    }
    return c.body(body, 200, { 'Content-Type': type, 'Cache-Control': 'public, max-age=3600' });
  });
  return app;
}
