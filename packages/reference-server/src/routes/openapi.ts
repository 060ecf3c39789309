/**
 * `GET /openapi.json`: an OpenAPI 3.1 description of the server, built from the active packs so that each pack's
 * fact schema and outcome schema appear as components and each pack has its own decision path. Every operation has
 * an `operationId`, a `security` requirement (`[]` on the public ones), a response schema for each 2xx and the
 * common error body for each 4xx, and example requests; `servers` names the origin the document was asked from.
 * `GET /docs` is the interactive reference reading it (see `console/docs-page.ts`).
 */
import { Hono } from 'hono';
import type { Pack } from '@aftersales/core';
import { getSuite } from '@aftersales/rules/suites';
import type { AppEnv, ServerContext } from '../context.js';
import { docsRoutes } from '../console/docs-page.js';
import { auditPaths } from './openapi-audit.js';
import { baseSchemas, errorResponse, json, ok, pathParam, ref } from './openapi-components.js';

// Keywords of ajv-formats that OpenAPI's schema dialect does not know; kept as `x-` extensions.
const AJV_ONLY = new Set(['formatMaximum', 'formatMinimum', 'formatExclusiveMaximum', 'formatExclusiveMinimum']);

function clean(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clean);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[AJV_ONLY.has(k) ? `x-${k}` : k] = clean(v);
  return out;
}

/** Embeds a pack schema: `$schema` dropped, an `$id` added so its internal `$ref`s resolve against itself. */
function embed(schema: unknown, id: string): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = (schema ?? {}) as Record<string, unknown>;
  void _ignored;
  return { $id: `urn:aftersales:pack:${id}`, ...(clean(rest) as Record<string, unknown>) };
}

const pub = { security: [] as unknown[] };
const admin = { security: [{ admin: [] }] };
const idParam = pathParam('id', 'quality-severity', 'pack id');
const versionParam = pathParam('version', '1.0.0', 'pack version');
const adminErrors = {
  '401': errorResponse('missing token'),
  '403': errorResponse('wrong token'),
  '404': errorResponse('unknown version, or the admin routes are off (no token configured)'),
};

/** Example decision requests of a pack: the first cases of its bundled suite, else an empty fact set. */
function requestExamples(pack: Pack): Record<string, { summary: string; value: unknown }> {
  const cases = (getSuite(pack.id)?.cases ?? []).slice(0, 3);
  if (cases.length === 0) return { defaults: { summary: 'every fact at its default', value: { facts: {} } } };
  return Object.fromEntries(
    cases.map((c, i) => [`case${i + 1}`, { summary: c.name, value: { facts: c.facts, ...(c.asOf ? { asOf: c.asOf } : {}), ...(c.parameters ? { parameters: c.parameters } : {}) } }]),
  );
}

/** Options of {@link buildOpenApi}. */
export interface OpenApiOptions {
  /** The server URL written in `servers` (default `http://127.0.0.1:8787`). */
  serverUrl?: string;
}

/**
 * Builds the OpenAPI document for the active packs.
 *
 * @param packs - the active packs
 * @param options - see {@link OpenApiOptions}
 * @returns an OpenAPI 3.1 document
 * @example
 * ```ts
 * const doc = buildOpenApi(catalog.listActive(), { serverUrl: 'http://127.0.0.1:8787' });
 * ```
 */
export function buildOpenApi(packs: Pack[], options: OpenApiOptions = {}): Record<string, unknown> {
  const schemas = baseSchemas();
  const paths: Record<string, unknown> = {
    '/healthz': { get: { operationId: 'getHealth', tags: ['health'], summary: 'Liveness / 存活', ...pub, responses: { '200': ok('alive', ref('Health')) } } },
    '/readyz': {
      get: {
        operationId: 'getReadiness',
        tags: ['health'],
        summary: 'Readiness: storage reachable / 就绪（存储可用）',
        ...pub,
        responses: { '200': ok('ready', ref('Health')), '503': errorResponse('storage unavailable') },
      },
    },
    '/v1/ping': { get: { operationId: 'ping', tags: ['health'], summary: 'A constant answer touching nothing / 常量应答', ...pub, responses: { '200': ok('pong', ref('Ping')) } } },
    '/v1/packs': { get: { operationId: 'listPacks', tags: ['packs'], summary: 'Active packs / 生效的规则包', ...pub, responses: { '200': ok('packs', ref('PackList')) } } },
    '/v1/packs/{id}': {
      get: {
        operationId: 'getPack',
        tags: ['packs'],
        summary: 'A pack: parameters, fact and outcome schemas, versions / 规则包详情',
        ...pub,
        parameters: [idParam],
        responses: { '200': ok('pack', ref('PackDetail')), '404': errorResponse('unknown pack') },
      },
    },
    '/v1/packs/{id}/versions': {
      get: {
        operationId: 'listPackVersions',
        tags: ['packs'],
        summary: 'Versions of a pack / 规则包版本',
        ...pub,
        parameters: [idParam],
        responses: { '200': ok('versions', ref('VersionList')), '404': errorResponse('unknown pack') },
      },
    },
    '/v1/packs/{id}/activations': {
      get: {
        operationId: 'listPackActivations',
        tags: ['packs'],
        summary: "A pack's activation history from the hash-chained log, newest first / 规则包启用历史（来自哈希链日志）",
        ...pub,
        parameters: [
          idParam,
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 50 }, example: 50 },
          { name: 'cursor', in: 'query', schema: { type: 'string' }, description: 'nextCursor of the previous page' },
        ],
        responses: { '200': ok('{ pack, items, nextCursor }', ref('ActivationHistory')), '400': errorResponse('bad query'), '404': errorResponse('unknown pack') },
      },
    },
    '/v1/packs/{id}/versions/{version}': {
      get: {
        operationId: 'getPackVersion',
        tags: ['packs'],
        summary: 'A stored pack version document / 某版本的规则包文档',
        ...pub,
        parameters: [idParam, versionParam],
        responses: { '200': ok('document', ref('VersionDocument')), '404': errorResponse('unknown version') },
      },
      put: {
        operationId: 'putPackVersion',
        tags: ['versions'],
        summary: 'Upload a version: validated, its suite run, stored as a draft (admin) / 上传草稿版本（管理）',
        ...admin,
        parameters: [idParam, pathParam('version', '1.0.1', 'the new version')],
        requestBody: {
          required: true,
          ...json(ref('VersionUpload'), {
            draft: { summary: 'a pack document and its suite', value: { pack: { id: 'quality-severity', version: '1.0.1', '…': '…' }, suite: { pack: 'quality-severity', cases: [] } } },
          }),
        },
        responses: {
          '201': ok('stored as a draft', ref('VersionStored')),
          '200': ok('the same document was already stored', ref('VersionStored')),
          '400': errorResponse('malformed JSON'),
          ...adminErrors,
          '409': errorResponse('version exists with another document'),
          '413': errorResponse('body over the limit'),
          '422': errorResponse('every validation problem and failing test case'),
          '503': errorResponse('over the admin time budget (ADMIN_BUDGET_EXCEEDED) or storage unavailable: nothing stored'),
        },
      },
    },
    '/v1/packs/{id}/versions/{version}/impact': {
      post: {
        operationId: 'previewImpact',
        tags: ['versions'],
        summary: 'Replay the last N logged decisions under this version (admin) / 影响预览（管理）',
        ...admin,
        parameters: [idParam, versionParam],
        requestBody: { required: false, ...json(ref('ImpactRequest'), { last100: { summary: 'the last 100 decisions', value: { limit: 100 } } }) },
        responses: { '200': ok('outcomes that would change', ref('Impact')), '400': errorResponse('malformed JSON'), ...adminErrors, '422': errorResponse('limit out of range'), '503': errorResponse('over the admin time budget (ADMIN_BUDGET_EXCEEDED)') },
      },
    },
    '/v1/packs/{id}/versions/{version}/activate': {
      post: {
        operationId: 'activatePackVersion',
        tags: ['versions'],
        summary: 'Activate this version; rollback = activate an older one (admin) / 启用版本（管理）',
        description: 'Refused (409 IMPACT_REQUIRED) unless the version’s impact was computed since it was stored, or forced with a reason.',
        ...admin,
        parameters: [idParam, versionParam],
        requestBody: {
          required: false,
          ...json(ref('ActivateRequest'), {
            afterImpact: { summary: 'after a fresh impact', value: {} },
            forced: { summary: 'without a fresh impact, with a recorded reason', value: { force: true, reason: 'legal change in force today' } },
          }),
        },
        responses: {
          '200': ok('activated', ref('Activation')),
          '400': errorResponse('malformed JSON'),
          ...adminErrors,
          '409': errorResponse('no impact computed since the version was stored (IMPACT_REQUIRED)'),
          '422': errorResponse('force without a reason'),
          '503': errorResponse('storage unavailable: nothing switched'),
        },
      },
    },
    '/v1/decisions': {
      get: {
        operationId: 'listDecisions',
        tags: ['log'],
        summary: 'The decision log, in log order, with cursor pagination / 决定日志',
        ...pub,
        parameters: [
          { name: 'pack', in: 'query', schema: { type: 'string' }, example: 'quality-severity' },
          { name: 'version', in: 'query', schema: { type: 'string' }, description: 'only this version (needs pack)' },
          { name: 'outcome', in: 'query', schema: { type: 'string' }, description: 'only this outcome, as JSON compared exactly (needs pack)', example: '{"class":"major","level":2}' },
          { name: 'reference', in: 'query', schema: { type: 'string', minLength: 1, maxLength: 200 }, description: "only the decisions with this host reference, newest first" },
          { name: 'from', in: 'query', schema: { type: 'string', format: 'date-time' }, description: 'recordedAt >= from; a time window is listed in time order (recordedAt, then seq)', example: '2026-01-01T00:00:00Z' },
          { name: 'to', in: 'query', schema: { type: 'string', format: 'date-time' }, description: 'recordedAt < to', example: '2027-01-01T00:00:00Z' },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 50 }, example: 50 },
          { name: 'cursor', in: 'query', schema: { type: 'string' }, description: 'nextCursor of the previous page' },
        ],
        responses: { '200': ok('{ items, nextCursor }', ref('LogPage')), '400': errorResponse('bad query') },
      },
    },
    '/v1/decisions/{decisionId}': {
      get: {
        operationId: 'getDecision',
        tags: ['log'],
        summary: 'One logged decision / 单个决定记录',
        ...pub,
        parameters: [pathParam('decisionId', '0b9e8f0e-7c1e-4a43-9a53-2f1d3c6c9b10')],
        responses: { '200': ok('record', ref('LogRecord')), '404': errorResponse('unknown decision') },
      },
    },
    '/v1/decisions/{decisionId}/replay': {
      post: {
        operationId: 'replayDecision',
        tags: ['log'],
        summary: 'Re-evaluate under the recorded version and asOf / 重放',
        ...pub,
        parameters: [pathParam('decisionId', '0b9e8f0e-7c1e-4a43-9a53-2f1d3c6c9b10')],
        responses: {
          '200': ok('{ identical, differences }', ref('Replay')),
          '404': errorResponse('unknown decision'),
          '409': errorResponse('the recorded pack version is not available here'),
        },
      },
    },
    ...auditPaths(),
  };
  for (const pack of packs) {
    const d = pack.document;
    schemas[`${pack.id}.Facts`] = embed(d.facts, `${pack.id}:${pack.version}:facts`);
    schemas[`${pack.id}.Outcome`] = embed(d.outcome, `${pack.id}:${pack.version}:outcome`);
    const request = {
      type: 'object',
      required: ['facts'],
      additionalProperties: false,
      properties: {
        facts: ref(`${pack.id}.Facts`),
        asOf: { type: 'string', format: 'date-time' },
        parameters: { type: 'object' },
        reference: { type: 'string', minLength: 1, maxLength: 200, description: "the host's reference (a claim or work-order number): stored, hashed, searchable with GET /v1/decisions?reference=; never seen by the rules" },
        context: { type: 'object', additionalProperties: true, description: "the host's context (VIN, dealer, operator), at most 16 KiB of canonical JSON: stored, hashed, masked by AFTERSALES_MASK_FIELDS (context.vin); never seen by the rules" },
      },
    };
    const item = { ...request, properties: { ...request.properties, idempotencyKey: { type: 'string', pattern: '^[!-~]{1,255}$', description: 'this item\'s idempotency key (the single route takes the Idempotency-Key header)' } } };
    const dryRun = {
      name: 'dryRun',
      in: 'query',
      schema: { type: 'boolean', default: false },
      description: 'true: decide exactly as a logged call and write nothing (200, recorded: false, no decisionId)',
      example: true,
    };
    const idempotencyKey = {
      name: 'Idempotency-Key',
      in: 'header',
      schema: { type: 'string', pattern: '^[!-~]{1,255}$' },
      description: 'retry safely: a repeat with the same key and body answers the original decision (200, Idempotency-Replayed: true) and writes nothing; the same key with another body is 422 IDEMPOTENCY_KEY_REUSED, a key whose first request is in flight 409 IDEMPOTENCY_KEY_IN_FLIGHT; kept AFTERSALES_IDEMPOTENCY_TTL_HOURS (24); ignored on a dry run',
      example: 'claim-CLM-2026-0042-try',
    };
    const decision = { allOf: [ref('Decision'), { type: 'object', properties: { outcome: ref(`${pack.id}.Outcome`) } }] };
    const common = {
      '400': errorResponse('malformed JSON'),
      '404': errorResponse('unknown pack'),
      '413': errorResponse('body over the limit'),
      '422': errorResponse('invalid facts, parameters or asOf, with the structured list'),
      '503': errorResponse('storage unavailable, or a large body over the screening budget (SCREEN_BUDGET_EXCEEDED): nothing recorded'),
    };
    const examples = requestExamples(pack);
    const camel = pack.id.replace(/-([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
    const Camel = camel.charAt(0).toUpperCase() + camel.slice(1);
    paths[`/v1/packs/${pack.id}/decisions`] = {
      post: {
        operationId: `decide${Camel}`,
        summary: `${d.title.en} / ${d.title.zh}`,
        description: d.description.en,
        tags: [pack.id],
        ...pub,
        parameters: [dryRun, idempotencyKey],
        requestBody: { required: true, ...json(request, examples) },
        responses: {
          '201': ok('decided and durably logged', decision),
          '200': {
            ...ok('dry run: decided, nothing written (recorded: false, no decisionId); or a replay of the decision first made under the Idempotency-Key (its decisionId, as recorded)', decision),
            headers: { 'Idempotency-Replayed': { description: 'true on a replay', schema: { type: 'string', enum: ['true'] } } },
          },
          ...common,
          '400': errorResponse('malformed JSON, or a malformed Idempotency-Key (INVALID_IDEMPOTENCY_KEY)'),
          '409': errorResponse('the first request with this Idempotency-Key is still in flight (IDEMPOTENCY_KEY_IN_FLIGHT); retry after Retry-After'),
          '422': errorResponse('invalid facts, parameters or asOf, with the structured list; or the Idempotency-Key was used with another body (IDEMPOTENCY_KEY_REUSED)'),
        },
      },
    };
    const batchExample = { batch: { summary: 'the same cases in one batch', value: { items: Object.values(examples).map((e) => e.value) } } };
    paths[`/v1/packs/${pack.id}/decisions:batch`] = {
      post: {
        operationId: `decide${Camel}Batch`,
        summary: `${d.title.en}: batch of up to 1,000 / 批量`,
        tags: [pack.id],
        ...pub,
        parameters: [dryRun],
        requestBody: { required: true, ...json({ type: 'object', required: ['items'], properties: { items: { type: 'array', maxItems: 1000, items: item } } }, batchExample) },
        responses: {
          '201': ok('per-item results; every 201 item is durably logged', ref('BatchResult')),
          '200': ok('every item was refused (each result says why), or a dry run (recorded: false, nothing written)', ref('BatchResult')),
          ...common,
          '413': errorResponse('body over the limit, or an answer over max(1 MiB, 512 × the request) (BATCH_ANSWER_TOO_LARGE: nothing recorded; split the batch)'),
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'aftersales reference server',
      version: '0.1.0',
      description: 'Decisions over HTTP with a hash-chained audit log. 售后政策规则包的参考服务。',
      license: { name: 'MIT', identifier: 'MIT' },
      contact: { name: 'aftersales maintainers' },
    },
    servers: [{ url: options.serverUrl ?? 'http://127.0.0.1:8787', description: 'this server' }],
    // No jsonSchemaDialect: OpenAPI 3.1's default (its base dialect, JSON Schema 2020-12 with the OAS vocabulary) is
    // what the schemas are, and Swagger UI shows a red warning for any other value.
    tags: [
      { name: 'health', description: 'Liveness and readiness / 存活与就绪' },
      { name: 'packs', description: 'Rule packs and their versions / 规则包与版本' },
      { name: 'versions', description: 'Drafts, impact and activation (admin) / 草稿、影响与启用（管理）' },
      { name: 'log', description: 'The hash-chained decision log / 哈希链决定日志' },
      ...packs.map((p) => ({ name: p.id, description: `${p.document.title.zh} / ${p.document.title.en} (v${p.version})` })),
    ],
    paths,
    components: {
      schemas,
      securitySchemes: { admin: { type: 'http', scheme: 'bearer', description: 'AFTERSALES_ADMIN_TOKEN' } },
    },
  };
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
  const doc = (origin: string): Record<string, unknown> => buildOpenApi(ctx.catalog.listActive(), { serverUrl: origin });
  app.get('/openapi.json', (c) => c.json(doc(new URL(c.req.url).origin)));
  app.route('/', docsRoutes(doc));
  return app;
}
