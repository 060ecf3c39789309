/**
 * The OpenAPI document as published: every operation has an operationId, a security requirement (`[]` when
 * public), a response schema for each 2xx and the common error body for each 4xx; `servers` and `license` are
 * set; and two independent linters — Redocly CLI with its recommended rules and Spectral with `spectral:oas` —
 * report no error. Both linters run offline from the installed packages.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBundledPacks } from '@aftersales/rules';
import { buildOpenApi } from '../src/routes/openapi.js';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const bin = (pkg: string, rel: string): string => join(dirname(require.resolve(`${pkg}/package.json`)), rel);

type Operation = { operationId?: string; security?: unknown[]; responses: Record<string, { content?: Record<string, { schema?: unknown }> }> };

describe('the OpenAPI document', () => {
  const doc = buildOpenApi(loadBundledPacks().list(), { serverUrl: 'http://127.0.0.1:8787' }) as {
    servers: unknown[];
    info: { license?: { name: string } };
    paths: Record<string, Record<string, Operation>>;
  };
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'aftersales-openapi-'));
    file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc, null, 2));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ at: `${method} ${path}`, op })));

  it('names servers and a license', () => {
    expect(doc.servers).toEqual([{ url: 'http://127.0.0.1:8787', description: 'this server' }]);
    expect(doc.info.license?.name).toBe('MIT');
  });

  it('gives every operation a unique operationId and a security requirement, [] on the public ones', () => {
    const ids = operations.map(({ op }) => op.operationId);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { at, op } of operations) expect(Array.isArray(op.security), at).toBe(true);
    const admin = operations.filter(({ op }) => (op.security ?? []).length > 0).map(({ at }) => at);
    expect(admin.sort()).toEqual([
      'post /v1/packs/{id}/versions/{version}/activate',
      'post /v1/packs/{id}/versions/{version}/impact',
      'put /v1/packs/{id}/versions/{version}',
    ]);
  });

  it('has a response schema for every 2xx and the error body for every 4xx', () => {
    for (const { at, op } of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        const schema = response.content?.['application/json']?.schema;
        // A 2xx is JSON, or NDJSON for the log export.
        if (status.startsWith('2')) expect(schema ?? response.content?.['application/x-ndjson']?.schema, `${at} ${status}`).toBeDefined();
        if (status.startsWith('4')) expect(schema, `${at} ${status}`).toEqual({ $ref: '#/components/schemas/Error' });
      }
    }
  });

  it('has an example request for every operation that takes a body or a path parameter', () => {
    for (const { at, op } of operations as Array<{ at: string; op: Operation & { requestBody?: any; parameters?: Array<{ in: string; example?: unknown }> } }>) {
      if (op.requestBody) expect(Object.keys(op.requestBody.content['application/json'].examples ?? {}).length, at).toBeGreaterThan(0);
      for (const p of op.parameters ?? []) if (p.in === 'path') expect(p.example, at).toBeDefined();
    }
  });

  it('passes Redocly CLI lint (recommended rules) with 0 errors', async () => {
    const { stdout } = await run(process.execPath, [bin('@redocly/cli', 'bin/cli.js'), 'lint', file, '--format=json'], {
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      maxBuffer: 64 * 1024 * 1024,
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    const report = JSON.parse(stdout) as { problems: Array<{ severity: string; ruleId: string; message: string }> };
    const errors = report.problems.filter((p) => p.severity === 'error');
    expect(errors.map((e) => `${e.ruleId}: ${e.message}`)).toEqual([]);
  });

  it('passes Spectral spectral:oas with 0 errors', async () => {
    const ruleset = join(dir, '.spectral.yaml');
    writeFileSync(ruleset, 'extends: ["spectral:oas"]\n');
    const { stdout } = await run(process.execPath, [bin('@stoplight/spectral-cli', 'dist/index.js'), 'lint', file, '--ruleset', ruleset, '--format', 'json', '--quiet'], {
      maxBuffer: 64 * 1024 * 1024,
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    const results = JSON.parse(stdout || '[]') as Array<{ severity: number; code: string; message: string; path: string[] }>;
    const errors = results.filter((r) => r.severity === 0);
    expect(errors.map((e) => `${e.code}: ${e.message} at ${e.path.join('/')}`)).toEqual([]);
  });
});
