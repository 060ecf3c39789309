/**
 * The server with every bundled pack (`loadBundledPacks()` from @aftersales/rules, as `main.ts` starts it): each pack
 * is listed and described in OpenAPI, and the cases of each pack's own suite that expect an outcome give that
 * outcome over HTTP and replay identically from the log.
 */
import { describe, expect, it } from 'vitest';
import type { TestCase } from '@aftersales/core';
import { bundledPackIds, loadBundledPacks } from '@aftersales/rules';
import { getSuite } from '@aftersales/rules/suites';
import { freshStorage } from './backends.js';
import { sqliteBackend, testApp } from './helpers.js';

describe('every bundled pack over HTTP', () => {
  const { storage } = freshStorage(sqliteBackend);

  it('lists, documents, decides and replays each bundled pack', async () => {
    const { call } = await testApp(storage(), { packs: loadBundledPacks() });
    const listed = (await call('GET', '/v1/packs')).json.packs.map((p: { id: string }) => p.id);
    expect(listed).toEqual([...bundledPackIds].sort());
    const openapi = (await call('GET', '/openapi.json')).json;
    for (const id of bundledPackIds) {
      expect(openapi.components.schemas[`${id}.Facts`]).toBeDefined();
      expect(openapi.paths[`/v1/packs/${id}/decisions`]).toBeDefined();
      const suite = getSuite(id);
      expect(suite, id).toBeDefined();
      const all: TestCase[] = suite?.cases ?? [];
      const cases = all.filter((c) => c.expect.outcome !== undefined).slice(0, 3);
      expect(cases.length, id).toBeGreaterThan(0);
      for (const testCase of cases) {
        const asOf = testCase.asOf ?? suite?.asOf;
        const res = await call('POST', `/v1/packs/${id}/decisions`, {
          facts: testCase.facts,
          ...(asOf ? { asOf } : {}),
          ...(testCase.parameters ? { parameters: testCase.parameters } : {}),
        });
        expect(res.status, `${id}: ${testCase.name}: ${res.text.slice(0, 300)}`).toBe(201);
        expect(res.json.outcome, `${id}: ${testCase.name}`).toMatchObject(testCase.expect.outcome as object);
        const replay = await call('POST', `/v1/decisions/${res.json.decisionId}/replay`);
        expect(replay.json.identical, `${id}: ${testCase.name}: ${JSON.stringify(replay.json.differences)}`).toBe(true);
      }
    }
    expect((await call('GET', '/v1/audit/verify')).json.ok).toBe(true);
  });
});
