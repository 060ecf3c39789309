/**
 * Builds the reference server's Hono app from injected dependencies — the bundled pack registry, a migrated
 * storage, a clock, configuration and a logger — with no runtime side effects: nothing listens, nothing reads the
 * environment, nothing handles signals (that is `main.ts`). Middleware order: request id, access log, body limit
 * (`413` before any parsing), then the routes; every error leaves through one handler that gives it the common
 * error body and the request id.
 */
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { PackRegistry } from '@aftersales/core';
import { chinaWorkingDayCalendar } from '@aftersales/rules';
import type { Logger } from './logger.js';
import { PackCatalog } from './versions/catalog.js';
import { AdminRunner, DEFAULT_SCREEN_BODY_BYTES, DEFAULT_SCREEN_BUDGET_MS, SCREEN_OVERRUN } from './versions/runner.js';
import { AuditVerifier } from './audit-verifier.js';
import type { AppEnv, ResolvedConfig, ServerConfig, ServerContext } from './context.js';
import { ANSWER_FLOOR_BYTES, ANSWER_MULTIPLE, HttpError, noRoute, toErrorResponse } from './errors.js';
import { LogWriter } from './log-writer.js';
import { requestId } from './middleware/request-id.js';
import { consoleRoutes } from './console/routes.js';
import { ImpactLedger } from './activation-guard.js';
import { consoleErrorPage, isConsolePath } from './console/error-page.js';
import { headSigner } from './signing.js';
import { auditRoutes } from './routes/audit.js';
import { auditExportRoutes } from './routes/audit-export.js';
import { batchRoutes } from './routes/batch.js';
import { decisionRoutes } from './routes/decisions.js';
import { healthRoutes } from './routes/health.js';
import { openApiRoutes } from './routes/openapi.js';
import { activationRoutes } from './routes/activations.js';
import { packRoutes } from './routes/packs.js';
import { versionRoutes } from './routes/versions.js';
import type { Storage } from './storage/types.js';

/** What the app is built from. */
export interface AppDeps {
  /** The packs shipped with the release (`loadBundledPacks()`), active unless storage says otherwise. */
  packs: PackRegistry;
  /** A migrated storage. */
  storage: Storage;
  /** The server clock (default `() => new Date()`): default `asOf` and `recordedAt`. */
  clock?: () => Date;
  config?: ServerConfig;
  /** Receives one JSON-able object per log line (default: discard). */
  log?: Logger;
  /** Decision and request id generator (default `crypto.randomUUID`). */
  newId?: () => string;
}

/** Default request body limit: 1 MiB. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/**
 * Builds the app. Reads the stored pack versions and active versions (and records the bundled packs' documents),
 * so it is async; it starts nothing.
 *
 * @param deps - see {@link AppDeps}
 * @returns the Hono app; serve `app.fetch` with any adapter
 * @throws StorageUnavailableError when storage cannot be read
 * @example
 * ```ts
 * const storage = new SqliteStorage({ file: './data/aftersales.db' });
 * await storage.migrate();
 * const app = await createApp({ packs: loadBundledPacks(), storage });
 * const res = await app.request('/healthz');
 * ```
 */
export async function createApp(deps: AppDeps): Promise<Hono<AppEnv>> {
  const clock = deps.clock ?? (() => new Date());
  const log = deps.log ?? (() => undefined);
  const config: ResolvedConfig = {
    adminToken: deps.config?.adminToken || undefined,
    maskFields: deps.config?.maskFields ?? [],
    bodyLimitBytes: deps.config?.bodyLimitBytes ?? DEFAULT_BODY_LIMIT,
    batchLimit: deps.config?.batchLimit ?? 1000,
    impactDefaultLimit: deps.config?.impactDefaultLimit ?? 100,
    idempotencyTtlHours: deps.config?.idempotencyTtlHours ?? 24,
    screenBodyBytes: deps.config?.screenBodyBytes ?? DEFAULT_SCREEN_BODY_BYTES,
    answerMultiple: deps.config?.answerMultiple ?? ANSWER_MULTIPLE,
    answerFloorBytes: deps.config?.answerFloorBytes ?? ANSWER_FLOOR_BYTES,
    signer: deps.config?.signingKey ? headSigner(deps.config.signingKey) : undefined,
    calendar: deps.config?.calendar ?? chinaWorkingDayCalendar,
  };
  const catalog = await PackCatalog.open(deps.packs, deps.storage, clock, log);
  // Replicas agree: an activation stored by another process reaches this one within the sync interval.
  const syncIntervalMs = deps.config?.syncIntervalMs ?? 250;
  if (syncIntervalMs > 0 && deps.storage.watchChanges) {
    deps.storage.watchChanges(async () => {
      const changed = await catalog.refresh(log);
      for (const id of changed) log({ time: new Date().toISOString(), level: 'info', msg: 'active version changed by another replica', pack: id, version: catalog.active(id)?.version });
    }, syncIntervalMs);
  }
  const ctx: ServerContext = {
    catalog,
    storage: deps.storage,
    writer: new LogWriter(deps.storage),
    admin: new AdminRunner(deps.config?.adminBudgetMs, deps.config?.adminWorkerEntry, undefined, config.calendar),
    audit: await AuditVerifier.open(deps.storage, clock, {
      ...(deps.config?.verifyIntervalMs !== undefined ? { intervalMs: deps.config.verifyIntervalMs } : {}),
      ...(deps.config?.verifyTailMs !== undefined ? { tailMs: deps.config.verifyTailMs } : {}),
      ...(deps.config?.auditWorkerEntry !== undefined ? { entry: deps.config.auditWorkerEntry } : {}),
    }),
    screen: new AdminRunner(deps.config?.screenBudgetMs ?? DEFAULT_SCREEN_BUDGET_MS, deps.config?.adminWorkerEntry, SCREEN_OVERRUN, config.calendar),
    clock,
    newId: deps.newId ?? randomUUID,
    config,
    log,
    impacts: new ImpactLedger(),
  };

  const app = new Hono<AppEnv>();
  app.use('*', requestId());
  // A NUL byte anywhere in the URL (path or query) names nothing: refused before any route or database sees it.
  app.use('*', async (c, next) => {
    if (/%00/i.test(c.req.url) || c.req.url.includes('\u0000')) {
      throw new HttpError(400, 'INVALID_URL', { zh: 'URL 中含有 NUL 字节', en: 'the URL contains a NUL byte' });
    }
    await next();
  });
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    log({
      time: new Date().toISOString(),
      level: c.res.status >= 500 ? 'error' : 'info',
      msg: 'request',
      requestId: c.var.requestId,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    });
  });
  const tooLarge = (): never => {
    throw new HttpError(413, 'PAYLOAD_TOO_LARGE', {
      zh: `请求体超过上限 ${config.bodyLimitBytes} 字节`,
      en: `the request body exceeds the limit of ${config.bodyLimitBytes} bytes`,
    });
  };
  const streamedLimit = bodyLimit({ maxSize: config.bodyLimitBytes, onError: tooLarge });
  // The body limit. GET and HEAD carry no body; a declared Content-Length (without Transfer-Encoding) is checked
  // from the header alone, as hono's bodyLimit does, but without touching `c.req.raw.body`: on @hono/node-server
  // that getter builds a web ReadableStream over the Node request, where `c.req.text()` would otherwise read the
  // Node request directly. Only a chunked body goes through hono's counting reader.
  app.use('*', (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      return parseInt(length || '0', 10) > config.bodyLimitBytes ? tooLarge() : next();
    }
    return streamedLimit(c, next);
  });

  app.route('/', healthRoutes(ctx));
  app.route('/', packRoutes(ctx));
  app.route('/', versionRoutes(ctx));
  app.route('/', activationRoutes(ctx));
  app.route('/', batchRoutes(ctx));
  app.route('/', decisionRoutes(ctx));
  app.route('/', auditRoutes(ctx));
  app.route('/', auditExportRoutes(ctx));
  app.route('/', openApiRoutes(ctx));
  // The policy console (`/` redirects to `/console`); it decides and replays through the routes above.
  app.route('/', consoleRoutes(ctx, (request) => app.fetch(request)));

  app.notFound((c) => {
    const { status, body } = toErrorResponse(noRoute(c.req.method, c.req.path), c.var.requestId ?? '');
    if (isConsolePath(c.req.path)) return consoleErrorPage(c, status, body);
    return c.json(body, status as 404);
  });
  app.onError((error, c) => {
    const id = c.var.requestId ?? '';
    const { status, body, headers } = toErrorResponse(error, id);
    if (status >= 500) {
      log({
        time: new Date().toISOString(),
        level: 'error',
        msg: status === 503 ? 'storage unavailable' : 'unhandled error',
        requestId: id,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        ...(status === 500 && error instanceof Error && error.stack ? { stack: error.stack } : {}),
      });
    }
    for (const [k, v] of Object.entries(headers)) c.header(k, v);
    c.header('X-Request-Id', id);
    if (isConsolePath(c.req.path)) return consoleErrorPage(c, status, body);
    return c.json(body, status as 400);
  });
  return app;
}
