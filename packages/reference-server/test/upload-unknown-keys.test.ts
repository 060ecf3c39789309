/**
 * A pack uploaded with a misspelt key is refused, never stored with the key silently dropped: 422 with the key's
 * JSON pointer (under `/pack`), the keys allowed there and the closest of them. A host's own keys under `meta`
 * are accepted and kept as written.
 */
import { describe, expect, it } from 'vitest';
import { freshStorage } from './backends.js';
import { qualitySeverity, sqliteBackend, testApp } from './helpers.js';

const ADMIN = { authorization: 'Bearer s3cret-token' };
const BASE = '/v1/packs/quality-severity/versions';

/** quality-severity as version `version`, edited by `edit`, with a suite that passes on it. */
function upload(version: string, edit: (rule: Record<string, unknown>) => void) {
  const { doc } = qualitySeverity();
  const pack = structuredClone(doc);
  pack.version = version;
  edit(pack.rules[0] as unknown as Record<string, unknown>);
  const suite = {
    pack: 'quality-severity',
    asOf: '2026-01-15T10:00:00+08:00',
    cases: [{ name: 'level 2', facts: { claimAmountYuan: 60000 }, expect: { outcome: { level: 2 } } }],
  };
  return { pack, suite };
}

describe('an uploaded pack with an unknown key', () => {
  const { storage } = freshStorage(sqliteBackend);

  it('is refused with 422, the pointer, the keys allowed and "did you mean priority", and nothing is stored', async () => {
    const { call } = await testApp(storage(), { config: { adminToken: 's3cret-token' } });
    const res = await call('PUT', `${BASE}/1.0.1`, upload('1.0.1', (rule) => (rule.priorty = 5)), ADMIN);
    expect(res.status).toBe(422);
    const problem = res.json.error.problems.find((p: { path: string }) => p.path === '/pack/rules/0/priorty');
    expect(problem).toMatchObject({ code: 'UNKNOWN_KEY', found: 'priorty', suggestion: 'priority', expected: expect.arrayContaining(['priority', 'meta']) });
    expect(problem.message).toContain('did you mean "priority"?');
    const versions = (await call('GET', BASE)).json.versions as Array<{ version: string }>;
    expect(versions.map((v) => v.version)).not.toContain('1.0.1');
  });

  it('under meta is stored as written', async () => {
    const { call } = await testApp(storage(), { config: { adminToken: 's3cret-token' } });
    const res = await call('PUT', `${BASE}/1.0.2`, upload('1.0.2', (rule) => (rule.meta = { ticket: 'OPS-17' })), ADMIN);
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    const stored = await call('GET', `${BASE}/1.0.2`);
    expect(JSON.stringify(stored.json)).toContain('"ticket":"OPS-17"');
  });
});
