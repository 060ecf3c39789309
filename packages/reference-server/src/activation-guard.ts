/**
 * Guarded activation. A version may be activated only when its impact against the current log was computed since
 * the version was stored (and while the same version is active as when it was computed: the "before" of an impact
 * is the log under the active version); otherwise the admin passes `force` with a reason, which goes into the
 * activation as `forced` (the log writes it into the activation entry, docs/design/log-record-v2.md). The ledger
 * of impacts is this process's memory: an impact run on one replica does not clear activation on another, and a
 * restart forgets it (run the impact again; it is cheap next to a wrong activation).
 */
import { canonicalJson, type Localized, type Problem } from '@aftersales/core';
import { isObject } from './json-text.js';
import { HttpError } from './errors.js';

/** What an activation carries about its impact (the activation entry's `impact`). */
export interface ImpactCounts {
  checked: number;
  changed: number;
  failed: number;
}

/** One impact run, as the ledger keeps it. */
export interface ImpactRun extends ImpactCounts {
  packHash: string;
  /** When it was computed (ISO 8601 UTC). */
  at: string;
  /** The version that was active when it was computed. */
  active: string | null;
}

/** An impact run's changes, as `POST …/impact` lists them. */
export interface ImpactChange {
  before?: unknown;
  after?: unknown;
}

/**
 * The impacts computed in this process, by pack version.
 *
 * @example
 * ```ts
 * const ledger = new ImpactLedger();
 * ledger.record('quality-severity', '1.0.1', { packHash, at, active: '1.0.0', checked: 6, changed: 4, failed: 0 });
 * ledger.fresh('quality-severity', '1.0.1', { packHash, storedAt, active: '1.0.0' }); // the run
 * ```
 */
export class ImpactLedger {
  readonly #runs = new Map<string, ImpactRun>();

  /** Keeps the latest impact of a version. */
  record(pack: string, version: string, run: ImpactRun): void {
    this.#runs.set(`${pack}@${version}`, run);
  }

  /** The latest impact of a version, whether fresh or not. */
  latest(pack: string, version: string): ImpactRun | undefined {
    return this.#runs.get(`${pack}@${version}`);
  }

  /**
   * The version's impact when it still holds: same document, computed at or after the version was stored, and
   * the same version active now as then.
   */
  fresh(pack: string, version: string, now: { packHash: string; storedAt: string; active: string | null }): ImpactRun | undefined {
    const run = this.latest(pack, version);
    if (!run || run.packHash !== now.packHash || run.active !== now.active) return undefined;
    return Date.parse(run.at) >= Date.parse(now.storedAt) ? run : undefined;
  }
}

/** What an activation request asks: plain, or forced with a reason. */
export interface ActivateRequest {
  force: boolean;
  reason?: string;
  /** The caller-given actor (body field `actor`), recorded in the activation entry. */
  actor?: string;
}

/**
 * Reads the caller-given actor of a policy change: the `Aftersales-Actor` header, else the body field `actor`
 * (1–200 characters after trimming). The admin token is shared, so this is what the caller says, not a proven
 * identity; it is recorded in the entry's `actor`.
 *
 * @param header - the `Aftersales-Actor` header, when sent
 * @param field - the body field `actor`, when sent
 * @returns the actor, or undefined when neither is given
 * @throws HttpError 422 when the given actor is not a string of 1–200 characters
 * @example
 * ```ts
 * actorOf(c.req.header('aftersales-actor'), body.actor); // 'li.wei'
 * ```
 */
export function actorOf(header: string | undefined, field: unknown): string | undefined {
  const given: unknown = header ?? field;
  if (given === undefined) return undefined;
  const pointer = header !== undefined ? '/headers/Aftersales-Actor' : '/actor';
  if (typeof given !== 'string' || given.trim().length < 1 || given.trim().length > 200) {
    throw invalid(pointer, 'the actor must be a string of 1 to 200 characters', '操作人须为 1 到 200 个字符的字符串', typeof given === 'string' ? given.slice(0, 64) : given);
  }
  return given.trim();
}

const invalid = (pointer: string, en: string, zh: string, found: unknown): HttpError =>
  new HttpError(422, 'INVALID_REQUEST', { zh, en }, [{ path: pointer, message: en, code: 'schema.type', found }]);

/**
 * Reads an activation body: empty, `{}`, or `{ "force": true, "reason": "…" }` (a reason of at least one
 * non-space character is required with `force`).
 *
 * @param text - the request body
 * @returns the request
 * @throws HttpError 400 on malformed JSON, 422 on a body of the wrong shape (with the JSON pointer)
 * @example
 * ```ts
 * parseActivateRequest('{"force":true,"reason":"hotfix for a legal change"}'); // { force: true, reason: '…' }
 * ```
 */
export function parseActivateRequest(text: string): ActivateRequest {
  if (text.trim() === '') return { force: false };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, 'MALFORMED_JSON', { zh: '请求体不是有效的 JSON', en: `the request body is not valid JSON: ${(error as Error).message}` });
  }
  if (!isObject(body)) throw invalid('', 'must be an object', '须为对象', body);
  const actor = actorOf(undefined, body.actor);
  const who = actor !== undefined ? { actor } : {};
  const force = body.force ?? false;
  if (typeof force !== 'boolean') throw invalid('/force', 'must be a boolean', 'force 须为布尔值', force);
  if (!force) return { force: false, ...who };
  const reason = body.reason;
  if (typeof reason !== 'string' || reason.trim() === '') {
    throw invalid('/reason', 'force needs a reason: a non-empty string, recorded with the activation', '强制启用须附理由（非空字符串），理由将随启用记录', reason ?? null);
  }
  return { force: true, reason: reason.trim(), ...who };
}

/**
 * The refusal of an activation without a fresh impact: `409 IMPACT_REQUIRED`, saying why and what to do.
 *
 * @example
 * ```ts
 * throw impactRequired('quality-severity', '1.0.1', ledger.latest('quality-severity', '1.0.1'), '2026-03-01T02:00:00.000Z');
 * ```
 */
export function impactRequired(pack: string, version: string, last: ImpactRun | undefined, storedAt: string, active: string | null): HttpError {
  const why: Localized = !last
    ? { zh: '尚未计算影响', en: 'no impact was computed' }
    : last.active !== active
      ? { zh: `影响是在 ${last.active ?? '无'} 为当前版本时计算的，当前版本已是 ${active ?? '无'}`, en: `the impact was computed while ${last.active ?? 'none'} was active; ${active ?? 'none'} is active now` }
      : { zh: `最近一次影响计算于 ${last.at}，早于此版本存储时间 ${storedAt}`, en: `the last impact was computed at ${last.at}, before the version was stored at ${storedAt}` };
  const problem: Problem = {
    path: '',
    message: `activation needs an impact computed since the version was stored: ${why.en}`,
    code: 'activation.impact-required',
    expected: `an impact computed at or after ${storedAt} with ${active ?? 'no version'} active`,
    found: last ? { at: last.at, active: last.active } : null,
    suggestion: `POST /v1/packs/${pack}/versions/${version}/impact, or {"force": true, "reason": "…"}`,
  };
  return new HttpError(
    409,
    'IMPACT_REQUIRED',
    {
      zh: `拒绝启用 ${pack}@${version}：${why.zh}。请先计算它对当前日志的影响（POST …/impact），或以 force 并附理由强制启用（理由将被记录）`,
      en: `refusing to activate ${pack}@${version}: ${why.en}. Compute its impact against the current log first (POST …/impact), or pass force with a reason (it is recorded)`,
    },
    [problem],
  );
}

/** What differs between two outcomes, in words: `level: 2 → 3`. */
function transition(before: unknown, after: unknown): string {
  if (!isObject(before) || !isObject(after)) return `${canonicalJson(before ?? null)} → ${canonicalJson(after ?? null)}`;
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => canonicalJson(before[k] ?? null) !== canonicalJson(after[k] ?? null));
  const text = (v: unknown): string => (typeof v === 'string' ? v : canonicalJson(v ?? null));
  return keys.map((k) => `${k} ${text(before[k])} → ${text(after[k])}`).join(', ');
}

/**
 * An impact in one sentence, naming what will change: "4 of 6 recent decisions change: level 2 → 3".
 *
 * @param checked - decisions replayed
 * @param changes - those whose outcome changes
 * @param failed - those that could not be re-evaluated
 * @returns the sentence in Chinese and English
 * @example
 * ```ts
 * impactSummary(6, [{ before: { level: 2 }, after: { level: 3 } }], 0).en; // '1 of 6 recent decisions change: level 2 → 3'
 * ```
 */
export function impactSummary(checked: number, changes: ImpactChange[], failed: number): Localized {
  const counts = new Map<string, number>();
  for (const c of changes) {
    const t = transition(c.before, c.after);
    counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  const parts = [...counts].sort((a, b) => b[1] - a[1]).map(([t, n]) => (counts.size > 1 ? `${t} (${n})` : t));
  const failedEn = failed > 0 ? `; ${failed} could not be re-evaluated` : '';
  const failedZh = failed > 0 ? `；${failed} 条无法重新评估` : '';
  if (changes.length === 0) {
    return { zh: `最近 ${checked} 条决定均无变化${failedZh}`, en: `none of ${checked} recent decisions changes${failedEn}` };
  }
  return {
    zh: `最近 ${checked} 条决定中有 ${changes.length} 条将改变：${parts.join('；')}${failedZh}`,
    en: `${changes.length} of ${checked} recent decision${checked === 1 ? '' : 's'} change${changes.length === 1 ? 's' : ''}: ${parts.join('; ')}${failedEn}`,
  };
}
