/**
 * Property tests of the HTTP boundary (issue 8): random and mutated request bodies sent to the decision routes
 * (single and batch) — raw text, random JSON, valid facts with values swapped for wrong types, huge and negative
 * numbers, far and impossible dates, unicode, deep nesting, long strings, `__proto__` / `constructor` keys.
 * Property: the answer is a decision (`201`; a batch `201`/`200` with a result per item) or a typed error (`400`/`409`/`413`/`422`) with a code and a request
 * id — never a 500, never a 503, never a changed `Object.prototype`. The storage is a SQLite file (the writer thread
 * and its group commit, as in production). Fixed seed; 10,000 cases per property under `pnpm test:long` (the
 * issue's minimum), 1,000 per commit (scripts/property-runs.mjs).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { propertyRuns } from '../../../scripts/property-runs.mjs';
import type { Storage } from '../src/index.js';
import { sqliteBackend, testApp, type Backend, type TestServer } from './helpers.js';

const { numRuns: RUNS, seed: SEED } = propertyRuns('server: a decision or a typed error for every request body', { full: 10_000, perCommit: 1_000, seed: 20261127 });
const ALLOWED = new Set([200, 201, 400, 409, 413, 422]);

const keys = fc.constantFrom(
  'casualties', 'majorAccident', 'mediaExposure', 'claimAmountYuan', 'companyLossYuan', 'vehicleValueYuan',
  'complaintFrequency', 'breakdown', 'salesImpact', '__proto__', 'constructor', 'prototype', 'toString', '', '姓名', 'a.b',
);
const oddValue = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(1e308, -1e308, 5e-324, -0, 2 ** 53 + 1, -1, 0, 'NaN', 'Infinity', '9999-99-99', '0000-01-01T00:00:00Z', '+275760-09-13T00:00:00Z'),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.string({ minLength: 5000, maxLength: 20000 }),
  fc.letrec((tie) => ({ deep: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.array(tie('deep'), { maxLength: 2 })) })).deep,
);
const facts = fc.oneof(
  fc.dictionary(keys, oddValue, { maxKeys: 6 }),
  fc.jsonValue(),
  fc.record({ claimAmountYuan: fc.double(), casualties: fc.integer({ min: -5, max: 5 }) }, { requiredKeys: [] }),
);
const asOf = fc.oneof(
  fc.constant(undefined),
  fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('2026-02-30T10:00:00+08:00', '2026-01-15', 'yesterday', '', '2026-01-15T25:61:00Z', '1900-01-01T00:00:00Z'),
  fc.jsonValue(),
);
const parameters = fc.oneof(
  fc.constant(undefined),
  fc.dictionary(fc.constantFrom('level2ClaimYuan', 'level3ClaimYuan', '__proto__', 'nope'), oddValue, { maxKeys: 3 }),
  fc.jsonValue(),
);
const request = fc.record({ facts, asOf, parameters }, { requiredKeys: [] }).map((r) => {
  const body: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (v !== undefined) body[k] = v;
  return body;
});
const rawBody = fc.oneof(
  request.map((r) => JSON.stringify(r)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  request.map((r) => JSON.stringify(r).slice(0, -1)),
  fc.constant('{"facts":{"__proto__":{"polluted":true}}}'),
  fc.constant('{"__proto__":{"polluted":true},"facts":{}}'),
);

describe('HTTP bodies (property)', () => {
  let backend: Backend;
  let storage: Storage;
  let server: TestServer;
  const protoKeys = Object.getOwnPropertyNames(Object.prototype).sort();
  beforeAll(async () => {
    backend = sqliteBackend();
    storage = await backend.open();
    server = await testApp(storage);
  });
  afterAll(async () => {
    await storage.close();
    await backend.cleanup();
  });

  const check = (res: Awaited<ReturnType<TestServer['call']>>): void => {
    expect(ALLOWED.has(res.status), `status ${res.status}: ${res.text.slice(0, 500)}`).toBe(true);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    if (res.status >= 400) {
      expect(typeof res.json?.error?.code).toBe('string');
      expect(res.json.requestId).toBe(res.headers.get('x-request-id'));
    }
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoKeys);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  };

  it(`POST /v1/packs/{id}/decisions: a decision or a typed error (${RUNS} cases, seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(rawBody, async (body) => {
        check(await server.call('POST', '/v1/packs/quality-severity/decisions', body));
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it(`POST /v1/packs/{id}/decisions:batch: a result per item or a typed error (${RUNS} cases, seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(request, fc.jsonValue()), { maxLength: 20 }), async (items) => {
        const res = await server.call('POST', '/v1/packs/quality-severity/decisions:batch', { items });
        check(res);
        if (res.status === 200 || res.status === 201) {
          expect(res.json.results).toHaveLength(items.length);
          for (const r of res.json.results) expect([201, 409, 422]).toContain(r.status);
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
    expect((await server.call('GET', '/v1/audit/verify')).json.ok).toBe(true);
  });
});
