/**
 * `GET /openapi.json`: an OpenAPI 3.1 description of the server, built from the active packs so that each pack's
 * fact schema and outcome schema appear as components and each pack has its own decision path; and `GET /docs`, a
 * self-contained HTML page (no script, no CDN) listing the operations and each pack's schemas.
 */
import { Hono } from 'hono';
import type { Pack } from '@aftersales/core';
import type { AppEnv, ServerContext } from '../context.js';

const json = (schema: unknown): Record<string, unknown> => ({ content: { 'application/json': { schema } } });
const ref = (name: string): { $ref: string } => ({ $ref: `#/components/schemas/${name}` });
const errorResponse = (description: string): Record<string, unknown> => ({ description, ...json(ref('Error')) });

/** Embeds a pack schema: `$schema` dropped, an `$id` added so its internal `$ref`s resolve against itself. */
function embed(schema: unknown, id: string): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = (schema ?? {}) as Record<string, unknown>;
  void _ignored;
  return { $id: `urn:aftersales:pack:${id}`, ...rest };
}

/**
 * Builds the OpenAPI document for the active packs.
 *
 * @param packs - the active packs
 * @returns an OpenAPI 3.1 document
 * @example
 * ```ts
 * const doc = buildOpenApi(catalog.listActive());
 * ```
 */
export function buildOpenApi(packs: Pack[]): Record<string, unknown> {
  const schemas: Record<string, unknown> = {
    Error: {
      type: 'object',
      required: ['error', 'requestId'],
      properties: {
        error: {
          type: 'object',
          required: ['code', 'message'],
          properties: {
            code: { type: 'string' },
            message: ref('Localized'),
            problems: { type: 'array', items: ref('Problem') },
          },
        },
        requestId: { type: 'string' },
      },
    },
    Localized: { type: 'object', required: ['zh', 'en'], properties: { zh: { type: 'string' }, en: { type: 'string' } } },
    Problem: {
      type: 'object',
      required: ['path', 'message', 'code'],
      properties: { path: { type: 'string', description: 'JSON pointer' }, message: { type: 'string' }, code: { type: 'string' }, expected: {}, found: {} },
    },
    Decision: {
      type: 'object',
      required: ['decisionId', 'pack', 'version', 'packHash', 'asOf', 'parameters', 'outcome', 'fired', 'derived', 'explanation', 'messages'],
      properties: {
        decisionId: { type: 'string' },
        pack: { type: 'string' },
        version: { type: 'string' },
        packHash: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' },
        asOf: { type: 'string', format: 'date-time' },
        parameters: { type: 'object' },
        outcome: { type: 'object' },
        fired: { type: 'array', items: { type: 'object' } },
        derived: { type: 'object' },
        explanation: { type: 'array', items: { type: 'object' } },
        messages: ref('Localized'),
      },
    },
    DecisionRequest: {
      type: 'object',
      required: ['facts'],
      additionalProperties: false,
      properties: {
        facts: { type: 'object' },
        asOf: { type: 'string', format: 'date-time', description: "default: the server's clock (recorded)" },
        parameters: { type: 'object' },
      },
    },
    LogRecord: { type: 'object', description: 'A record of the hash-chained decision log' },
  };
  const paths: Record<string, unknown> = {
    '/healthz': { get: { summary: 'Liveness / 存活', responses: { '200': { description: 'alive' } } } },
    '/readyz': { get: { summary: 'Readiness: storage reachable / 就绪（存储可用）', responses: { '200': { description: 'ready' }, '503': errorResponse('storage unavailable') } } },
    '/v1/packs': { get: { summary: 'Active packs / 生效的规则包', responses: { '200': { description: 'packs' } } } },
    '/v1/packs/{id}': {
      get: {
        summary: 'A pack: parameters, fact and outcome schemas, versions / 规则包详情',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': { description: 'pack' }, '404': errorResponse('unknown pack') },
      },
    },
    '/v1/packs/{id}/versions': {
      get: {
        summary: 'Versions of a pack / 规则包版本',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': { description: 'versions' }, '404': errorResponse('unknown pack') },
      },
    },
    '/v1/packs/{id}/versions/{version}': {
      get: {
        summary: 'A stored pack version document / 某版本的规则包文档',
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'version', in: 'path', required: true, schema: { type: 'string' } },
        ],
        responses: { '200': { description: 'document' }, '404': errorResponse('unknown version') },
      },
      put: {
        summary: 'Upload a version: validated, its suite run, stored as a draft (admin) / 上传草稿版本（管理）',
        security: [{ admin: [] }],
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'version', in: 'path', required: true, schema: { type: 'string' } },
        ],
        requestBody: { required: true, ...json({ type: 'object', required: ['pack', 'suite'], properties: { pack: { type: 'object' }, suite: { type: 'object' } } }) },
        responses: {
          '201': { description: 'stored as a draft' },
          '200': { description: 'the same document was already stored' },
          '401': errorResponse('missing token'),
          '403': errorResponse('wrong token'),
          '409': errorResponse('version exists with another document'),
          '422': errorResponse('every validation problem and failing test case'),
        },
      },
    },
    '/v1/packs/{id}/versions/{version}/impact': {
      post: {
        summary: 'Replay the last N logged decisions under this version (admin) / 影响预览（管理）',
        security: [{ admin: [] }],
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'version', in: 'path', required: true, schema: { type: 'string' } },
        ],
        requestBody: { required: false, ...json({ type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 10000, default: 100 } } }) },
        responses: { '200': { description: 'outcomes that would change' }, '404': errorResponse('unknown version') },
      },
    },
    '/v1/packs/{id}/versions/{version}/activate': {
      post: {
        summary: 'Activate this version; rollback = activate an older one (admin) / 启用版本（管理）',
        security: [{ admin: [] }],
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'version', in: 'path', required: true, schema: { type: 'string' } },
        ],
        responses: { '200': { description: 'activated' }, '404': errorResponse('unknown version') },
      },
    },
    '/v1/decisions': {
      get: {
        summary: 'The decision log, in log order, with cursor pagination / 决定日志',
        parameters: [
          { name: 'pack', in: 'query', schema: { type: 'string' } },
          { name: 'from', in: 'query', schema: { type: 'string', format: 'date-time' }, description: 'recordedAt >= from' },
          { name: 'to', in: 'query', schema: { type: 'string', format: 'date-time' }, description: 'recordedAt < to' },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 50 } },
          { name: 'cursor', in: 'query', schema: { type: 'string' } },
        ],
        responses: { '200': { description: '{ items, nextCursor }' }, '400': errorResponse('bad query') },
      },
    },
    '/v1/decisions/{decisionId}': {
      get: {
        summary: 'One logged decision / 单个决定记录',
        parameters: [{ name: 'decisionId', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': { description: 'record', ...json(ref('LogRecord')) }, '404': errorResponse('unknown decision') },
      },
    },
    '/v1/decisions/{decisionId}/replay': {
      post: {
        summary: 'Re-evaluate under the recorded version and asOf / 重放',
        parameters: [{ name: 'decisionId', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': { description: '{ identical, differences }' }, '404': errorResponse('unknown decision') },
      },
    },
    '/v1/audit/verify': { get: { summary: 'Verify the hash chain / 校验哈希链', responses: { '200': { description: '{ ok, records, head } or { ok: false, firstBroken }' } } } },
  };
  for (const pack of packs) {
    const d = pack.document;
    schemas[`${pack.id}.Facts`] = embed(d.facts, `${pack.id}:${pack.version}:facts`);
    schemas[`${pack.id}.Outcome`] = embed(d.outcome, `${pack.id}:${pack.version}:outcome`);
    const request = {
      type: 'object',
      required: ['facts'],
      additionalProperties: false,
      properties: { facts: ref(`${pack.id}.Facts`), asOf: { type: 'string', format: 'date-time' }, parameters: { type: 'object' } },
    };
    const decision = { allOf: [ref('Decision'), { type: 'object', properties: { outcome: ref(`${pack.id}.Outcome`) } }] };
    const common = {
      '400': errorResponse('malformed JSON'),
      '413': errorResponse('body over the limit'),
      '422': errorResponse('invalid facts, parameters or asOf, with the structured list'),
      '503': errorResponse('storage unavailable: nothing recorded'),
    };
    paths[`/v1/packs/${pack.id}/decisions`] = {
      post: {
        summary: `${d.title.en} / ${d.title.zh}`,
        description: d.description.en,
        tags: [pack.id],
        requestBody: { required: true, ...json(request) },
        responses: { '201': { description: 'decided and durably logged', ...json(decision) }, ...common },
      },
    };
    paths[`/v1/packs/${pack.id}/decisions:batch`] = {
      post: {
        summary: `${d.title.en}: batch of up to 1,000 / 批量`,
        tags: [pack.id],
        requestBody: { required: true, ...json({ type: 'object', required: ['items'], properties: { items: { type: 'array', maxItems: 1000, items: request } } }) },
        responses: { '201': { description: 'per-item results; every 201 item is durably logged' }, ...common },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'aftersales reference server',
      version: '0.1.0',
      description: 'Decisions over HTTP with a hash-chained audit log. 售后政策规则包的参考服务。',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    tags: packs.map((p) => ({ name: p.id, description: `${p.document.title.zh} / ${p.document.title.en} (v${p.version})` })),
    paths,
    components: {
      schemas,
      securitySchemes: { admin: { type: 'http', scheme: 'bearer', description: 'AFTERSALES_ADMIN_TOKEN' } },
    },
  };
}

const esc = (s: unknown): string =>
  String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * Renders the docs page.
 *
 * @example
 * ```ts
 * const html = renderDocs(buildOpenApi(packs), packs);
 * ```
 */
export function renderDocs(doc: Record<string, unknown>, packs: Pack[]): string {
  const rows: string[] = [];
  for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { summary?: string }>>)) {
    for (const [method, op] of Object.entries(ops)) {
      rows.push(`<tr><td><code>${esc(method.toUpperCase())}</code></td><td><code>${esc(path)}</code></td><td>${esc(op.summary ?? '')}</td></tr>`);
    }
  }
  const packSections = packs
    .map(
      (p) => `<section><h3 id="${esc(p.id)}">${esc(p.document.title.zh)} / ${esc(p.document.title.en)} <small>${esc(p.id)}@${esc(p.version)}</small></h3>
<p>${esc(p.document.description.zh)}</p><p>${esc(p.document.description.en)}</p>
<details><summary>Facts schema / 事实模式</summary><pre>${esc(JSON.stringify(p.document.facts, null, 2))}</pre></details>
<details><summary>Outcome schema / 结果模式</summary><pre>${esc(JSON.stringify(p.document.outcome, null, 2))}</pre></details>
<details><summary>Parameters / 参数</summary><pre>${esc(JSON.stringify(p.document.parameters ?? {}, null, 2))}</pre></details></section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>aftersales API</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse}td{border-bottom:1px solid #ddd;padding:.3rem .6rem;vertical-align:top}pre{background:#f6f6f6;padding:.5rem;overflow:auto}</style>
</head><body>
<h1>aftersales reference server / 售后规则参考服务</h1>
<p>Machine-readable description: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
<h2>Operations / 接口</h2>
<table>${rows.join('\n')}</table>
<h2>Packs / 规则包</h2>
${packSections}
</body></html>`;
}

/**
 * The OpenAPI and docs routes.
 *
 * @example
 * ```ts
 * app.route('/', openApiRoutes(ctx));
 * ```
 */
export function openApiRoutes(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/openapi.json', (c) => c.json(buildOpenApi(ctx.catalog.listActive())));
  app.get('/docs', (c) => {
    const packs = ctx.catalog.listActive();
    return c.html(renderDocs(buildOpenApi(packs), packs));
  });
  return app;
}
