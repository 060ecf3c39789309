/** @jsxImportSource hono/jsx */
/**
 * The auditor's pages: the decision log filtered by pack, version, outcome and time (in log order, paged by
 * sequence number), one record with its explanation and hashes, its replay (through the API's replay route: the
 * identical / changed answer and each difference), and the hash chain's verify status.
 */
import { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { canonicalJson, type Decision } from '@aftersales/core';
import { logFilters } from '../routes/decisions.js';
import { checkRecord, type RecordCheck } from './record-check.js';
import type { AppEnv, ServerContext } from '../context.js';
import { notFound } from '../errors.js';
import type { DecisionRecord, DecisionSummary } from '../storage/types.js';
import { DecisionView } from './decision-view.js';
import { WORDS, langOf, type Lang } from './i18n.js';
import { BASE, CodeTerm, DataTable, Json, Layout, MOUNT, outcomeWords, ShortHash, show } from './layout.js';
import type { ApiFetch } from './api-fetch.js';

/** What `GET /v1/audit/verify` answers (routes/audit.ts). */
type AuditAnswer =
  | ({ ok: true; records: number; head: string } & AuditState)
  | ({ ok: false; records: number; firstBroken: { seq: number; decisionId: string; message: { zh: string; en: string } } } & AuditState);
interface AuditState {
  verified?: { seq: number };
  lastFull?: { endedAt?: string; state: string; checked: number } | null;
  running?: { checked: number; through: number } | null;
  checkedAt?: string;
}

const PAGE = 50;

interface Filters {
  pack: string;
  version: string;
  outcome: string;
  reference: string;
  from: string;
  to: string;
}

const utc = (local: string): string | undefined => {
  if (!local) return undefined;
  const ms = Date.parse(/Z|[+-]\d{2}:\d{2}$/.test(local) ? local : `${local}Z`);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
};

/** Where the next page starts: after the record at `seq` (recorded at `at`, in a list in time order). */
interface Position {
  seq: number;
  at?: string;
}

/**
 * One page of the log matching the filters: one indexed SQL query (the API's own filters, `logFilters`), keyset
 * paged on seq (on recordedAt and seq within a time window) and reading only the columns the table shows; nothing
 * is scanned here.
 */
async function filtered(ctx: ServerContext, f: Filters, after: Position): Promise<{ rows: DecisionSummary[]; next: Position | null }> {
  const from = utc(f.from);
  const to = utc(f.to);
  const timed = from !== undefined || to !== undefined;
  const rows = await ctx.storage.listDecisions({
    ...logFilters({ pack: f.pack, version: f.version, outcome: f.outcome, reference: f.reference }),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    afterSeq: after.seq,
    ...(timed ? { afterAt: after.at ?? '' } : {}),
    limit: PAGE + 1,
  });
  const page = rows.slice(0, PAGE);
  const last = page[page.length - 1];
  return { rows: page, next: rows.length > PAGE && last ? { seq: last.seq, ...(timed ? { at: last.recordedAt } : {}) } : null };
}

const LogPage: FC<{ lang: Lang; path: string; packs: string[]; f: Filters; rows: DecisionSummary[]; next: Position | null }> = ({ lang, path, packs, f, rows, next }) => {
  const w = WORDS[lang];
  const query = (extra: Record<string, string>): string => new URLSearchParams({ ...(f as unknown as Record<string, string>), ...extra }).toString();
  return (
    <Layout lang={lang} title={w.logTitle} path={path}>
      <h1>{w.logTitle}</h1>
      <p>{w.logIntro}</p>
      <form method="get" action={`${BASE}/log`} class="filters" aria-label={w.filter}>
        <label>
          {w.pack}
          <select name="pack">
            <option value="">{w.any}</option>
            {packs.map((p) => (
              <option value={p} selected={p === f.pack}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <label>
          {w.version}
          <input name="version" value={f.version} size={8} />
        </label>
        <label>
          {w.outcomeIs}
          <input name="outcome" value={f.outcome} size={24} placeholder='{"level":2}' />
        </label>
        <label>
          {w.reference}
          <input name="reference" type="search" value={f.reference} size={16} />
        </label>
        <label>
          {w.recordedFrom} (UTC)
          <input name="from" type="datetime-local" value={f.from} />
        </label>
        <label>
          {w.recordedTo} (UTC)
          <input name="to" type="datetime-local" value={f.to} />
        </label>
        <button type="submit">{w.filter}</button>
      </form>
      {rows.length === 0 ? (
        <p>{w.noRecords}</p>
      ) : (
        <DataTable class="log" head={[w.seq, w.recordedAt, w.pack, w.version, w.outcome, w.reference, w.decisionId]}>
          {rows.map((r) => (
            <tr data-decision={r.decisionId}>
              <td>{r.seq}</td>
              <td>{r.recordedAt}</td>
              <td>{r.pack}</td>
              <td>{r.version}</td>
              <td>
                <a href={`${BASE}/log?${new URLSearchParams({ pack: r.pack, outcome: canonicalJson(r.outcome) }).toString()}`}>{outcomeWords(r.outcome)}</a>
              </td>
              <td>{r.reference ?? ''}</td>
              <td>
                <a href={`${BASE}/log/${encodeURIComponent(r.decisionId)}`}>{r.decisionId}</a>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {next !== null ? (
        <p>
          <a href={`${BASE}/log?${query({ after: String(next.seq), ...(next.at ? { at: next.at } : {}) })}`}>{w.next}</a>
        </p>
      ) : null}
    </Layout>
  );
};

interface ReplayResult {
  identical: boolean;
  differences: Array<{ path: string; recorded?: unknown; replayed?: unknown }>;
  error?: { code: string; message: { zh: string; en: string } };
}

const RecordPage: FC<{ lang: Lang; path: string; back?: string; ctx: ServerContext; r: DecisionRecord; replay?: ReplayResult; check: RecordCheck }> = ({ lang, path, back, ctx, r, replay, check }) => {
  const w = WORDS[lang];
  const pack = ctx.catalog.byHash(r.packHash);
  return (
    <Layout lang={lang} title={`${w.record} ${r.seq}`} path={path} {...(back ? { back } : {})}>
      <h1>
        {w.record} #{r.seq}
      </h1>
      {check.ok ? null : (
        <section class="panel bad" role="alert" id="record-broken">
          <p class="bad">
            <strong>{w.recordBroken}</strong>
          </p>
          <p>{check.message[lang]}</p>
          <p>
            <a href={`${BASE}/audit`}>{w.auditTitle}</a>
          </p>
        </section>
      )}
      <dl>
        <CodeTerm term={w.decisionId} code={r.decisionId} />
        <dt>{w.pack}</dt>
        <dd>
          <a href={`${BASE}/packs/${encodeURIComponent(r.pack)}?version=${encodeURIComponent(r.version)}`}>
            {r.pack}@{r.version}
          </a>{' '}
          <ShortHash hash={r.packHash} />
        </dd>
        <dt>{w.recordedAt}</dt>
        <dd>{r.recordedAt}</dd>
        <dt>asOf</dt>
        <dd>{r.asOf}</dd>
        {r.reference !== undefined ? <CodeTerm term={w.reference} code={r.reference} /> : null}
        <CodeTerm term={w.hash} code={r.hash} />
        <CodeTerm term={w.prevHash} code={r.prevHash} />
      </dl>
      <form method="post" action={`${BASE}/log/${encodeURIComponent(r.decisionId)}/replay`}>
        <p>
          <button type="submit">{w.replay}</button> <span class="muted">{w.replayHint}</span>
        </p>
      </form>
      {replay ? (
        <section id="replay" class={`panel ${replay.identical ? 'ok' : 'bad'}`} role="status">
          <p class={replay.identical ? 'ok' : 'bad'}>{replay.identical ? w.identical : w.changed}</p>
          {replay.error ? (
            <p>
              <code>{replay.error.code}</code> {replay.error.message[lang]}
            </p>
          ) : null}
          {replay.differences.length > 0 ? (
            <DataTable head={[w.path, w.recorded, w.replayed]}>
              {replay.differences.map((d) => (
                <tr>
                  <td>
                    <code>{d.path}</code>
                  </td>
                  <td>{show(d.recorded)}</td>
                  <td>{show(d.replayed)}</td>
                </tr>
              ))}
            </DataTable>
          ) : null}
        </section>
      ) : null}
      <h2>{w.facts}</h2>
      <Json value={r.facts} label={w.facts} />
      {r.context !== undefined ? (
        <>
          <h2>{w.context}</h2>
          <Json value={r.context} label={w.context} />
        </>
      ) : null}
      {Object.keys(r.parameters).length > 0 ? (
        <>
          <h2>{w.parameters}</h2>
          <Json value={r.parameters} label={w.parameters} />
        </>
      ) : null}
      {pack ? <DecisionView lang={lang} pack={pack} decision={r.decision as Decision} /> : <Json value={r.decision} label="decision" />}
    </Layout>
  );
};

/**
 * The log routes.
 *
 * @example
 * ```ts
 * app.route('/', logRoutes(ctx, (req) => app.fetch(req)));
 * ```
 */
export function logRoutes(ctx: ServerContext, api: ApiFetch): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const record = async (decisionId: string): Promise<DecisionRecord> => {
    await ctx.writer.drain();
    const r = await ctx.storage.getDecision(decisionId);
    if (!r) throw notFound('DECISION_NOT_FOUND', `没有决定 ${decisionId}`, `no decision ${decisionId}`);
    return r;
  };
  app.get(`${MOUNT}/log`, async (c) => {
    const q = c.req.query();
    const f: Filters = { pack: q.pack ?? '', version: q.version ?? '', outcome: q.outcome ?? '', reference: q.reference ?? '', from: q.from ?? '', to: q.to ?? '' };
    const after = Number(q.after ?? 0);
    await ctx.writer.drain();
    const { rows, next } = await filtered(ctx, f, { seq: Number.isInteger(after) && after > 0 ? after : 0, ...(q.at ? { at: q.at } : {}) });
    const packs = ctx.catalog.listActive().map((p) => p.id);
    const url = new URL(c.req.url);
    return c.html(<LogPage lang={langOf(c)} path={url.pathname + url.search} packs={packs} f={f} rows={rows} next={next} />);
  });
  app.get(`${MOUNT}/log/:decisionId`, async (c) => {
    const r = await record(c.req.param('decisionId'));
    return c.html(<RecordPage lang={langOf(c)} path={c.req.path} ctx={ctx} r={r} check={await checkRecord(ctx.storage, r)} />);
  });
  // A replay's address reloaded or bookmarked (GET): back to the record.
  app.get(`${MOUNT}/log/:decisionId/replay`, (c) => c.redirect(`../${encodeURIComponent(c.req.param('decisionId'))}`, 303));
  app.post(`${MOUNT}/log/:decisionId/replay`, async (c) => {
    const r = await record(c.req.param('decisionId'));
    // The API's replay route itself.
    const url = new URL(`/v1/decisions/${encodeURIComponent(r.decisionId)}/replay`, c.req.url);
    const res = await api(new Request(url, { method: 'POST' }));
    const body = (await res.json()) as ReplayResult & { error?: ReplayResult['error'] };
    const replay: ReplayResult = res.ok ? body : { identical: false, differences: [], ...(body.error ? { error: body.error } : {}) };
    // The page's own address (…/replay) sets its <base>; the language switch leads back to the record by GET.
    return c.html(
      <RecordPage lang={langOf(c)} path={c.req.path} back={c.req.path.replace(/\/replay$/, '')} ctx={ctx} r={r} replay={replay} check={await checkRecord(ctx.storage, r)} />,
    );
  });
  app.get(`${MOUNT}/audit`, async (c) => {
    const lang = langOf(c);
    const w = WORDS[lang];
    // The API's own answer: the watermark, the tail checked off the event loop, the last full run; never a walk here.
    const res = await api(new Request(new URL('/v1/audit/verify', c.req.url)));
    const result = (await res.json()) as AuditAnswer;
    return c.html(
      <Layout lang={lang} title={w.auditTitle} path={c.req.path}>
        <h1>{w.auditTitle}</h1>
        <section class={`panel ${result.ok ? 'ok' : 'bad'}`} role="status" id="chain-status">
          {result.ok ? (
            <>
              <p class="ok">{w.chainOk(result.records)}</p>
              <p>
                {w.head}: <code>{result.head}</code>
              </p>
            </>
          ) : (
            <>
              <p class="bad">{w.chainBroken(result.firstBroken.seq)}</p>
              <p>
                <a href={`${BASE}/log/${encodeURIComponent(result.firstBroken.decisionId)}`}>{result.firstBroken.decisionId}</a> —{' '}
                {result.firstBroken.message[lang]}
              </p>
            </>
          )}
          {result.verified ? <p>{w.verifiedUpTo(result.verified.seq)}</p> : null}
          {result.running ? <p>{w.fullRunning(result.running.checked, result.running.through)}</p> : null}
          <p>{result.lastFull?.endedAt ? w.lastFullRun(result.lastFull.endedAt, result.lastFull.state, result.lastFull.checked) : w.noFullRun}</p>
          <p class="muted">
            {w.checkedAt}: {result.checkedAt ?? ctx.clock().toISOString()}
          </p>
        </section>
      </Layout>,
    );
  });
  return app;
}
