/**
 * Decision routes. `POST /v1/packs/{id}/decisions` evaluates facts on the pack's active version and answers `201`
 * only after the record is durably in the hash-chained log (`…/decisions:batch` is in batch.ts and decides with
 * {@link decide} too). `GET /v1/decisions/{id}`, `GET /v1/decisions` (filters and cursor pagination) read the log;
 * `POST /v1/decisions/{id}/replay` re-evaluates the recorded (masked) facts under the recorded pack version and
 * `asOf` and says whether the result is identical, listing every difference otherwise.
 */
import { Hono } from 'hono';
import { canonicalJson, Pack, type Decision, type DecisionEntry } from '@aftersales/core';
import type { AppEnv, ServerContext } from '../context.js';
import { parseJsonText } from '../json-text.js';
import { jsonDiff } from '../diff.js';
import { HttpError, notFound, packIntegrity, toErrorResponse } from '../errors.js';
import { maskContext, maskDecision, maskFacts } from '../masking.js';
import type { DecisionQuery, DecisionRecord, DecisionSummary, NewEntry, UsedPack } from '../storage/types.js';
import { isRfc3339Date, isRfc3339DateTime } from '../strict.js';
import { decodeCursor, decodeTimeCursor, encodeCursor, encodeTimeCursor, parseLimit } from './cursor.js';
import { invalidRequest, parseDecisionRequest, type DecisionRequest } from './decision-request.js';
import { claimKey, headerKey, releaseKey, replayBody, requestHash, type Keyed } from './idempotency.js';


/** The fields of a decision list item and of a whole record, in the order they are answered. */
const SUMMARY_FIELDS = ['decisionId', 'seq', 'recordedAt', 'pack', 'version', 'packHash', 'asOf', 'reference', 'outcome', 'hash'] as const;
const RECORD_FIELDS = [
  ...['decisionId', 'seq', 'recordedAt', 'pack', 'version', 'packHash', 'asOf'] as const,
  ...['reference', 'context', 'idempotencyKey'] as const,
  ...['parameters', 'facts', 'outcome', 'decision', 'prevHash', 'hash', 'format', 'entry'] as const,
];

function pick<R extends object>(r: R, fields: ReadonlyArray<keyof R>): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f, r[f]]));
}

/** A decision list item. */
function summary(r: DecisionSummary): Record<string, unknown> {
  return pick(r, SUMMARY_FIELDS);
}

function fullRecord(r: DecisionRecord): Record<string, unknown> {
  return pick(r, RECORD_FIELDS);
}

/**
 * The equality filters of a log query (`pack`, `version`, `outcome`, `reference`), each read from an index:
 * `version` and `outcome` need `pack` (their indexes lead with it; an outcome only means something in a pack), and
 * `outcome` is a JSON value compared by its canonical text.
 */
export function logFilters(q: Record<string, string | undefined>): Pick<DecisionQuery, 'pack' | 'version' | 'outcomeJson' | 'reference'> {
  const filters: Pick<DecisionQuery, 'pack' | 'version' | 'outcomeJson' | 'reference'> = {};
  if (q.pack) filters.pack = q.pack;
  if (q.reference) filters.reference = q.reference;
  for (const name of ['version', 'outcome'] as const) {
    if (q[name] && !q.pack) {
      throw new HttpError(400, 'INVALID_QUERY', { zh: `查询参数 ${name} 需要同时给出 pack`, en: `query parameter ${name} needs pack` }, [
        { path: `/${name}`, message: 'needs pack', code: 'schema.dependentRequired', expected: 'pack' },
      ]);
    }
  }
  if (q.version) filters.version = q.version;
  if (q.outcome) {
    try {
      filters.outcomeJson = canonicalJson(JSON.parse(q.outcome) as unknown);
    } catch {
      throw new HttpError(400, 'INVALID_QUERY', { zh: '查询参数 outcome 须为 JSON', en: 'query parameter outcome must be JSON' }, [
        { path: '/outcome', message: 'must be a JSON value (the outcome, compared exactly)', code: 'schema.type', found: q.outcome },
      ]);
    }
  }
  return filters;
}

function parseInstant(name: string, value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = Date.parse(value);
  if (!(isRfc3339Date(value) || isRfc3339DateTime(value)) || Number.isNaN(ms)) {
    throw new HttpError(400, 'INVALID_QUERY', { zh: `查询参数 ${name} 不是有效的时间`, en: `query parameter ${name} is not a valid date-time` }, [
      { path: `/${name}`, message: 'must be an ISO 8601 date or date-time', code: 'schema.format', found: value },
    ]);
  }
  return new Date(ms).toISOString();
}

/**
 * The host's context masked through the masking module's `maskContext`: `AFTERSALES_MASK_FIELDS` paths apply to it
 * as to facts, a `context.`-prefixed path (`context.vin`) to the context only, and any value equal to a masked
 * fact's value is masked too.
 */
function maskedContext(context: Record<string, unknown>, maskFields: string[], facts: unknown): Record<string, unknown> {
  const paths = maskFields.map((p) => (p.startsWith('context.') ? p.slice('context.'.length) : p));
  return maskContext(context, paths, facts) as Record<string, unknown>;
}

/** `?dryRun=true`: decide exactly as a logged call, write nothing. */
export function isDryRun(value: string | undefined): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true' || value === '') return true;
  throw new HttpError(400, 'INVALID_QUERY', { zh: '查询参数 dryRun 须为 true 或 false', en: 'query parameter dryRun must be true or false' }, [
    { path: '/dryRun', message: 'must be true or false', code: 'schema.enum', expected: ['true', 'false'], found: value },
  ]);
}

/** The calculators that count working days: a decision using one records the calendar it counted on. */
const WORKING_DAY_CALCULATORS = new Set(['add-working-days', 'working-days-between']);

/** Whether the pack, or a pack it requires, counts working days. */
function countsWorkingDays(pack: Pack): boolean {
  if ((pack.document.derived ?? []).some((d) => WORKING_DAY_CALCULATORS.has(d.calculator))) return true;
  return pack.plan.required.some((r) => r.pack instanceof Pack && countsWorkingDays(r.pack));
}

/**
 * Evaluates one request on a pack and builds the entry to log (format 2, masked).
 *
 * @returns the decision (as returned to the caller), its JSON text and the entry to append
 * @throws AftersalesError from the engine
 */
export function decide(
  ctx: ServerContext,
  pack: Pack,
  request: DecisionRequest,
  keyed?: Keyed,
): { decision: Decision; record: NewEntry & { entry: DecisionEntry }; decisionJson: string } {
  const asOf = request.asOf ?? ctx.clock().toISOString();
  // The compiled synchronous path: no promise per decision (the same decisions as `evaluate`).
  const decision = pack.evaluateSync(request.facts, {
    asOf,
    calendar: ctx.config.calendar,
    ...(request.parameters ? { parameters: request.parameters } : {}),
  });
  // Every pack the decision used (the pack and each it requires): replay rebuilds exactly this composition.
  const uses = ctx.catalog.uses(pack);
  (decision as Decision & { packs: UsedPack[] }).packs = uses;
  const masked = maskDecision(decision, ctx.config.maskFields, request.facts, { plan: pack.plan });
  const entry: DecisionEntry = {
    format: 2,
    kind: 'decision',
    id: ctx.newId(),
    recordedAt: ctx.clock().toISOString(),
    pack: decision.pack,
    version: decision.version,
    packHash: decision.packHash,
    uses,
    asOf: decision.asOf,
    parameters: decision.parameters,
    facts: maskFacts(request.facts, ctx.config.maskFields),
    outcome: masked.outcome,
    fired: masked.fired,
    messages: masked.messages,
    derived: masked.derived,
    evidence: { format: 'explanation/1', explanation: masked.explanation },
    ...(countsWorkingDays(pack) ? { calendar: { id: ctx.config.calendar.id, version: ctx.config.calendar.version } } : {}),
    ...(request.reference !== undefined ? { reference: request.reference } : {}),
    ...(request.context !== undefined ? { context: maskedContext(request.context, ctx.config.maskFields, request.facts) } : {}),
    ...(keyed ? { idempotencyKey: keyed.key, requestHash: keyed.requestHash } : {}),
  };
  // Serialise the decision once for the response.
  return { decision, record: { format: 2, entry }, decisionJson: JSON.stringify(decision) };
}

/**
 * The active version of a pack for a decision route (single or batch).
 *
 * @param ctx - the server context
 * @param id - the pack id from the path
 * @returns the active pack
 * @throws HttpError 503 `PACK_INTEGRITY` when its stored active version was refused, 404 `PACK_NOT_FOUND` when
 *   there is no such pack
 * @example
 * ```ts
 * const pack = activePackOf(ctx, c.req.param('id'));
 * ```
 */
export function activePackOf(ctx: ServerContext, id: string): Pack {
  const pack = ctx.catalog.active(id);
  if (!pack && ctx.catalog.withheld.has(id)) throw packIntegrity(ctx.catalog.integrityProblems.filter((p) => p.pack === id));
  if (!pack) throw notFound('PACK_NOT_FOUND', `没有规则包 ${id}`, `no pack ${id}`);
  return pack;
}

/**
 * The decision routes.
 *
 * @example
 * ```ts
 * app.route('/', decisionRoutes(ctx));
 * ```
 */
export function decisionRoutes(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  const activePack = (id: string): Pack => activePackOf(ctx, id);

  app.post('/v1/packs/:id/decisions', async (c) => {
    const dryRun = isDryRun(c.req.query('dryRun'));
    const pack = activePack(c.req.param('id'));
    const bytes = await c.req.arrayBuffer();
    if (bytes.byteLength > ctx.config.screenBodyBytes) {
      // A large body is parsed and its facts decided first in the screening thread: a hostile one (a 1 MiB array,
      // deep nesting) is refused there, off the event loop; one that decides is read again here.
      const node = ctx.catalog.node(pack.id, pack.version);
      if (node) await ctx.screen.screen({ body: bytes.slice(0), pack: node, asOf: ctx.clock().toISOString() });
    }
    const key = headerKey(c.req.header('Idempotency-Key'));
    const parsed = parseDecisionRequest(parseJsonText(new TextDecoder().decode(bytes)));
    if ('problems' in parsed) throw invalidRequest(parsed.problems);
    // A dry run records nothing, so it claims no key (the key is checked, then ignored).
    const keyed = key !== undefined && !dryRun ? { key, requestHash: requestHash(pack.id, parsed.request) } : undefined;
    if (keyed) {
      const original = await claimKey(ctx, pack.id, keyed);
      if (original) {
        c.header('Idempotency-Replayed', 'true');
        c.header('Location', `/v1/decisions/${encodeURIComponent(original.decisionId)}`);
        return c.json(replayBody(original), 200);
      }
    }
    let made: ReturnType<typeof decide>;
    let stored: Awaited<ReturnType<typeof ctx.writer.append>>[number] | undefined;
    try {
      made = decide(ctx, pack, parsed.request, keyed);
      if (dryRun) return c.body(`{"recorded":false,${made.decisionJson.slice(1)}`, 200, { 'Content-Type': 'application/json' });
      [stored] = await ctx.writer.append([made.record]);
    } catch (error) {
      if (keyed) await releaseKey(ctx, pack.id, keyed.key);
      throw error;
    }
    const { record, decisionJson } = made;
    c.header('Location', `/v1/decisions/${encodeURIComponent(record.entry.id)}`);
    // `{ decisionId, ...decision }` as JSON, from the text serialised once in `decide`.
    const id = JSON.stringify(stored?.entry.id ?? record.entry.id);
    return c.body(`{"decisionId":${id},${decisionJson.slice(1)}`, 201, { 'Content-Type': 'application/json' });
  });

  app.get('/v1/decisions/:decisionId', async (c) => {
    const record = await ctx.storage.getDecision(c.req.param('decisionId'));
    if (!record) throw notFound('DECISION_NOT_FOUND', `没有决定 ${c.req.param('decisionId')}`, `no decision ${c.req.param('decisionId')}`);
    return c.json(fullRecord(record));
  });

  app.get('/v1/decisions', async (c) => {
    const q = c.req.query();
    const limit = parseLimit(q.limit);
    const from = parseInstant('from', q.from);
    const to = parseInstant('to', q.to);
    // A time window is listed in time order, its cursor a (recordedAt, seq) position; the rest in log order.
    const timed = from !== undefined || to !== undefined;
    const cursor: { seq: number; at?: string } | undefined = q.cursor ? (timed ? decodeTimeCursor(q.cursor) : { seq: decodeCursor(q.cursor) }) : undefined;
    // A host's own decisions come newest first (the last decision on a claim is the one that counts); the rest of
    // the log in log order.
    const newestFirst = q.reference !== undefined && q.reference !== '';
    const rows = await ctx.storage.listDecisions({
      ...logFilters(q),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      ...(cursor !== undefined ? (newestFirst ? { beforeSeq: cursor.seq } : { afterSeq: cursor.seq }) : {}),
      ...(cursor?.at !== undefined ? { afterAt: cursor.at } : {}),
      ...(newestFirst ? { newestFirst } : {}),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const next = rows.length > limit && last ? (timed ? encodeTimeCursor(last.seq, last.recordedAt) : encodeCursor(last.seq)) : null;
    return c.json({ items: page.map(summary), nextCursor: next });
  });

  app.post('/v1/decisions/:decisionId/replay', async (c) => {
    const record = await ctx.storage.getDecision(c.req.param('decisionId'));
    if (!record) throw notFound('DECISION_NOT_FOUND', `没有决定 ${c.req.param('decisionId')}`, `no decision ${c.req.param('decisionId')}`);
    const used = (record.decision as { packs?: UsedPack[] }).packs;
    const pack = ctx.catalog.forRecord(record.packHash, Array.isArray(used) ? used : undefined);
    if (!pack) {
      throw new HttpError(409, 'VERSION_UNAVAILABLE', {
        zh: `记录所用的规则包版本 ${record.pack}@${record.version}（${record.packHash}）在本服务器上不可用`,
        en: `the pack version the record used, ${record.pack}@${record.version} (${record.packHash}), is not available on this server`,
      });
    }
    const base = {
      decisionId: record.decisionId, pack: record.pack, version: record.version, packHash: record.packHash, asOf: record.asOf,
      activation: await activationInForce(ctx, record),
      ...(record.reference !== undefined ? { reference: record.reference } : {}),
      ...(record.context !== undefined ? { context: record.context } : {}),
    };
    let replayed: Decision;
    try {
      replayed = await pack.evaluate(record.facts, { asOf: record.asOf, parameters: record.parameters, calendar: ctx.config.calendar });
    } catch (error) {
      const { status, body } = toErrorResponse(error, c.var.requestId);
      if (status >= 500) throw error;
      return c.json({ ...base, identical: false, differences: [], error: body.error });
    }
    if (Array.isArray(used)) (replayed as Decision & { packs: UsedPack[] }).packs = ctx.catalog.uses(pack);
    const masked = maskDecision(replayed, ctx.config.maskFields, undefined, { plan: pack.plan });
    // Compare through canonical JSON so that the stored (round-tripped) and the fresh decision compare as JSON.
    const recordedJson = JSON.parse(canonicalJson(record.decision)) as unknown;
    const replayedJson = JSON.parse(canonicalJson(masked)) as unknown;
    const differences = jsonDiff(recordedJson, replayedJson);
    return c.json({ ...base, identical: differences.length === 0, differences, outcome: replayed.outcome });
  });

  return app;
}

/**
 * The activation under which a decision was made, resolved on read from the chain (docs/design/log-record-v2.md,
 * "The activation of a decision"): the last activation entry of the decision's pack before its seq, one read of the
 * `(kind, pack, seq)` index. Named only when it activated the very version (and pack hash) the decision used;
 * `null` when the pack had no logged activation before it (a bundled version) or the last one named another
 * version (a replica that had not yet followed it).
 */
async function activationInForce(
  ctx: ServerContext,
  record: DecisionRecord,
): Promise<{ seq: number; hash: string; version: string; action: string; recordedAt: string; actor?: string } | null> {
  const [last] = await ctx.storage.listActivationEntries(record.pack, record.seq, 1);
  if (!last || last.entry.version !== record.version || last.entry.packHash !== record.packHash) return null;
  const e = last.entry;
  return { seq: last.seq, hash: last.hash, version: e.version, action: e.action, recordedAt: e.recordedAt, ...(e.actor !== undefined ? { actor: e.actor } : {}) };
}
