/**
 * `POST /v1/packs/{id}/decisions:batch`: up to `batchLimit` decision requests on the pack's active version, every
 * decided item logged in one commit. The route is screened and budgeted as the single route is: a body over
 * `screenBodyBytes` is parsed and every item decided first in the screening thread (batch-screen.ts), so a large
 * hostile batch is refused there, within `screenBudgetMs`; the event loop decides again only the items that
 * passed, and yields between slices of them. One budget of problems covers the whole answer, and an answer larger
 * than `max(answerFloorBytes, answerMultiple × the request's bytes)` is refused whole before anything is stored
 * (`413 BATCH_ANSWER_TOO_LARGE`, with the number of items that would fit).
 */
import { Hono } from 'hono';
import type { Decision } from '@aftersales/core';
import type { AppEnv, ServerContext } from '../context.js';
import { answerBound, HttpError, noRoute, toErrorResponse } from '../errors.js';
import { parseJsonText } from '../json-text.js';
import type { NewEntry } from '../storage/types.js';
import { batchItems, ProblemBudget, type BatchScreen, type RefusedItem } from './batch-screen.js';
import { invalidRequest, parseDecisionRequest } from './decision-request.js';
import { activePackOf, decide, isDryRun } from './decisions.js';
import { claimKey, releaseKey, replayBody, requestHash } from './idempotency.js';

/** Longest stretch (ms) the route decides on the event loop before letting other requests in. */
const SLICE_MS = 10;
/** Bytes an item's answer adds to its decision (index, status, decisionId, separators), counted generously. */
const ITEM_OVERHEAD_BYTES = 120;

/** The `413` of a batch whose answer would exceed its bound: nothing was stored. */
function answerTooLarge(found: number, bound: number, requestBytes: number, items: number): HttpError {
  const fits = Math.max(1, Math.floor((items * bound) / found));
  return new HttpError(
    413,
    'BATCH_ANSWER_TOO_LARGE',
    {
      zh: `批量请求的应答将为 ${found} 字节，超过上限 ${bound} 字节（请求 ${requestBytes} 字节）：未记录任何决定，请拆分为每批不超过 ${fits} 项`,
      en: `the batch's answer would be ${found} bytes, over its bound of ${bound} bytes (request ${requestBytes} bytes): nothing was recorded; split it into batches of at most ${fits} items`,
    },
    [{ path: '/items', message: `the answer must be at most ${bound} bytes`, code: 'BATCH_ANSWER_TOO_LARGE', expected: bound, found, suggestion: `at most ${fits} items a batch` }],
  );
}

/**
 * The batch decision route.
 *
 * @example
 * ```ts
 * app.route('/', batchRoutes(ctx));
 * ```
 */
export function batchRoutes(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post('/v1/packs/:id/decisions:batch', async (c) => {
    // Hono reads `decisions:batch` as `decisions` and a parameter: anything else after `decisions` is no route.
    const last = c.req.path.slice(c.req.path.lastIndexOf('/') + 1);
    if (last !== 'decisions:batch' && last.toLowerCase() !== 'decisions%3abatch') throw noRoute(c.req.method, c.req.path);
    // Take the active version once: every item of the batch uses the same version.
    const pack = activePackOf(ctx, c.req.param('id'));
    const bytes = await c.req.arrayBuffer();
    const requestBytes = bytes.byteLength;
    let screened: BatchScreen | undefined;
    if (requestBytes > ctx.config.screenBodyBytes) {
      // A large batch is parsed and each item decided first in the screening thread: its refusals are the answer's,
      // and only the items that decided there are decided again here.
      const node = ctx.catalog.node(pack.id, pack.version);
      if (node) screened = await ctx.screen.screenBatch({ body: bytes.slice(0), pack: node, asOf: ctx.clock().toISOString(), batchLimit: ctx.config.batchLimit });
    }
    const refusedThere = new Map<number, RefusedItem>((screened?.refused ?? []).map((r) => [r.index, r]));
    // Read here only when some item is left to decide.
    const items = screened && refusedThere.size === screened.count ? [] : batchItems(parseJsonText(new TextDecoder().decode(bytes)), ctx.config.batchLimit);
    const count = screened?.count ?? items.length;
    const dryRun = isDryRun(c.req.query('dryRun'));
    const results: Array<Record<string, unknown>> = [];
    const records: NewEntry[] = [];
    const decided: Array<{ index: number; decision: Decision; bytes: number }> = [];
    const budget = new ProblemBudget(screened?.problemsLeft);
    // Keys claimed by this batch: released if nothing is stored.
    const claimed: string[] = [];
    const releaseAll = async (): Promise<void> => {
      for (const k of claimed.splice(0)) await releaseKey(ctx, pack.id, k);
    };
    let slice = performance.now();
    for (let index = 0; index < count; index++) {
      const there = refusedThere.get(index);
      if (there) {
        results[index] = { ...there };
        continue;
      }
      if (performance.now() - slice > SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        slice = performance.now();
      }
      const parsed = parseDecisionRequest(items[index], `/items/${index}`, { item: true });
      if ('problems' in parsed) {
        results[index] = { ...budget.refuse(index, 422, toErrorResponse(invalidRequest(parsed.problems), c.var.requestId).body.error) };
        continue;
      }
      const key = dryRun ? undefined : parsed.request.idempotencyKey;
      const keyed = key !== undefined ? { key, requestHash: requestHash(pack.id, parsed.request) } : undefined;
      try {
        if (keyed) {
          const original = await claimKey(ctx, pack.id, keyed);
          if (original) {
            results[index] = { index, status: 200, replayed: true, ...replayBody(original) };
            continue;
          }
          claimed.push(keyed.key);
        }
        const { decision, record, decisionJson } = decide(ctx, pack, parsed.request, keyed);
        records.push(record);
        decided.push({ index, decision, bytes: decisionJson.length });
      } catch (error) {
        if (keyed && claimed[claimed.length - 1] === keyed.key) await releaseKey(ctx, pack.id, claimed.pop() as string);
        const { status, body: errorBody } = toErrorResponse(error, c.var.requestId);
        if (status >= 500) {
          await releaseAll();
          throw error;
        }
        results[index] = { ...budget.refuse(index, status, errorBody.error) };
      }
    }
    // The answer's size is known before anything is stored: refused and replayed items as they will be written,
    // each decision's text plus its item's fields.
    let answerBytes = 200;
    for (const r of results) if (r) answerBytes += JSON.stringify(r).length + 1;
    for (const d of decided) answerBytes += d.bytes + ITEM_OVERHEAD_BYTES;
    const bound = answerBound(requestBytes, ctx.config.answerMultiple, ctx.config.answerFloorBytes);
    if (answerBytes > bound) {
      await releaseAll();
      throw answerTooLarge(answerBytes, bound, requestBytes, count);
    }
    if (dryRun) {
      for (const { index, decision } of decided) results[index] = { index, status: 200, recorded: false, ...decision };
      return c.json({ recorded: false, stored: 0, decided: decided.length, failed: count - decided.length, results }, 200);
    }
    const stored = await ctx.writer.append(records).catch(async (error: unknown) => {
      await releaseAll();
      throw error;
    });
    const replayed = results.filter((r) => r?.replayed === true).length;
    decided.forEach(({ index, decision }, i) => {
      results[index] = { index, status: 201, decisionId: stored[i]?.entry.id, ...decision };
    });
    // 201 when something was logged; 200 when every item was refused (each result says why).
    return c.json({ stored: stored.length, ...(replayed > 0 ? { replayed } : {}), failed: count - stored.length - replayed, results }, stored.length > 0 ? 201 : 200);
  });

  return app;
}
