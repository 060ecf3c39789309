/**
 * Admin routes for pack versions, behind the bearer token:
 * `PUT /v1/packs/{id}/versions/{version}` with `{ pack, suite }` loads and validates the pack, runs the suite sent
 * with it and stores the version as a draft (`201`), or answers `422` with every problem (pack problems under
 * `/pack…`, failing cases under `/suite/cases/{i}`);
 * `POST …/{version}/impact` with `{ limit? }` replays the last N logged decisions of the pack under that version and
 * lists each outcome that would change;
 * `POST …/{version}/activate` makes it the active version atomically (rollback is activating an older version),
 * only when the version's impact was computed since it was stored (else `409 IMPACT_REQUIRED`), or with
 * `{ "force": true, "reason": "…" }`, the reason recorded with the activation (`activation-guard.ts`).
 * Uploads and impact previews run in the admin worker thread within its time budget (`versions/runner.ts`): the event
 * loop keeps answering meanwhile, and an upload over budget is refused with `503 ADMIN_BUDGET_EXCEEDED`, nothing
 * stored.
 */
import { Hono } from 'hono';
import type { AppEnv, ServerContext } from '../context.js';
import { isObject, parseJsonText } from '../json-text.js';
import { HttpError, notFound } from '../errors.js';
import { adminAuth } from '../middleware/admin-auth.js';
import { actorOf, impactRequired, impactSummary, parseActivateRequest } from '../activation-guard.js';

/**
 * The admin version routes.
 *
 * @example
 * ```ts
 * app.route('/', versionRoutes(ctx));
 * ```
 */
export function versionRoutes(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const guard = adminAuth(ctx.config.adminToken);
  app.use('/v1/packs/:id/versions/:version', async (c, next) => (c.req.method === 'PUT' ? guard(c, next) : next()));
  app.use('/v1/packs/:id/versions/:version/*', guard);

  app.put('/v1/packs/:id/versions/:version', async (c) => {
    const { id, version } = c.req.param();
    // Parsing, compiling and the suite run in the admin thread, within its time budget; only a version that
    // passed is stored, here, afterwards (a refused or stopped upload changes nothing).
    // The body's bytes are moved to the thread (a copy first: the adapter's buffer may be shared) and decoded there.
    const actor = actorOf(c.req.header('aftersales-actor'), undefined);
    const body = (await c.req.arrayBuffer()).slice(0);
    const checked = await ctx.admin.upload({ body, id, version, active: ctx.catalog.activeNodes() });
    const result = await ctx.catalog.addChecked({ pack: id, version, ...checked }, actor);
    if (result === 'conflict') {
      throw new HttpError(409, 'VERSION_EXISTS', {
        zh: `版本 ${id}@${version} 已存在且内容不同；请使用新的版本号`,
        en: `version ${id}@${version} already exists with a different document; use a new version number`,
      });
    }
    const info = ctx.catalog.listVersions(id).find((v) => v.version === version);
    return c.json({ ...info, pack: id, suite: checked.report }, result === 'created' ? 201 : 200);
  });

  app.post('/v1/packs/:id/versions/:version/impact', async (c) => {
    const { id, version } = c.req.param();
    const node = ctx.catalog.node(id, version);
    if (!node) throw notFound('VERSION_NOT_FOUND', `没有版本 ${id}@${version}`, `no version ${id}@${version}`);
    const text = await c.req.text();
    let limit = ctx.config.impactDefaultLimit;
    if (text.trim() !== '') {
      // The body reader of every JSON route: bounded depth, finite numbers (a 500k-deep `limit` is refused here).
      const body = parseJsonText(text);
      const given = isObject(body) ? body.limit : undefined;
      if (given !== undefined) {
        if (typeof given !== 'number' || !Number.isInteger(given) || given < 1 || given > 10000) {
          throw new HttpError(422, 'INVALID_REQUEST', { zh: 'limit 须为 1 到 10000 的整数', en: 'limit must be an integer from 1 to 10000' }, [
            { path: '/limit', message: 'must be an integer from 1 to 10000', code: 'schema.range', found: typeof given === 'number' || typeof given === 'string' ? String(given).slice(0, 64) : Array.isArray(given) ? 'array' : given === null ? 'null' : typeof given },
          ]);
        }
        limit = given;
      }
    }
    await ctx.writer.drain();
    const records = (await ctx.storage.recentDecisions(id, limit)).reverse();
    const { changes, errors } = await ctx.admin.impact({
      pack: node,
      records: records.map((r) => ({ decisionId: r.decisionId, seq: r.seq, asOf: r.asOf, version: r.version, facts: r.facts, parameters: r.parameters, outcome: r.outcome })),
    });
    const active = ctx.catalog.active(id)?.version ?? null;
    ctx.impacts.record(id, version, { packHash: node.packHash, at: ctx.clock().toISOString(), active, checked: records.length, changed: changes.length, failed: errors.length });
    return c.json({
      pack: id,
      version,
      packHash: node.packHash,
      active,
      summary: impactSummary(records.length, changes, errors.length),
      evaluated: records.length,
      changed: changes.length,
      unchanged: records.length - changes.length - errors.length,
      failed: errors.length,
      changes,
      errors,
    });
  });

  app.post('/v1/packs/:id/versions/:version/activate', async (c) => {
    const { id, version } = c.req.param();
    if (!ctx.catalog.has(id, version)) throw notFound('VERSION_NOT_FOUND', `没有版本 ${id}@${version}`, `no version ${id}@${version}`);
    const request = parseActivateRequest(await c.req.text());
    const actor = actorOf(c.req.header('aftersales-actor'), request.actor);
    // Guarded: an impact computed since the version was stored, with the same version active, or force + reason.
    const info = ctx.catalog.listVersions(id).find((v) => v.version === version);
    const active = ctx.catalog.active(id)?.version ?? null;
    const run = info ? ctx.impacts.fresh(id, version, { packHash: info.packHash, storedAt: info.createdAt, active }) : undefined;
    // Activating the version already active changes nothing, so it needs no impact.
    if (!run && !request.force && active !== version) throw impactRequired(id, version, ctx.impacts.latest(id, version), info?.createdAt ?? '', active);
    const impact = run ? { checked: run.checked, changed: run.changed, failed: run.failed } : undefined;
    const forced = run || !request.force ? undefined : { reason: request.reason ?? '' };
    const { activation, previous, pack, action } = await ctx.catalog.activate(id, version, {
      ...(impact ? { impact } : {}), ...(forced ? { forced } : {}), ...(actor !== undefined ? { actor } : {}),
    });
    ctx.log({ level: 'info', msg: 'pack version activated', requestId: c.var.requestId, pack: id, version, previous: previous ?? null, action, ...(actor !== undefined ? { actor } : {}), ...(impact ? { impact } : {}), ...(forced ? { forced } : {}) });
    return c.json({
      pack: id,
      version,
      packHash: pack.packHash,
      activatedAt: activation.activatedAt,
      previous: previous ?? null,
      action,
      ...(actor !== undefined ? { actor } : {}),
      ...(impact ? { impact } : {}),
      ...(forced ? { forced } : {}),
    });
  });

  return app;
}
