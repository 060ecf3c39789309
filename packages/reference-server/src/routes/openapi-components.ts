/**
 * The shared schemas of the OpenAPI document (the error body, decisions, log records, pack and version answers)
 * and the small builders the paths use. Kept apart from `openapi.ts` so the paths read as a table of operations.
 */

/** A JSON media type with a schema (and examples, when given). */
export const json = (schema: unknown, examples?: Record<string, { summary?: string; value: unknown }>): Record<string, unknown> => ({
  content: { 'application/json': { schema, ...(examples ? { examples } : {}) } },
});

/** A reference to a component schema. */
export const ref = (name: string): { $ref: string } => ({ $ref: `#/components/schemas/${name}` });

/** A response with the common error body. */
export const errorResponse = (description: string): Record<string, unknown> => ({ description, ...json(ref('Error')) });

/** A response with a schema. */
export const ok = (description: string, schema: unknown): Record<string, unknown> => ({ description, ...json(schema) });

/** A path parameter. */
export const pathParam = (name: string, example: string, description?: string): Record<string, unknown> => ({
  name,
  in: 'path',
  required: true,
  schema: { type: 'string' },
  example,
  ...(description ? { description } : {}),
});

const str = { type: 'string' };
const localized = ref('Localized');

const versionInfo = {
  type: 'object',
  required: ['version', 'packHash', 'origin', 'status', 'createdAt'],
  properties: {
    version: str,
    packHash: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' },
    origin: { enum: ['bundled', 'uploaded'] },
    status: { enum: ['active', 'draft'] },
    createdAt: { type: 'string', format: 'date-time' },
  },
};

const packSummary = {
  type: 'object',
  required: ['id', 'version', 'packHash', 'title', 'description', 'effective', 'hitPolicy'],
  properties: {
    id: str,
    version: str,
    packHash: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' },
    title: localized,
    description: localized,
    effective: { type: 'object', required: ['from'], properties: { from: str, to: str } },
    hitPolicy: { enum: ['first', 'collect', 'unique'] },
    timeZone: str,
  },
};

/**
 * The component schemas every document has (pack-specific ones are added by `buildOpenApi`).
 *
 * @example
 * ```ts
 * const schemas = { ...baseSchemas() };
 * ```
 */
export function baseSchemas(): Record<string, unknown> {
  return {
    Error: {
      type: 'object',
      required: ['error', 'requestId'],
      properties: {
        error: {
          type: 'object',
          required: ['code', 'message'],
          properties: { code: str, message: localized, problems: { type: 'array', items: ref('Problem'), maxItems: 100 }, truncated: { type: 'integer', minimum: 1, description: 'problems left out after the first 100' } },
        },
        requestId: str,
      },
    },
    Localized: { type: 'object', required: ['zh', 'en'], properties: { zh: str, en: str } },
    Problem: {
      type: 'object',
      required: ['path', 'message', 'code'],
      properties: { path: { type: 'string', description: 'JSON pointer' }, message: str, code: str, expected: { description: 'what was expected; a list of the values allowed there when they are known' }, found: { description: 'the value found' }, suggestion: { type: 'string', description: 'the allowed value closest to the one found (did you mean)' } },
    },
    Health: { type: 'object', required: ['status'], properties: { status: str, storage: { enum: ['sqlite', 'postgres'] }, packs: { type: 'integer' } } },
    Ping: { type: 'object', required: ['pong'], properties: { pong: { type: 'boolean' } } },
    PackSummary: packSummary,
    PackList: { type: 'object', required: ['packs'], properties: { packs: { type: 'array', items: ref('PackSummary') } } },
    PackDetail: {
      allOf: [
        ref('PackSummary'),
        {
          type: 'object',
          required: ['sources', 'parameters', 'requires', 'facts', 'outcome', 'versions'],
          properties: {
            sources: { type: 'array', items: { type: 'object' } },
            parameters: { type: 'object' },
            requires: { type: 'array', items: { type: 'object' } },
            facts: { type: 'object', description: 'the fact schema (JSON Schema 2020-12)' },
            outcome: { type: 'object', description: 'the outcome schema (JSON Schema 2020-12)' },
            versions: { type: 'array', items: ref('VersionInfo') },
          },
        },
      ],
    },
    VersionInfo: versionInfo,
    VersionList: {
      type: 'object',
      required: ['pack', 'active', 'versions'],
      properties: { pack: str, active: { type: ['string', 'null'] }, versions: { type: 'array', items: ref('VersionInfo') } },
    },
    VersionDocument: {
      allOf: [ref('VersionInfo'), { type: 'object', required: ['pack', 'document'], properties: { pack: str, document: { type: 'object' } } }],
    },
    VersionStored: {
      allOf: [
        ref('VersionInfo'),
        {
          type: 'object',
          required: ['pack', 'suite'],
          properties: {
            pack: str,
            suite: { type: 'object', required: ['passed', 'failed'], properties: { passed: { type: 'integer' }, failed: { type: 'integer' }, coverage: { type: 'object' } } },
          },
        },
      ],
    },
    VersionUpload: {
      type: 'object',
      required: ['pack', 'suite'],
      properties: { pack: { type: 'object', description: 'the pack document' }, suite: { type: 'object', description: 'its test suite: { pack, cases }' } },
    },
    Impact: {
      type: 'object',
      required: ['pack', 'version', 'packHash', 'active', 'summary', 'evaluated', 'changed', 'unchanged', 'failed', 'changes', 'errors'],
      properties: {
        pack: str,
        version: str,
        packHash: str,
        active: { type: ['string', 'null'] },
        summary: { type: 'object', description: 'what changes, in one sentence: "3 of 6 recent decisions change: level 2 → 3"', required: ['zh', 'en'], properties: { zh: str, en: str } },
        evaluated: { type: 'integer' },
        changed: { type: 'integer' },
        unchanged: { type: 'integer' },
        failed: { type: 'integer' },
        changes: {
          type: 'array',
          items: {
            type: 'object',
            required: ['decisionId', 'seq', 'asOf', 'recordedVersion', 'before', 'after'],
            properties: { decisionId: str, seq: { type: 'integer' }, asOf: str, recordedVersion: str, before: {}, after: {} },
          },
        },
        errors: { type: 'array', items: { type: 'object', properties: { decisionId: str, seq: { type: 'integer' }, error: {} } } },
      },
    },
    ImpactRequest: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 10000, default: 100 } } },
    Activation: {
      type: 'object',
      required: ['pack', 'version', 'packHash', 'activatedAt', 'previous'],
      properties: {
        pack: str,
        version: str,
        packHash: str,
        activatedAt: { type: 'string', format: 'date-time' },
        previous: { type: ['string', 'null'] },
        action: { type: 'string', enum: ['activate', 'rollback'], description: 'rollback when the version was stored before the one it replaces' },
        actor: { type: 'string', description: 'the caller-given actor, when given' },
        impact: {
          type: 'object',
          description: 'the fresh impact the activation was allowed on',
          required: ['checked', 'changed', 'failed'],
          properties: { checked: { type: 'integer' }, changed: { type: 'integer' }, failed: { type: 'integer' } },
        },
        forced: { type: 'object', description: 'set when forced without a fresh impact', required: ['reason'], properties: { reason: str } },
      },
    },
    ActivateRequest: {
      type: 'object',
      description: 'empty to activate after a fresh impact; force with a reason (recorded) to activate without one',
      properties: {
        force: { type: 'boolean', default: false },
        reason: { type: 'string', minLength: 1 },
        actor: { type: 'string', minLength: 1, maxLength: 200, description: 'who activates, as the caller says (the header Aftersales-Actor wins); recorded in the activation entry' },
      },
    },
    ActivationHistory: {
      type: 'object',
      required: ['pack', 'items', 'nextCursor'],
      properties: {
        pack: str,
        nextCursor: { type: ['string', 'null'] },
        items: {
          type: 'array',
          items: {
            type: 'object',
            description: 'an activation entry of the log as hashed, with its seq and hash',
            required: ['seq', 'hash', 'format', 'kind', 'id', 'recordedAt', 'pack', 'version', 'packHash', 'previousVersion', 'action'],
            properties: {
              seq: { type: 'integer' },
              hash: str,
              format: { type: 'integer', enum: [2] },
              kind: { type: 'string', enum: ['activation'] },
              id: str,
              recordedAt: { type: 'string', format: 'date-time' },
              actor: { type: 'string', description: 'caller-given (the admin token is shared)' },
              pack: str,
              version: str,
              packHash: str,
              previousVersion: { type: ['string', 'null'] },
              action: { type: 'string', enum: ['activate', 'rollback'] },
              impact: {
                type: 'object',
                required: ['checked', 'changed', 'failed'],
                properties: { checked: { type: 'integer' }, changed: { type: 'integer' }, failed: { type: 'integer' } },
              },
              forced: { type: 'object', required: ['reason'], properties: { reason: str } },
            },
          },
        },
      },
    },
    Decision: {
      type: 'object',
      required: ['decisionId', 'pack', 'version', 'packHash', 'asOf', 'parameters', 'outcome', 'fired', 'derived', 'explanation', 'messages'],
      properties: {
        decisionId: str,
        pack: str,
        version: str,
        packHash: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' },
        asOf: { type: 'string', format: 'date-time' },
        parameters: { type: 'object' },
        outcome: { type: 'object' },
        fired: { type: 'array', items: { type: 'object' } },
        derived: { type: 'object' },
        explanation: { type: 'array', items: { type: 'object' } },
        messages: localized,
      },
    },
    BatchResult: {
      type: 'object',
      required: ['stored', 'failed', 'results'],
      properties: {
        stored: { type: 'integer' },
        failed: { type: 'integer' },
        results: {
          type: 'array',
          items: { type: 'object', required: ['index', 'status'], properties: { index: { type: 'integer' }, status: { type: 'integer' }, error: {} } },
        },
      },
    },
    LogSummary: {
      type: 'object',
      required: ['decisionId', 'seq', 'recordedAt', 'pack', 'version', 'packHash', 'asOf', 'outcome', 'hash'],
      properties: {
        decisionId: str,
        seq: { type: 'integer' },
        recordedAt: { type: 'string', format: 'date-time' },
        pack: str,
        version: str,
        packHash: str,
        asOf: str,
        reference: { type: 'string', description: "the host's reference given with the decision" },
        outcome: {},
        hash: str,
      },
    },
    LogRecord: {
      description: 'A record of the hash-chained decision log',
      allOf: [
        ref('LogSummary'),
        {
          type: 'object',
          required: ['parameters', 'facts', 'decision', 'prevHash'],
          properties: {
            parameters: { type: 'object' },
            facts: {},
            decision: { type: 'object' },
            prevHash: str,
            context: { type: 'object', additionalProperties: true, description: "the host's context (masked like facts)" },
            idempotencyKey: str,
            format: { type: 'integer', enum: [1, 2], description: '2: the record is a typed entry, `entry`, hashed as canonicalJson({ ...entry, seq, prevHash })' },
            entry: { type: 'object', description: 'the format-2 entry its hash covers (docs/audit-log.md)' },
          },
        },
      ],
    },
    LogPage: {
      type: 'object',
      required: ['items', 'nextCursor'],
      properties: { items: { type: 'array', items: ref('LogSummary') }, nextCursor: { type: ['string', 'null'] } },
    },
    Replay: {
      type: 'object',
      required: ['decisionId', 'pack', 'version', 'packHash', 'asOf', 'identical', 'differences'],
      properties: {
        decisionId: str,
        pack: str,
        version: str,
        packHash: str,
        asOf: str,
        reference: str,
        context: { type: 'object', additionalProperties: true },
        activation: {
          description: 'the activation entry in force when decided (the last of the pack before the decision, when it activated this version); null for a bundled version never activated',
          anyOf: [{ type: 'object', required: ['seq', 'hash', 'version', 'action', 'recordedAt'], properties: { seq: { type: 'integer' }, hash: str, version: str, action: str, recordedAt: str, actor: str } }, { type: 'null' }],
        },
        identical: { type: 'boolean' },
        differences: { type: 'array', items: { type: 'object', required: ['path'], properties: { path: str, recorded: {}, replayed: {} } } },
        outcome: {},
        error: {},
      },
    },
    Verify: {
      type: 'object',
      required: ['ok', 'records'],
      properties: {
        ok: { type: 'boolean' }, records: { type: 'integer' }, head: str, firstBroken: { type: 'object' }, checkedAt: str,
        verified: { type: 'object', description: 'the verified watermark { seq, hash }' },
        lastFull: { type: ['object', 'null'], description: 'the last full re-verification: when it ended, what it walked and found' },
        running: { type: ['object', 'null'], description: 'a full re-verification in progress' },
      },
    },
  };
}
