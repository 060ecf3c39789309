/** @jsxImportSource hono/jsx */
/**
 * Change a policy. The page is rendered here with everything a change starts from — the active document, its test
 * suite, a free version number, the parameters as form fields, the versions with their activate buttons — and
 * `change.js` drives the admin API with the token from the tab's session storage: `PUT` the draft (the suite runs;
 * failing cases are listed one by one), `POST …/impact`, `POST …/activate`. The rule-level diff of two versions is
 * a read page of its own (`/console/packs/{id}/diff?from=&to=`), which the script shows inline.
 */
import { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { raw } from 'hono/html';
import { canonicalJson, formatConditionTree, type Pack, type PlanRule } from '@aftersales/core';
import { getSuite } from '@aftersales/rules/suites';
import type { AppEnv, ServerContext } from '../context.js';
import { notFound } from '../errors.js';
import { WORDS, langOf, type Lang } from './i18n.js';
import { BASE, DataTable, Layout, MOUNT, outcomeWords, show } from './layout.js';
import { VersionsTable } from './pack-pages.js';
import { rulePage, RulePager } from './rule-pages.js';

/** JSON for a `<script type="application/json">` block: `<` escaped so no text can close the element. */
const scriptJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

/** The next patch version not yet known: `1.0.0` → `1.0.1`. */
function nextVersion(current: string, taken: (v: string) => boolean): string {
  const m = /^(\d+)\.(\d+)\.(\d+)(.*)$/.exec(current);
  if (!m) return `${current}-draft`;
  let patch = Number(m[3]);
  let candidate: string;
  do candidate = `${m[1]}.${m[2]}.${++patch}`;
  while (taken(candidate));
  return candidate;
}

/**
 * The rule-level diff of two versions: parameters side by side, then each rule (by name) in words on each side,
 * marked added, removed, changed, or reading a changed parameter.
 *
 * @example
 * ```tsx
 * <RuleDiff lang="en" before={active} after={draft} />
 * ```
 */
export const RuleDiff: FC<{ lang: Lang; before: Pack; after: Pack; page?: string | undefined }> = ({ lang, before, after, page }) => {
  const w = WORDS[lang];
  const a = before.document;
  const b = after.document;
  const paramNames = [...new Set([...Object.keys(a.parameters ?? {}), ...Object.keys(b.parameters ?? {})])];
  const changedParams = new Set(paramNames.filter((n) => canonicalJson(a.parameters?.[n] ?? null) !== canonicalJson(b.parameters?.[n] ?? null)));
  // Rules by name once (not a search per rule), and only the page shown is put into words and compared.
  const rulesA = new Map(before.plan.rules.map((r) => [r.name, r]));
  const rulesB = new Map(after.plan.rules.map((r) => [r.name, r]));
  const ruleNames = [...new Set([...rulesA.keys(), ...rulesB.keys()])];
  const shown = rulePage(page, ruleNames.length);
  const pageHref = (n: number): string =>
    `${BASE}/packs/${encodeURIComponent(before.id)}/diff?from=${encodeURIComponent(before.version)}&to=${encodeURIComponent(after.version)}&page=${n}`;
  const side = (pack: Pack, rules: Map<string, PlanRule>, name: string): string => {
    const rule = rules.get(name);
    if (!rule) return '—';
    return `${formatConditionTree(rule.conditions, pack.document, lang)} ⇒ ${outcomeWords({ ...pack.document.default, ...rule.event.params })}`;
  };
  return (
    <section id="diff" aria-labelledby="diff-heading">
      <h2 id="diff-heading">
        {w.diff}: {before.version} → {after.version}
      </h2>
      <DataTable class="diff-params" caption={w.parameters} head={[w.parameter, before.version, after.version]}>
        {paramNames.map((n) => (
          <tr class={changedParams.has(n) ? 'changed' : ''} data-param={n}>
            <td>
              <code>{n}</code>
            </td>
            <td>{show(a.parameters?.[n]?.value)}</td>
            <td>{show(b.parameters?.[n]?.value)}</td>
          </tr>
        ))}
      </DataTable>
      <RulePager lang={lang} at={shown} href={pageHref} />
      <DataTable class="diff-rules" caption={w.decisionTable} head={[w.rule, before.version, after.version, w.status]}>
        {ruleNames.slice(shown.start, shown.end).map((n) => {
          const ra = rulesA.get(n)?.definition;
          const planB = rulesB.get(n);
          const rb = planB?.definition;
          const sideA = side(before, rulesA, n);
          const sideB = side(after, rulesB, n);
          // Leaves reached through shared conditions count: the plan resolved them.
          const readsChanged = planB ? planB.conditions.leaves.some((l) => l.param !== undefined && changedParams.has(l.param)) : false;
          // A rule changes with its own text or with a shared condition it uses (its words differ).
          const edited = !!ra && !!rb && (canonicalJson(ra) !== canonicalJson(rb) || sideA !== sideB);
          const status = !ra ? 'added' : !rb ? 'removed' : edited || readsChanged ? 'changed' : 'same';
          const label = !ra ? w.added : !rb ? w.removed : edited ? w.changedRule : readsChanged ? w.usesChanged : w.sameRule;
          return (
            <tr class={status} data-rule={n} data-status={status}>
              <td>
                <code>{n}</code>
              </td>
              <td>{sideA}</td>
              <td>{sideB}</td>
              <td>{label}</td>
            </tr>
          );
        })}
      </DataTable>
      <RulePager lang={lang} at={shown} href={pageHref} />
    </section>
  );
};

interface ChangeProps {
  lang: Lang;
  path: string;
  active: Pack;
  suite: unknown;
  draftVersion: string;
  versions: ReturnType<ServerContext['catalog']['listVersions']>;
}

const ChangePage: FC<ChangeProps> = ({ lang, path, active, suite, draftVersion, versions }) => {
  const w = WORDS[lang];
  const d = active.document;
  const words = { lang, ...Object.fromEntries(Object.entries(w).filter(([, v]) => typeof v === 'string')) };
  return (
    <Layout lang={lang} title={w.changeTitle(d.title[lang])} path={path} scripts={['change.js']}>
      <h1>{w.changeTitle(d.title[lang])}</h1>
      <p>{w.changeIntro}</p>
      <noscript>
        <p class="panel bad">{w.noScript}</p>
      </noscript>
      <script type="application/json" id="words">
        {raw(scriptJson(words))}
      </script>
      <div id="change" data-pack={active.id} data-active={active.version} hidden>
        <section class="panel" aria-labelledby="token-heading">
          <h2 id="token-heading">{w.adminToken}</h2>
          <form id="token-form">
            <label for="admin-token">{w.adminToken}</label> <input id="admin-token" type="password" autocomplete="off" aria-describedby="token-hint" />{' '}
            <button type="submit">{w.saveToken}</button>
            <p class="muted" id="token-hint">
              {w.adminTokenHint}
            </p>
          </form>
          <p id="token-kept" hidden>
            {w.tokenKept} <button type="button" class="secondary" id="forget-token">{w.forgetToken}</button>
          </p>
        </section>
        <form id="draft-form">
          <h2>{w.editParameters}</h2>
          <div class="field">
            <label for="draft-version">{w.draftVersion}</label>
            <input id="draft-version" name="version" value={draftVersion} required />
          </div>
          {Object.entries(d.parameters ?? {}).map(([name, p]) => (
            <div class="field">
              <label for={`param-${name}`}>
                <code>{name}</code>
              </label>
              {p.type === 'boolean' ? (
                <select id={`param-${name}`} data-param={name} data-type={p.type} aria-describedby={`param-${name}-hint`}>
                  <option value="true" selected={p.value === true}>true</option>
                  <option value="false" selected={p.value === false}>false</option>
                </select>
              ) : (
                <input
                  id={`param-${name}`}
                  data-param={name}
                  data-type={p.type}
                  type={p.type === 'number' || p.type === 'integer' ? 'number' : 'text'}
                  step={p.type === 'integer' ? '1' : 'any'}
                  value={String(p.value)}
                  aria-describedby={`param-${name}-hint`}
                />
              )}
              <span class="hint" id={`param-${name}-hint`}>
                {p.description[lang]} {p.unit ? `(${p.unit})` : ''} {p.notPublished ? <span class="np">{w.notPublished}</span> : null}
              </span>
            </div>
          ))}
          <h2>{w.orUpload}</h2>
          <div class="field">
            <label for="pack-file">{w.packFile}</label>
            <input id="pack-file" type="file" accept="application/json,.json" />
          </div>
          <div class="field">
            <label for="suite-json">{w.suite}</label>
            <textarea id="suite-json" rows={8}>
              {JSON.stringify(suite, null, 2)}
            </textarea>
          </div>
          <p>
            <button type="submit">{w.makeDraft}</button>
          </p>
        </form>
        <div id="suite-result" aria-live="polite"></div>
        <section id="after-draft" hidden>
          <h2>{w.impact}</h2>
          <p>
            <label for="impact-limit">{w.impactLimit}</label> <input id="impact-limit" type="number" min="1" max="10000" value="100" />{' '}
            <button type="button" id="run-impact">{w.runImpact}</button>
          </p>
          <div id="impact-result" aria-live="polite"></div>
          <div id="diff-result"></div>
          <p>
            <button type="button" id="activate-draft">{w.activate}</button>
          </p>
        </section>
        <section id="confirm-activation" class="panel" tabindex={-1} aria-labelledby="confirm-heading" hidden>
          <h2 id="confirm-heading">
            {w.confirmTitle}: <span id="confirm-version"></span>
          </h2>
          <p class="muted">{w.confirmIntro}</p>
          <div id="confirm-summary" aria-live="polite"></div>
          <div id="confirm-diff"></div>
          <p>
            <button type="button" id="confirm-go" disabled>
              {w.confirmActivate}
            </button>{' '}
            <button type="button" class="secondary" id="confirm-cancel">
              {w.cancel}
            </button>
          </p>
        </section>
        <div id="activation-result" aria-live="polite"></div>
        <h2>{w.versions}</h2>
        <VersionsTable lang={lang} id={active.id} versions={versions} actions />
      </div>
    </Layout>
  );
};

/**
 * The change routes: the change page and the diff page.
 *
 * @example
 * ```ts
 * app.route('/', changeRoutes(ctx));
 * ```
 */
export function changeRoutes(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { catalog } = ctx;
  app.get(`${MOUNT}/packs/:id/change`, async (c) => {
    const id = c.req.param('id');
    const active = catalog.active(id);
    if (!active) throw notFound('PACK_NOT_FOUND', `没有规则包 ${id}`, `no pack ${id}`);
    // The active version's stored suite: that one row, not every stored document.
    const stored = await ctx.storage.getPackVersion(id, active.version);
    const suite = stored?.suite ?? getSuite(id) ?? { pack: id, cases: [] };
    const draftVersion = nextVersion(active.version, (v) => catalog.has(id, v));
    return c.html(<ChangePage lang={langOf(c)} path={c.req.path} active={active} suite={suite} draftVersion={draftVersion} versions={catalog.listVersions(id)} />);
  });
  app.get(`${MOUNT}/packs/:id/diff`, (c) => {
    const id = c.req.param('id');
    const active = catalog.active(id);
    if (!active) throw notFound('PACK_NOT_FOUND', `没有规则包 ${id}`, `no pack ${id}`);
    const from = catalog.get(id, c.req.query('from') ?? active.version);
    const to = catalog.get(id, c.req.query('to') ?? active.version);
    if (!from || !to) throw notFound('VERSION_NOT_FOUND', `没有此版本`, `no such version`);
    const lang = langOf(c);
    const page = c.req.query('page');
    if (c.req.query('fragment') === '1') return c.html(<RuleDiff lang={lang} before={from} after={to} page={page} />);
    return c.html(
      <Layout lang={lang} title={WORDS[lang].diff} path={c.req.path + new URL(c.req.url).search}>
        <h1>
          {WORDS[lang].diff} · {id}
        </h1>
        <RuleDiff lang={lang} before={from} after={to} page={page} />
      </Layout>,
    );
  });
  return app;
}
