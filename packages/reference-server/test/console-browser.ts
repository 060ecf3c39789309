/**
 * The browser fixture of the console's end-to-end tests: one server (the real app on a temporary SQLite file, an
 * admin token, a random port) and one Chromium (Debian's `chromium`, driven by playwright-core), shared by every
 * test of a file. When no Chromium is installed the tests are skipped with a message saying how to install it.
 * Also: axe-core run inside a page, and screenshots written to docs/console/.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { loadBundledPacks } from '@aftersales/rules';
import { createApp } from '../src/index.js';
import { SqliteStorage } from '../src/storage/sqlite.js';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

/** Where Chromium is expected (Debian's package), or `CHROMIUM_PATH`. */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Whether a browser is there to run the tests. */
export const HAS_CHROMIUM = existsSync(CHROMIUM);
if (!HAS_CHROMIUM) {
  console.warn(`console e2e tests skipped: no Chromium at ${CHROMIUM} (install it: apt-get install -y chromium fonts-wqy-zenhei)`);
}

/** The prefix under which the fixture also mounts the app. */
export const PREFIX = '/portal';

/** The admin token of the test server. */
export const ADMIN_TOKEN = 'e2e-admin-token';

/**
 * Where the screenshots go: docs/console/ in CI (a fresh clone) or with `CONSOLE_SCREENSHOTS=1`; elsewhere a
 * temporary folder, so a test run in a working copy leaves its tracked images alone.
 */
export const SCREENSHOTS =
  process.env.CONSOLE_SCREENSHOTS === '1' || (process.env.CI && process.env.CONSOLE_SCREENSHOTS !== '0')
    ? join(here, '..', '..', '..', 'docs', 'console')
    : join(tmpdir(), 'aftersales-console-screenshots');

/** The running fixture. */
export interface Fixture {
  base: string;
  browser: Browser;
  context: BrowserContext;
  /** Makes a new page (English unless told). */
  page(options?: { javaScript?: boolean; locale?: string }): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Starts the server and the browser.
 *
 * @example
 * ```ts
 * const fx = await startFixture();
 * const page = await fx.page();
 * ```
 */
export async function startFixture(): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'aftersales-console-'));
  const storage = new SqliteStorage({ file: join(dir, 'log.db') });
  await storage.migrate();
  const app = await createApp({ packs: loadBundledPacks(), storage, config: { adminToken: ADMIN_TOKEN } });
  // The app at the root, and the same app under /portal as a host would mount it (prefix stripped, redirects
  // given the prefix back), to check that every console address works under a prefix.
  const fetchApp = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    if (url.pathname !== PREFIX && !url.pathname.startsWith(`${PREFIX}/`)) return app.fetch(request);
    url.pathname = url.pathname.slice(PREFIX.length) || '/';
    const init: RequestInit & { duplex?: string } = { method: request.method, headers: request.headers };
    if (request.body) Object.assign(init, { body: request.body, duplex: 'half' });
    const response = await app.fetch(new Request(url, init));
    const location = response.headers.get('location');
    if (!location?.startsWith('/')) return response;
    const headers = new Headers(response.headers);
    headers.set('location', PREFIX + location);
    return new Response(response.body, { status: response.status, headers });
  };
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: fetchApp, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const contexts: BrowserContext[] = [];
  const newContext = async (javaScript: boolean, locale: string): Promise<BrowserContext> => {
    const ctx = await browser.newContext({ javaScriptEnabled: javaScript, locale, viewport: { width: 1200, height: 800 } });
    // Nothing leaves the machine: any request to another host fails the page.
    await ctx.route(/^(?!http:\/\/127\.0\.0\.1)/, (route) => route.abort());
    contexts.push(ctx);
    return ctx;
  };
  const context = await newContext(true, 'en-US');
  return {
    base,
    browser,
    context,
    async page(options = {}) {
      const javaScript = options.javaScript ?? true;
      const locale = options.locale ?? 'en-US';
      const ctx = javaScript && locale === 'en-US' ? context : await newContext(javaScript, locale);
      return ctx.newPage();
    },
    async close() {
      for (const ctx of contexts) await ctx.close().catch(() => undefined);
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An axe-core violation, as reported. */
export interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[] }>;
}

/**
 * Runs axe-core in the page and returns the serious and critical violations.
 *
 * @example
 * ```ts
 * expect(await seriousViolations(page)).toEqual([]);
 * ```
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  // A string, evaluated in the page (this file is compiled without the DOM's types).
  const violations = (await page.evaluate('axe.run(document).then((result) => result.violations)')) as Violation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => JSON.stringify(n.target)).slice(0, 3).join(', ')}`);
}

/**
 * Writes a screenshot of the page into docs/console/.
 *
 * @example
 * ```ts
 * await screenshot(page, 'packs');
 * ```
 */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
}
