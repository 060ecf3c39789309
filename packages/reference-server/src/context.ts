/**
 * What every route of the server shares: the pack catalogue, the storage and its group-commit writer, the clock,
 * the id generator, the configuration and the logger; plus the Hono environment type and the JSON body reader
 * that turns a malformed body into `400`.
 */
import type { Context } from 'hono';
import type { WorkingDayCalendar } from '@aftersales/core';
import type { ImpactLedger } from './activation-guard.js';
import { parseJsonText } from './json-text.js';
import type { AuditVerifier } from './audit-verifier.js';
import type { LogWriter } from './log-writer.js';
import type { Logger } from './logger.js';
import type { Storage } from './storage/types.js';
import type { HeadSigner } from './signing.js';
import type { PackCatalog } from './versions/catalog.js';
import type { AdminRunner } from './versions/runner.js';

/** Settings of a server instance; every field has a default. */
export interface ServerConfig {
  /**
   * The working-day calendar every pack's working-day clocks count, bundled and uploaded alike (default: China's,
   * `chinaWorkingDayCalendar` of `@aftersales/rules`). To count a year the State Council has just published before
   * `chinese-days` carries it, give `mergeCalendars(chinaWorkingDayCalendar, nextYear)`. A decision that counts
   * working days records the calendar's id and version (`calendar` in its log entry).
   */
  calendar?: WorkingDayCalendar;
  /** Bearer token of the admin routes; without it the admin routes are off (`404`). */
  adminToken?: string;
  /** Dotted fact paths masked before storage (personal data). */
  maskFields?: string[];
  /** Largest request body in bytes (default 1 MiB); larger ones get `413` before parsing. */
  bodyLimitBytes?: number;
  /** Most items in one batch request (default 1,000). */
  batchLimit?: number;
  /** Logged decisions an impact preview replays when the request does not say (default 100; at most 10,000). */
  impactDefaultLimit?: number;
  /**
   * How often (ms) to look for versions and activations stored by another replica (default 250; PostgreSQL also
   * hears them at once through NOTIFY); 0 turns the watch off.
   */
  syncIntervalMs?: number;
  /**
   * Most time (ms) one heavy admin task — checking an upload with its suite, an impact replay — may take in the
   * admin worker thread (default 60,000: `DEFAULT_ADMIN_BUDGET_MS`); over it the thread is stopped and the
   * request gets `503 ADMIN_BUDGET_EXCEEDED`, nothing stored.
   */
  adminBudgetMs?: number;
  /**
   * Decision bodies larger than this many bytes (default 65,536) are parsed and decided first in the screening
   * worker thread, so a large hostile body is refused off the event loop; a body that decides is then decided
   * and recorded as usual.
   */
  screenBodyBytes?: number;
  /** Most time (ms) the screening thread may take for one body (default 10,000); over it `503 SCREEN_BUDGET_EXCEEDED`. */
  screenBudgetMs?: number;
  /**
   * A batch answer may be at most this many times its request's bytes, or `answerFloorBytes`, whichever is larger
   * (default 512: `ANSWER_MULTIPLE`); a batch whose answer would be larger is refused whole, nothing stored,
   * `413 BATCH_ANSWER_TOO_LARGE` with the item count that fits.
   */
  answerMultiple?: number;
  /** The answer bound's floor in bytes (default 1 MiB: `ANSWER_FLOOR_BYTES`). */
  answerFloorBytes?: number;
  /** The admin worker's entry file (default: `admin-worker.js` beside the server's build; see `versions/runner.ts`). */
  adminWorkerEntry?: string | URL;
  /**
   * How long an idempotency key is kept (hours, default 24: `AFTERSALES_IDEMPOTENCY_TTL_HOURS`); after that the
   * same key starts a new decision.
   */
  idempotencyTtlHours?: number;
  /** Ed25519 key signing the audit head (`AFTERSALES_SIGNING_KEY`: PEM, or a 32-byte seed as hex or base64). */
  signingKey?: string;
  /** Period (ms) of the scheduled full verification (`AFTERSALES_VERIFY_INTERVAL_MS`, default one day; 0 off). */
  verifyIntervalMs?: number;
  /** Period (ms) of the check of newly appended records (`AFTERSALES_VERIFY_TAIL_MS`, default 5,000; 0 off). */
  verifyTailMs?: number;
  /** The verification thread's entry file (default: `audit-worker.js` beside the server's build). */
  auditWorkerEntry?: string | URL;
}

/** The resolved configuration. */
export interface ResolvedConfig {
  adminToken: string | undefined;
  maskFields: string[];
  bodyLimitBytes: number;
  batchLimit: number;
  impactDefaultLimit: number;
  /** Idempotency keys are kept this long (hours). */
  idempotencyTtlHours: number;
  screenBodyBytes: number;
  /** A batch answer is at most `max(answerFloorBytes, answerMultiple × request bytes)`. */
  answerMultiple: number;
  answerFloorBytes: number;
  signer: HeadSigner | undefined;
  /** The working-day calendar of every decision (the config's, else China's). */
  calendar: WorkingDayCalendar;
}

/** Shared by every route. */
export interface ServerContext {
  catalog: PackCatalog;
  storage: Storage;
  writer: LogWriter;
  /** Runs heavy admin work in the admin worker thread, within its time budget. */
  admin: AdminRunner;
  /** The verified watermark, tail checks and full verifications (audit-verifier.ts). */
  audit: AuditVerifier;
  /** Screens large decision bodies in a worker thread of its own. */
  screen: AdminRunner;
  clock: () => Date;
  newId: () => string;
  config: ResolvedConfig;
  log: Logger;
  /** The impacts computed in this process: activation needs a fresh one, or `force` with a reason. */
  impacts: ImpactLedger;
}

/** The Hono environment of the app. */
export interface AppEnv {
  Variables: { requestId: string };
}

/**
 * Reads the request body as JSON: well-formed, no deeper than 128 levels, every number finite.
 *
 * @returns the parsed value
 * @throws HttpError 400 `MALFORMED_JSON` when the body is empty or not JSON; 422 `INVALID_REQUEST` when it nests
 * too deep or holds a number out of range (`1e400`)
 * @example
 * ```ts
 * const body = await readJson(c);
 * ```
 */
export async function readJson(c: Context<AppEnv>): Promise<unknown> {
  return parseJsonText(await c.req.text());
}
