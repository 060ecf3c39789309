/**
 * Read-only pack routes: `GET /v1/packs` (the active packs), `GET /v1/packs/{id}` (title, active version,
 * parameters, fact and outcome schemas, versions), `GET /v1/packs/{id}/versions` and
 * `GET /v1/packs/{id}/versions/{version}` (the stored document, for auditors).
 */
import { Hono } from 'hono';
import type { Pack } from '@aftersales/core';
import type { AppEnv, ServerContext } from '../context.js';
import { notFound } from '../errors.js';

/**
 * A pack's summary as listed.
 *
 * @example
 * ```ts
 * packSummary(pack).version
 * ```
 */
export function packSummary(pack: Pack): Record<string, unknown> {
  const d = pack.document;
  return {
    id: pack.id,
    version: pack.version,
    packHash: pack.packHash,
    title: d.title,
    description: d.description,
    effective: d.effective,
    hitPolicy: pack.hitPolicy,
    timeZone: pack.timeZone,
  };
}

/**
 * The pack routes.
 *
 * @example
 * ```ts
 * app.route('/', packRoutes(ctx));
 * ```
 */
export function packRoutes(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { catalog } = ctx;

  app.get('/v1/packs', (c) => c.json({ packs: catalog.listActive().map(packSummary) }));

  app.get('/v1/packs/:id', (c) => {
    const pack = catalog.active(c.req.param('id'));
    if (!pack) throw notFound('PACK_NOT_FOUND', `没有规则包 ${c.req.param('id')}`, `no pack ${c.req.param('id')}`);
    const d = pack.document;
    return c.json({
      ...packSummary(pack),
      sources: d.sources,
      parameters: d.parameters ?? {},
      requires: d.requires ?? [],
      facts: d.facts,
      outcome: d.outcome,
      versions: catalog.listVersions(pack.id),
    });
  });

  app.get('/v1/packs/:id/versions', (c) => {
    const id = c.req.param('id');
    if (!catalog.knows(id)) throw notFound('PACK_NOT_FOUND', `没有规则包 ${id}`, `no pack ${id}`);
    return c.json({ pack: id, active: catalog.active(id)?.version ?? null, versions: catalog.listVersions(id) });
  });

  app.get('/v1/packs/:id/versions/:version', (c) => {
    const { id, version } = c.req.param();
    // The document without compiling the version (an upload is compiled when first used).
    const document = catalog.document(id, version);
    if (document === undefined) throw notFound('VERSION_NOT_FOUND', `没有版本 ${id}@${version}`, `no version ${id}@${version}`);
    const info = catalog.listVersions(id).find((v) => v.version === version);
    return c.json({ ...info, pack: id, document });
  });

  return app;
}
