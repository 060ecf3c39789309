/** @jsxImportSource hono/jsx */
/**
 * Try it: a form generated from the pack's fact schema (numbers, booleans, enums as selects, dates and date-times,
 * nested objects as fieldsets, arrays as checkbox groups or one-a-line lists, anything else as JSON; defaults
 * filled, required fields marked), `asOf` and parameter overrides. Posting it decides with the same code as the
 * API: a dry run calls `pack.evaluateSync` exactly as the decision route does and records nothing; with "write to
 * the audit log" ticked, the request goes through the API route itself and is logged like any other decision.
 */
import { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { AftersalesError, type Decision, type Pack } from '@aftersales/core';
import type { AppEnv, ServerContext } from '../context.js';
import { notFound, toErrorResponse } from '../errors.js';
import { readForm } from './request-guard.js';
import { DecisionView, ErrorView } from './decision-view.js';
import { WORDS, langOf, type Lang } from './i18n.js';
import { BASE, consolePath, MOUNT, Layout, show } from './layout.js';
import type { ApiFetch } from './api-fetch.js';
import { controlName, factFields, factsFromForm, localDateTime, offsetIn, type FactField, type FormValues } from './schema-fields.js';

const id = (name: string): string => `c-${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;

/** The text a control starts with: the submitted one, else the schema default. */
function initial(field: FactField, values: FormValues | undefined): string | string[] {
  if (values) {
    const v = values[controlName(field)];
    if (field.kind === 'enum-list') return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');
    return typeof v === 'string' ? v : '';
  }
  if (!('default' in field)) return field.kind === 'enum-list' ? [] : '';
  const d = field.default;
  if (field.kind === 'enum') return JSON.stringify(d);
  if (field.kind === 'enum-list') return Array.isArray(d) ? d.map((x) => JSON.stringify(x)) : [];
  if (field.kind === 'lines') return Array.isArray(d) ? d.map(String).join('\n') : '';
  if (field.kind === 'json') return JSON.stringify(d);
  return String(d);
}

const Field: FC<{ field: FactField; values: FormValues | undefined; lang: Lang }> = ({ field, values, lang }) => {
  const w = WORDS[lang];
  const name = controlName(field);
  const cid = id(name);
  const value = initial(field, values);
  const label = (
    <>
      <code>{field.name}</code>
      {field.required ? <span class="req"> * ({w.required})</span> : null}
    </>
  );
  const hintId = `${cid}-hint`;
  const hint = [field.description, field.typeText, field.kind === 'lines' ? w.linesHint : '', field.kind === 'json' ? w.jsonHint : '']
    .filter(Boolean)
    .join(' · ');
  if (field.kind === 'object') {
    return (
      <fieldset>
        <legend>{label}</legend>
        {field.description ? <p class="muted">{field.description}</p> : null}
        {(field.children ?? []).map((child) => (
          <Field field={child} values={values} lang={lang} />
        ))}
      </fieldset>
    );
  }
  if (field.kind === 'enum-list') {
    const chosen = new Set(value as string[]);
    return (
      <fieldset>
        <legend>{label}</legend>
        <input type="hidden" name={`${name}#present`} value="1" />
        {(field.enum ?? []).map((option, i) => {
          const v = JSON.stringify(option);
          return (
            <label style="margin-right:1rem">
              <input type="checkbox" id={`${cid}-${i}`} name={name} value={v} checked={chosen.has(v)} /> {show(option)}
            </label>
          );
        })}
        {field.description ? <p class="muted">{field.description}</p> : null}
      </fieldset>
    );
  }
  const common = { id: cid, name, 'aria-describedby': hintId, required: field.required, 'aria-required': field.required ? 'true' : undefined };
  let control;
  if (field.kind === 'boolean' || field.kind === 'enum') {
    const options = field.kind === 'boolean' ? [true, false] : (field.enum ?? []);
    control = (
      <select {...common}>
        <option value="">{w.notSet}</option>
        {options.map((o) => {
          const v = field.kind === 'boolean' ? String(o) : JSON.stringify(o);
          return (
            <option value={v} selected={v === value}>
              {field.kind === 'boolean' ? `${o ? w.yes : w.no} (${String(o)})` : show(o)}
            </option>
          );
        })}
      </select>
    );
  } else if (field.kind === 'lines' || field.kind === 'json') {
    control = <textarea {...common}>{value as string}</textarea>;
  } else {
    const type = field.kind === 'number' || field.kind === 'integer' ? 'number' : field.kind === 'date' ? 'date' : field.kind === 'date-time' ? 'datetime-local' : 'text';
    const v = field.kind === 'date-time' && typeof value === 'string' ? value.replace(/(:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/, '$1').slice(0, 19) : value;
    control = (
      <input
        {...common}
        type={type}
        value={v as string}
        step={field.kind === 'integer' ? '1' : field.kind === 'number' ? 'any' : field.kind === 'date-time' ? '1' : undefined}
        min={field.minimum !== undefined ? String(field.minimum) : undefined}
        max={field.maximum !== undefined ? String(field.maximum) : undefined}
      />
    );
  }
  return (
    <div class="field">
      <label for={cid}>{label}</label>
      {control}
      <span class="hint" id={hintId}>
        {hint}
      </span>
    </div>
  );
};

interface TryProps {
  lang: Lang;
  path: string;
  pack: Pack;
  values?: FormValues;
  defaultAsOf: string;
  decision?: Decision;
  decisionId?: string;
  error?: { code: string; message: { zh: string; en: string }; problems?: import('@aftersales/core').Problem[] };
}

/**
 * The try-it page, with the result when there is one.
 *
 * @example
 * ```tsx
 * <TryPage lang="en" path="/console/packs/quality-severity/try" pack={pack} defaultAsOf="2026-01-15T10:00" />
 * ```
 */
export const TryPage: FC<TryProps> = ({ lang, path, pack, values, defaultAsOf, decision, decisionId, error }) => {
  const w = WORDS[lang];
  const d = pack.document;
  const text = (name: string): string => (values && typeof values[name] === 'string' ? (values[name] as string) : '');
  return (
    <Layout lang={lang} title={w.tryTitle(d.title[lang])} path={path}>
      <h1>{w.tryTitle(d.title[lang])}</h1>
      <p>
        {w.tryIntro} <a href={`${BASE}/packs/${encodeURIComponent(pack.id)}`}>{pack.id}@{pack.version}</a>
      </p>
      <form class="facts" method="post" action={consolePath(path).slice(1)}>
        <h2>{w.factSchema}</h2>
        {factFields(d.facts).map((f) => (
          <Field field={f} values={values} lang={lang} />
        ))}
        <h2>{w.asOf}</h2>
        <div class="field">
          <label for="c-asOf">asOf</label>
          <input id="c-asOf" name="asOf" type="datetime-local" step="1" value={values ? text('asOf') : defaultAsOf} aria-describedby="c-asOf-hint" />
          <span class="hint" id="c-asOf-hint">
            {w.asOfHint(pack.timeZone ?? 'UTC')}
          </span>
        </div>
        <details open={Object.keys(values ?? {}).some((k) => k.startsWith('p/') && text(k) !== '')}>
          <summary>{w.overrides}</summary>
          <p class="muted">{w.overridesHint}</p>
          {Object.entries(d.parameters ?? {}).map(([name, p]) => (
            <div class="field">
              <label for={id(`p/${name}`)}>
                <code>{name}</code>
              </label>
              <input
                id={id(`p/${name}`)}
                name={`p/${name}`}
                type={p.type === 'number' || p.type === 'integer' ? 'number' : 'text'}
                step={p.type === 'integer' ? '1' : 'any'}
                placeholder={show(p.value)}
                value={text(`p/${name}`)}
                aria-describedby={id(`p/${name}`) + '-hint'}
              />
              <span class="hint" id={id(`p/${name}`) + '-hint'}>
                {p.description[lang]} ({show(p.value)}
                {p.unit ? ` ${p.unit}` : ''})
              </span>
            </div>
          ))}
        </details>
        <p>
          <label>
            <input type="checkbox" name="log" value="1" checked={text('log') === '1'} /> {w.logChoice}
          </label>
        </p>
        <p>
          <button type="submit">{w.decide}</button>
        </p>
      </form>
      {decision ? (
        <>
          <p class="panel" id="log-status">
            {decisionId ? (
              <>
                {w.logged} <a href={`${BASE}/log/${encodeURIComponent(decisionId)}`}>{decisionId}</a>
              </>
            ) : (
              w.dryRun
            )}
          </p>
          <DecisionView lang={lang} pack={pack} decision={decision} />
        </>
      ) : null}
      {error ? <ErrorView lang={lang} code={error.code} message={error.message} problems={error.problems} /> : null}
    </Layout>
  );
};

/** Parameter overrides from the form: numbers typed, booleans typed, empty left out. */
function overridesFrom(pack: Pack, form: FormValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(pack.document.parameters ?? {})) {
    const raw = form[`p/${name}`];
    if (typeof raw !== 'string' || raw.trim() === '') continue;
    if (p.type === 'number' || p.type === 'integer') out[name] = Number.isFinite(Number(raw)) ? Number(raw) : raw;
    else if (p.type === 'boolean') out[name] = raw === 'true' ? true : raw === 'false' ? false : raw;
    else out[name] = raw;
  }
  return out;
}

/**
 * The try-it routes: `GET` the form, `POST` decide.
 *
 * @example
 * ```ts
 * app.route('/', tryRoutes(ctx, (req) => app.fetch(req)));
 * ```
 */
export function tryRoutes(ctx: ServerContext, api: ApiFetch): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const activePack = (packId: string): Pack => {
    const pack = ctx.catalog.active(packId);
    if (!pack) throw notFound('PACK_NOT_FOUND', `没有规则包 ${packId}`, `no pack ${packId}`);
    return pack;
  };
  app.get(`${MOUNT}/packs/:id/try`, (c) => {
    const pack = activePack(c.req.param('id'));
    return c.html(<TryPage lang={langOf(c)} path={c.req.path} pack={pack} defaultAsOf={localDateTime(ctx.clock(), pack.timeZone)} />);
  });
  app.post(`${MOUNT}/packs/:id/try`, async (c) => {
    const pack = activePack(c.req.param('id'));
    const lang = langOf(c);
    const form = (await readForm(c)) as FormValues;
    const offset = offsetIn(pack.timeZone);
    const facts = factsFromForm(factFields(pack.document.facts), form, offset);
    const asOfText = typeof form.asOf === 'string' ? form.asOf : '';
    const asOf = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(asOfText)
      ? `${asOfText.length === 16 ? `${asOfText}:00` : asOfText}${offset(asOfText)}`
      : asOfText || ctx.clock().toISOString();
    const parameters = overridesFrom(pack, form);
    const request = { facts, asOf, ...(Object.keys(parameters).length > 0 ? { parameters } : {}) };
    const page = (extra: Partial<TryProps>): Response | Promise<Response> =>
      c.html(<TryPage lang={lang} path={c.req.path} pack={pack} values={form} defaultAsOf={asOfText} {...extra} />);
    if (form.log === '1') {
      // Logged: through the API route itself, exactly as a client would call it.
      const url = new URL(`/v1/packs/${encodeURIComponent(pack.id)}/decisions`, c.req.url);
      const res = await api(new Request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) }));
      const body = (await res.json()) as Record<string, unknown>;
      if (res.status === 201) {
        const { decisionId, ...decision } = body;
        const used = ctx.catalog.get(pack.id, String(decision.version)) ?? pack;
        return page({ decision: decision as unknown as Decision, decisionId: String(decisionId), pack: used });
      }
      return page({ error: body.error as TryProps['error'] });
    }
    try {
      // A dry run: the decision route's own evaluation (`pack.evaluateSync`), without the log.
      return page({ decision: pack.evaluateSync(request.facts, { asOf: request.asOf, ...(request.parameters ? { parameters: request.parameters } : {}) }) });
    } catch (error) {
      if (!(error instanceof AftersalesError)) throw error;
      return page({ error: toErrorResponse(error, c.var.requestId).body.error });
    }
  });
  return app;
}
