/** @jsxImportSource hono/jsx */
/**
 * A decision as a reader needs it, shared by try-it and the log record page: the outcome in words, both messages,
 * the rules that fired with their sources (and the source's kind), every condition of every rule with the value
 * seen and true / false / not evaluated, and what would change the outcome (from core's `describeDecision`). Also
 * the refused-request view: the error code, its message and each problem at its JSON pointer.
 */
import type { FC } from 'hono/jsx';
import { describeDecision, formatConditionTree, type Decision, type Pack, type Problem } from '@aftersales/core';
import { WORDS, type Lang } from './i18n.js';
import { BASE, DataTable, Json, outcomeWords, show } from './layout.js';
import { ruleSource } from './pack-pages.js';
import { sourceKindLabel } from './labels.js';
import { rulePageOf } from './rule-pages.js';

/** The `&page=` of the pack page's decision table a rule is on (nothing for the first page). */
function rulePageLink(pack: Pack, rule: string): string {
  const index = pack.plan.ruleIndex.get(rule);
  const page = index === undefined ? 1 : rulePageOf(index);
  return page > 1 ? `&page=${page}` : '';
}

/** The "what would change the outcome" lines of core's description of a decision. */
export function whatWouldChange(pack: Pack, decision: Decision, lang: Lang): string[] {
  const text = describeDecision(pack, decision, lang);
  const header = lang === 'zh' ? '使结果改变的条件:' : 'What would change the outcome:';
  const start = text.indexOf(header);
  if (start < 0) return [];
  return text
    .slice(start + header.length)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => l.replace(/^- /, ''));
}

/**
 * The decision view.
 *
 * @example
 * ```tsx
 * <DecisionView lang="en" pack={pack} decision={decision} />
 * ```
 */
export const DecisionView: FC<{ lang: Lang; pack: Pack; decision: Decision }> = ({ lang, pack, decision }) => {
  const w = WORDS[lang];
  const d = pack.document;
  const rules = new Map(pack.plan.rules.map((r) => [r.name, r]));
  const tri = (r: boolean | 'not-evaluated'): { text: string; cls: string } =>
    r === true ? { text: w.isTrue, cls: 'ok' } : r === false ? { text: w.isFalse, cls: 'bad' } : { text: w.notEvaluated, cls: 'ne' };
  return (
    <section aria-labelledby="result-heading" id="result">
      <h2 id="result-heading">{w.result}</h2>
      <p class="panel ok">
        <strong>{w.outcome}: </strong>
        <span data-outcome={JSON.stringify(decision.outcome)}>{outcomeWords(decision.outcome)}</span>
        <br />
        <span class="muted">
          {pack.id}@{decision.version} · {decision.asOf}
        </span>
      </p>
      <h3>{w.messages}</h3>
      <ul class="messages">
        <li lang="zh-CN">{decision.messages.zh}</li>
        <li lang="en">{decision.messages.en}</li>
      </ul>
      <h3>{w.firedRules}</h3>
      {decision.fired.length === 0 ? (
        <p>{w.noneFired}</p>
      ) : (
        <ul class="fired">
          {decision.fired.map((f) => {
            const s = ruleSource(d, f.source);
            return (
              <li data-rule={f.rule}>
                <a href={`${BASE}/packs/${encodeURIComponent(pack.id)}?version=${encodeURIComponent(decision.version)}${rulePageLink(pack, f.rule)}#rule-${f.rule}`}>
                  <code>{f.rule}</code>
                </a>{' '}
                — {f.source}
                {s.kind ? <span class="badge kind" data-code={s.kind}>{sourceKindLabel(s.kind, lang)}</span> : null}
              </li>
            );
          })}
        </ul>
      )}
      <h3>{w.whatWouldChange}</h3>
      <ul class="changes">
        {whatWouldChange(pack, decision, lang).map((line) => (
          <li>{line}</li>
        ))}
      </ul>
      <h3>{w.explanation}</h3>
      <DataTable class="explanation" head={[w.rule, w.conditions, w.seen, w.result3]}>
        {decision.explanation.flatMap((trace) => {
          const rule = rules.get(trace.rule);
          // The plan's leaves are in the order the explanation reports them (shared conditions resolved).
          const leaves = rule?.conditions.leaves ?? [];
          return trace.conditions.map((cond, i) => {
            const leaf = leaves[i];
            const r = tri(cond.result);
            return (
              <tr data-rule={trace.rule} class={trace.fired ? 'fired' : ''}>
                {i === 0 ? (
                  <th scope="row" rowspan={trace.conditions.length}>
                    <code>{trace.rule}</code>
                    {trace.fired ? <span class="badge ok">✓</span> : null}
                  </th>
                ) : null}
                <td>{leaf ? formatConditionTree(leaf, d, lang) : `${cond.fact} ${cond.operator} ${show(cond.value)}`}</td>
                <td>{'factValue' in cond ? show(cond.factValue) : '—'}</td>
                <td class={r.cls}>{r.text}</td>
              </tr>
            );
          });
        })}
      </DataTable>
      <details>
        <summary>JSON</summary>
        <Json value={decision} label="decision JSON" />
      </details>
    </section>
  );
};

/**
 * A refused request: code, message, problems.
 *
 * @example
 * ```tsx
 * <ErrorView lang="en" code="INVALID_FACTS" message={{ zh: '…', en: '…' }} problems={[]} />
 * ```
 */
export const ErrorView: FC<{ lang: Lang; code: string; message: { zh: string; en: string }; problems?: Problem[] }> = ({ lang, code, message, problems }) => {
  const w = WORDS[lang];
  return (
    <section class="panel bad" id="result" role="alert">
      <h2>{w.error}</h2>
      <p>
        <code>{code}</code> {message[lang]}
      </p>
      {problems && problems.length > 0 ? (
        <DataTable head={[w.pointer, w.message, w.expected, w.found]}>
          {problems.map((p) => (
            <tr>
              <td>
                <code>{p.path || '/'}</code>
              </td>
              <td>{p.message}</td>
              <td>{p.expected === undefined ? '' : show(p.expected)}</td>
              <td>{p.found === undefined ? '' : show(p.found)}</td>
            </tr>
          ))}
        </DataTable>
      ) : null}
    </section>
  );
};
