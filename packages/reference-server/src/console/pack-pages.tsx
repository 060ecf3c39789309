/** @jsxImportSource hono/jsx */
/**
 * The read pages about packs: the list (version, status, hash, effective dates, the requires graph) and one pack
 * (its decision table in words with each rule's source and the source's kind, its parameters with units and the
 * "not published by the manual" mark, its fact schema as a table, its versions). Pure functions of the pack and
 * the catalogue's version list: no script.
 */
import type { FC } from 'hono/jsx';
import { formatConditionTree, type Pack, type RulePackDocument } from '@aftersales/core';
import type { VersionInfo } from '../versions/record.js';
import { WORDS, type Lang } from './i18n.js';
import { BASE, CodeTerm, DataTable, Layout, outcomeWords, ShortHash, show } from './layout.js';
import { rulePage, RulePager } from './rule-pages.js';
import { factFields, flatten } from './schema-fields.js';
import { hitPolicyLabel, sourceKindLabel } from './labels.js';

const at = (id: string): string => `${BASE}/packs/${encodeURIComponent(id)}`;

/** The requires graph: one box a pack that takes part, an arrow from a pack to each pack it requires. */
const RequiresGraph: FC<{ packs: Pack[]; lang: Lang }> = ({ packs, lang }) => {
  const w = WORDS[lang];
  const edges = packs.flatMap((p) => (p.document.requires ?? []).map((r) => ({ from: p.id, to: r.pack })));
  if (edges.length === 0) return <p>{w.requiresNone}</p>;
  const left = [...new Set(edges.map((e) => e.from))];
  const right = [...new Set(edges.map((e) => e.to))].filter((id) => !left.includes(id));
  const rowH = 34;
  const y = (list: string[], id: string): number => 10 + list.indexOf(id) * rowH;
  const height = Math.max(left.length, right.length) * rowH + 10;
  const pos = (id: string): { x: number; y: number } => (left.includes(id) ? { x: 10, y: y(left, id) } : { x: 330, y: y(right, id) });
  return (
    <figure>
      <svg class="graph" role="img" aria-labelledby="graph-title" width="560" height={height} viewBox={`0 0 560 ${height}`}>
        <title id="graph-title">{w.requiresGraph}</title>
        {edges.map((e) => {
          const a = pos(e.from);
          const b = pos(e.to);
          // The arrowhead is drawn, not a marker: a `url(#…)` reference would resolve against the page's <base>.
          const [x1, y1, x2, y2] = [a.x + 210, a.y + 12, b.x, b.y + 12];
          const len = Math.hypot(x2 - x1, y2 - y1) || 1;
          const [ux, uy] = [(x2 - x1) / len, (y2 - y1) / len];
          const head = `${x2},${y2} ${x2 - 9 * ux - 4 * uy},${y2 - 9 * uy + 4 * ux} ${x2 - 9 * ux + 4 * uy},${y2 - 9 * uy - 4 * ux}`;
          return (
            <g>
              <line x1={x1} y1={y1} x2={x2} y2={y2} />
              <polygon points={head} fill="#0b5394" />
            </g>
          );
        })}
        {[...left, ...right].map((id) => {
          const p = pos(id);
          return (
            <g>
              <rect x={p.x} y={p.y} width="210" height="24" rx="4" />
              <text x={p.x + 8} y={p.y + 17}>
                {id}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul>
          {edges.map((e) => (
            <li>
              <a href={at(e.from)}>{e.from}</a> → <a href={at(e.to)}>{e.to}</a>
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
};

/**
 * The packs list page.
 *
 * @example
 * ```tsx
 * c.html(<PacksPage lang="en" path="/console" packs={catalog.listActive()} versions={(id) => catalog.listVersions(id)} />)
 * ```
 */
export const PacksPage: FC<{ lang: Lang; path: string; packs: Pack[]; versions: (id: string) => VersionInfo[] }> = ({ lang, path, packs, versions }) => {
  const w = WORDS[lang];
  return (
    <Layout lang={lang} title={w.packsTitle} path={path}>
      <h1>{w.packsTitle}</h1>
      <p>{w.packsIntro}</p>
      <DataTable head={[w.pack, w.version, w.status, w.packHash, w.effective, w.requires]}>
        {packs.map((p) => {
          const d = p.document;
          const drafts = versions(p.id).filter((v) => v.status === 'draft').length;
          return (
            <tr>
              <td>
                <a href={at(p.id)}>{d.title[lang]}</a>
                <br />
                <code>{p.id}</code>
              </td>
              <td>{p.version}</td>
              <td>
                {w.active}
                {drafts > 0 ? <span class="muted"> (+{drafts} {w.draft})</span> : null}
              </td>
              <td>
                <ShortHash hash={p.packHash} />
              </td>
              <td>
                {w.from} {d.effective.from} {d.effective.to ? `${w.until} ${d.effective.to}` : `(${w.open})`}
              </td>
              <td>{(d.requires ?? []).map((r) => r.pack).join(', ') || w.none}</td>
            </tr>
          );
        })}
      </DataTable>
      <h2>{w.requiresGraph}</h2>
      <RequiresGraph packs={packs} lang={lang} />
    </Layout>
  );
};

/** A rule's source split into the reference and the quoted text, with the kind of the document it names. */
export function ruleSource(doc: RulePackDocument, source: string): { ref: string; quote: string; kind?: string; document?: string } {
  const id = source.split(/[\s:：(（]/)[0] ?? '';
  const found = doc.sources.find((s) => s.id === id);
  const m = /^([^:：(（]+)[:：]?\s*[(（]?(.*?)[)）]?$/.exec(source);
  const ref = (m?.[1] ?? source).trim();
  const quote = (m?.[2] ?? '').trim();
  return { ref, quote, ...(found?.kind ? { kind: found.kind } : {}), ...(found ? { document: found.document } : {}) };
}

/**
 * One pack: decision table, parameters, fact schema, sources and versions.
 *
 * @example
 * ```tsx
 * c.html(<PackPage lang="zh" path="/console/packs/quality-severity" pack={pack} active={active} versions={list} />)
 * ```
 */
export const PackPage: FC<{ lang: Lang; path: string; pack: Pack; active: Pack; versions: VersionInfo[]; page?: string | undefined }> = ({ lang, path, pack, active, versions, page }) => {
  const w = WORDS[lang];
  const d = pack.document;
  // The decision table in pages of RULES_PAGE_SIZE rules (a viewed version's pages keep `version`).
  const rules = rulePage(page, pack.plan.rules.length);
  const pageHref = (n: number): string => `${at(pack.id)}?${pack !== active ? `version=${encodeURIComponent(pack.version)}&` : ''}page=${n}#rules`;
  const fields = flatten(factFields(d.facts));
  return (
    <Layout lang={lang} title={d.title[lang]} path={path}>
      <h1>
        {d.title[lang]} <span class="muted">{pack.id}@{pack.version}</span>
      </h1>
      {pack !== active ? <p class="panel">{w.viewingVersion(pack.version, active.version)}</p> : null}
      <p>{d.description[lang]}</p>
      <p class="actions">
        <a class="button" href={`${at(pack.id)}/try`}>
          {w.tryIt}
        </a>
        <a class="button" href={`${at(pack.id)}/change`}>
          {w.changePolicy}
        </a>
      </p>
      <dl>
        <CodeTerm term={w.packHash} code={pack.packHash} />
        <dt>{w.hitPolicy}</dt>
        <dd>
          <span data-code={d.hitPolicy}>{hitPolicyLabel(d.hitPolicy, lang)}</span>
        </dd>
        <dt>{w.effective}</dt>
        <dd>
          {w.from} {d.effective.from} {d.effective.to ? `${w.until} ${d.effective.to}` : `(${w.open})`}
        </dd>
      </dl>

      <h2 id="rules">{w.decisionTable}</h2>
      <RulePager lang={lang} at={rules} href={pageHref} />
      <DataTable head={[w.priority, w.rule, w.conditions, w.outcome, w.source]}>
        {pack.plan.rules.slice(rules.start, rules.end).map((rule) => {
          const s = ruleSource(d, rule.source);
          return (
            <tr id={`rule-${rule.name}`}>
              <td>{rule.priority}</td>
              <td>
                <code>{rule.name}</code>
              </td>
              <td>{formatConditionTree(rule.conditions, d, lang)}</td>
              <td>
                {outcomeWords({ ...d.default, ...rule.event.params })}
                {rule.message ? <div class="muted">{rule.message[lang]}</div> : null}
              </td>
              <td>
                <strong>{s.ref}</strong>
                {s.kind ? <span class="badge kind" data-code={s.kind}>{sourceKindLabel(s.kind, lang)}</span> : null}
                {s.quote ? <blockquote lang="zh-CN">{s.quote}</blockquote> : null}
              </td>
            </tr>
          );
        })}
        <tr>
          <td>—</td>
          <td colspan={2}>{w.defaultOutcome}</td>
          <td>
            {outcomeWords(d.default)}
            {d.defaultMessage ? <div class="muted">{d.defaultMessage[lang]}</div> : null}
          </td>
          <td>—</td>
        </tr>
      </DataTable>
      <RulePager lang={lang} at={rules} href={pageHref} />

      <h2 id="parameters">{w.parameters}</h2>
      <DataTable head={[w.parameter, w.value, w.unit, w.description, w.source]}>
        {Object.entries(d.parameters ?? {}).map(([name, p]) => (
          <tr id={`param-${name}`}>
            <td>
              <code>{name}</code>
            </td>
            <td>{show(p.value)}</td>
            <td>{p.unit ?? w.none}</td>
            <td>{p.description[lang]}</td>
            <td>{p.notPublished ? <span class="np">{w.notPublished}</span> : (p.source ?? w.none)}</td>
          </tr>
        ))}
      </DataTable>

      <h2 id="facts">{w.factSchema}</h2>
      <DataTable head={[w.field, w.type, w.requiredCol, w.defaultCol, w.bounds, w.description]}>
        {fields.map((f) => (
          <tr>
            <td>
              <code>{f.pointer.slice(1).replace(/\//g, '.')}</code>
            </td>
            <td>
              {f.typeText}
              {f.enum ? <div class="muted">{f.enum.map((v) => show(v)).join(' | ')}</div> : null}
            </td>
            <td>{f.required ? w.yes : w.no}</td>
            <td>{'default' in f ? show(f.default) : w.none}</td>
            <td>
              {f.minimum !== undefined ? `≥ ${show(f.minimum)} ` : ''}
              {f.maximum !== undefined ? `≤ ${show(f.maximum)}` : ''}
            </td>
            <td>{f.description ?? ''}</td>
          </tr>
        ))}
      </DataTable>

      <h2 id="sources">{w.sources}</h2>
      <DataTable head={['Id', w.document, w.clause, w.kind, w.quote]}>
        {d.sources.map((s) => (
          <tr>
            <td>
              <code>{s.id}</code>
            </td>
            <td>{s.document}</td>
            <td>{s.clause}</td>
            <td>{s.kind ? sourceKindLabel(s.kind, lang) : w.none}</td>
            <td>{s.quote ?? ''}</td>
          </tr>
        ))}
      </DataTable>

      <h2 id="versions">{w.versions}</h2>
      <VersionsTable lang={lang} id={pack.id} versions={versions} />
    </Layout>
  );
};

/**
 * The versions of a pack, newest first, each linked to its document page.
 *
 * @example
 * ```tsx
 * <VersionsTable lang="en" id="quality-severity" versions={catalog.listVersions('quality-severity')} />
 * ```
 */
export const VersionsTable: FC<{ lang: Lang; id: string; versions: VersionInfo[]; actions?: boolean }> = ({ lang, id, versions, actions }) => {
  const w = WORDS[lang];
  return (
    <DataTable class="versions" head={[w.version, w.status, w.origin, w.packHash, w.created, actions ? w.activate : null]}>
      {[...versions].reverse().map((v) => (
        <tr data-version={v.version}>
          <td>
            <a href={`${at(id)}?version=${encodeURIComponent(v.version)}`}>{v.version}</a>
          </td>
          <td class={v.status === 'active' ? 'ok' : ''}>{v.status === 'active' ? w.active : w.draft}</td>
          <td>{v.origin === 'bundled' ? w.bundled : w.uploaded}</td>
          <td>
            <ShortHash hash={v.packHash} />
          </td>
          <td>{v.createdAt}</td>
          {actions ? (
            <td>
              {v.status === 'active' ? null : (
                <button type="button" class="secondary" data-activate={v.version}>
                  {w.activate} {v.version}
                </button>
              )}
            </td>
          ) : null}
        </tr>
      ))}
    </DataTable>
  );
};
