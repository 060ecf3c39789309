/**
 * What the batch decision route and the screening thread share, so that a batch is judged the same way wherever
 * it is read: the items of a body within the item limit ({@link batchItems}), one problem budget for the whole
 * answer ({@link ProblemBudget}), and the screening of a large batch off the event loop ({@link screenBatch}):
 * every item's shape checked and its facts decided by the pack, each refusal answered with its bounded error body.
 * The route then decides again, on the event loop, only the items the thread let through; the refusals are the
 * thread's, as the single route's screening refusal is its answer.
 */
import type { Pack } from '@aftersales/core';
import { capProblems, MAX_PROBLEMS, toErrorResponse, type ErrorBody } from '../errors.js';
import { isObject, parseJsonText } from '../json-text.js';
import { invalidRequest, parseDecisionRequest } from './decision-request.js';

/**
 * The items of a batch body: `{ items: [...] }` or a bare array, at most `limit` of them.
 *
 * @param body - the parsed body
 * @param limit - most items (the server's `batchLimit`)
 * @returns the items
 * @throws HttpError 422 `INVALID_REQUEST` at `/items` (not an array, or more than `limit`)
 * @example
 * ```ts
 * batchItems({ items: [{ facts: {} }] }, 1000).length // 1
 * ```
 */
export function batchItems(body: unknown, limit: number): unknown[] {
  const items = Array.isArray(body) ? body : isObject(body) ? body.items : undefined;
  if (!Array.isArray(items)) {
    throw invalidRequest([{ path: '/items', message: 'must be an array of decision requests', code: 'schema.type', expected: 'array' }]);
  }
  if (items.length > limit) {
    throw invalidRequest([{ path: '/items', message: `must have at most ${limit} items`, code: 'schema.maxItems', expected: limit, found: items.length }]);
  }
  return items;
}

/** A refused batch item as answered: its index, status and (bounded) error body. */
export interface RefusedItem {
  index: number;
  status: number;
  error: ErrorBody['error'];
}

/**
 * One budget of {@link MAX_PROBLEMS} problems over a whole batch answer: the first problems over all items are
 * listed, every refused item keeps its code and message, and the problems left out are counted in its `truncated`.
 *
 * @example
 * ```ts
 * const budget = new ProblemBudget();
 * const item = budget.refuse(0, 422, errorBody);
 * ```
 */
export class ProblemBudget {
  /** Problems the answer may still list. */
  left: number;

  /** @param left - problems the answer may list (default {@link MAX_PROBLEMS}) */
  constructor(left = MAX_PROBLEMS) {
    this.left = left;
  }

  /** The refused item, its problems cut to what the budget has left (which it then spends). */
  refuse(index: number, status: number, error: ErrorBody['error']): RefusedItem {
    const bounded = capProblems(error, this.left);
    this.left -= bounded.problems?.length ?? 0;
    return { index, status, error: bounded };
  }
}

/** What screening a batch found: how many items it has, the refused ones, and the problem budget left. */
export interface BatchScreen {
  count: number;
  refused: RefusedItem[];
  problemsLeft: number;
}

/**
 * Screens a batch body as the batch route reads it — JSON, depth and finite numbers, the items and their limit,
 * each item's shape, then its facts, parameters and `asOf` decided by the pack — so that a large hostile batch is
 * refused off the event loop. Nothing is recorded and no idempotency key is claimed here.
 *
 * @param body - the request body's bytes
 * @param pack - the active version the route took
 * @param asOf - the `asOf` of an item that gives none (the server clock's now)
 * @param limit - most items (the server's `batchLimit`)
 * @returns the refused items (bounded bodies, one problem budget) and the item count
 * @throws HttpError 400/422 when the body itself is refused (not JSON, too deep, no items, too many); the first
 * error that is no refusal of the caller's or the pack's (a `500`)
 * @example
 * ```ts
 * const { count, refused } = screenBatch(bytes, pack, new Date().toISOString(), 1000);
 * ```
 */
export function screenBatch(body: ArrayBuffer, pack: Pack, asOf: string, limit: number): BatchScreen {
  const items = batchItems(parseJsonText(new TextDecoder().decode(body)), limit);
  const budget = new ProblemBudget();
  const refused: RefusedItem[] = [];
  for (const [index, item] of items.entries()) {
    const parsed = parseDecisionRequest(item, `/items/${index}`, { item: true });
    if ('problems' in parsed) {
      refused.push(budget.refuse(index, 422, toErrorResponse(invalidRequest(parsed.problems), '').body.error));
      continue;
    }
    const { facts, parameters } = parsed.request;
    try {
      pack.evaluateSync(facts, { asOf: parsed.request.asOf ?? asOf, ...(parameters ? { parameters } : {}) });
    } catch (error) {
      const { status, body: errorBody } = toErrorResponse(error, '');
      if (status >= 500) throw error;
      refused.push(budget.refuse(index, status, errorBody.error));
    }
  }
  return { count: items.length, refused, problemsLeft: budget.left };
}
