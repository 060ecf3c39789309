/** @jsxImportSource hono/jsx */
/**
 * The frame of every console page: the document language, a skip link, the navigation, the language switch (a
 * plain link, so it works without JavaScript) and the one stylesheet, served by the server itself. Also the small
 * pieces several pages share: a localized value, a JSON block, a short hash.
 */
import type { Child, FC } from 'hono/jsx';
import { raw } from 'hono/html';
import { WORDS, type Lang } from './i18n.js';

/** The console's path inside the app (route patterns, redirects). */
export const MOUNT = '/console';

/**
 * The console's address in links: relative to the page's `<base href>`, which points at the app's root from the
 * page's own address, so every link, form and script call works when the app is mounted under a prefix.
 */
export const BASE = 'console';

/**
 * A request path from the console's own segment on: `/portal/console/log?x=1` → `/console/log?x=1` (a parent app
 * that mounts this one with `route('/portal', app)` leaves its prefix in the path).
 */
export function consolePath(path: string): string {
  const at = path.search(/\/console(?=\/|\?|$)/);
  return at >= 0 ? path.slice(at) : path;
}

/** The app root relative to a console page: `/console/packs/x` → `../../`. */
export function rootOf(path: string): string {
  const depth = (consolePath(path).split('?')[0] ?? '').split('/').length - 2;
  return depth <= 0 ? './' : '../'.repeat(depth);
}

interface LayoutProps {
  lang: Lang;
  title: string;
  /** The request path inside the app (with its query, if any): the `<base>` and the language switch's way back. */
  path: string;
  /**
   * Where the language switch leads back to, when not `path`: a page answering a POST (a replay) has its own
   * address for the `<base>` but is reached again by GET at another.
   */
  back?: string;
  /** Scripts (under /console/assets) the page progressively adds. */
  scripts?: string[];
  children?: Child;
}

/**
 * The page frame.
 *
 * @example
 * ```tsx
 * <Layout lang="en" title="Packs" path="/console"><h1>Packs</h1></Layout>
 * ```
 */
export const Layout: FC<LayoutProps> = ({ lang, title, path, back, scripts, children }) => {
  const w = WORDS[lang];
  const other: Lang = lang === 'zh' ? 'en' : 'zh';
  return (
    <>
      {raw('<!doctype html>')}
      <html lang={lang === 'zh' ? 'zh-CN' : 'en'}>
        <head>
          <meta charset="utf-8" />
          <base href={rootOf(path)} />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{`${title} · ${w.consoleTitle}`}</title>
          <link rel="stylesheet" href={`${BASE}/assets/console.css`} />
          {(scripts ?? []).map((s) => (
            <script src={`${BASE}/assets/${s}`} defer></script>
          ))}
        </head>
        <body>
          <a class="skip" href={`${consolePath(path).slice(1)}#main`}>
            {w.skip}
          </a>
          <header class="top">
            <a class="brand" href={BASE}>
              {w.consoleTitle}
            </a>
            <nav aria-label={w.consoleTitle}>
              <ul>
                <li>
                  <a href={BASE}>{w.navPacks}</a>
                </li>
                <li>
                  <a href={`${BASE}/log`}>{w.navLog}</a>
                </li>
                <li>
                  <a href={`${BASE}/audit`}>{w.navAudit}</a>
                </li>
                <li>
                  <a href="docs">{w.navDocs}</a>
                </li>
                <li>
                  <a
                    class="lang"
                    href={`${BASE}/lang/${other}?back=${encodeURIComponent(back ?? path)}`}
                    hreflang={other === 'zh' ? 'zh-CN' : 'en'}
                    lang={other === 'zh' ? 'zh-CN' : 'en'}
                    title={w.switchLabel}
                  >
                    {w.switchTo}
                  </a>
                </li>
              </ul>
            </nav>
          </header>
          <main id="main">{children}</main>
        </body>
      </html>
    </>
  );
};

/** A value as short readable text: strings bare, numbers grouped, null as "null", objects as JSON. */
export function show(value: unknown): string {
  if (value === undefined) return '—';
  if (typeof value === 'number') return Number.isFinite(value) ? value.toLocaleString('en-US', { maximumFractionDigits: 10 }) : String(value);
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(show).join(', ');
  return JSON.stringify(value);
}

/** An outcome in words: `class: major, level: 2`. */
export function outcomeWords(outcome: unknown): string {
  if (outcome === null || typeof outcome !== 'object' || Array.isArray(outcome)) return show(outcome);
  const entries = Object.entries(outcome as Record<string, unknown>);
  return entries.length === 0 ? '—' : entries.map(([k, v]) => `${k}: ${show(v)}`).join(', ');
}

/** A pretty JSON block. */
export const Json: FC<{ value: unknown; label?: string }> = ({ value, label }) => (
  <pre class="json" tabindex={0} aria-label={label}>
    <code>{JSON.stringify(value, null, 2)}</code>
  </pre>
);

/** A pack hash shortened for a table, the full hash in the title. */
export const ShortHash: FC<{ hash: string }> = ({ hash }) => (
  <code title={hash}>{hash.replace(/^sha256:/, '').slice(0, 12)}…</code>
);

/** A table with a row of column headings (`scope="col"`); a heading of `null` is left out. */
export const DataTable: FC<{ head: Child[]; class?: string; caption?: Child; children?: Child }> = (props) => (
  <table class={props.class}>
    {props.caption !== undefined ? <caption>{props.caption}</caption> : null}
    <thead>
      <tr>{props.head.filter((h) => h !== null).map((h) => <th scope="col">{h}</th>)}</tr>
    </thead>
    <tbody>{props.children}</tbody>
  </table>
);

/** A term of a description list whose description is a code value (an id, a hash). */
export const CodeTerm: FC<{ term: Child; code: Child }> = ({ term, code }) => (
  <>
    <dt>{term}</dt>
    <dd>
      <code>{code}</code>
    </dd>
  </>
);
