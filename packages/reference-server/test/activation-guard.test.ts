/**
 * Guarded activation over HTTP: a version is activated only after its impact against the current log was computed
 * since it was stored (with the same version active), or with `force` and a reason, which is recorded with the
 * activation; the refusal is a 409 that says why in Chinese and English. Also the impact's one-sentence summary.
 */
import { describe, expect, it } from 'vitest';
import { impactSummary } from '../src/activation-guard.js';
import type { Activation } from '../src/storage/types.js';
import { freshStorage } from './backends.js';
import { qualitySeverityDraft as draft, sqliteBackend, testApp } from './helpers.js';

const ADMIN = { authorization: 'Bearer s3cret-token' };
const BASE = '/v1/packs/quality-severity/versions';


describe('guarded activation', () => {
  const { storage } = freshStorage(sqliteBackend);

  it('refuses a version whose impact was not computed, saying why in both languages, and activates it after an impact', async () => {
    const { call } = await testApp(storage(), { config: { adminToken: 's3cret-token' } });
    for (const yuan of [50000, 55000, 59999, 60000, 70000, 10]) await call('POST', '/v1/packs/quality-severity/decisions', { facts: { claimAmountYuan: yuan } });
    expect((await call('PUT', `${BASE}/1.0.1`, draft(60000, '1.0.1'), ADMIN)).status).toBe(201);

    const refused = await call('POST', `${BASE}/1.0.1/activate`, undefined, ADMIN);
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe('IMPACT_REQUIRED');
    expect(refused.json.error.message.en).toContain('no impact was computed');
    expect(refused.json.error.message.zh).toContain('尚未计算影响');
    expect(refused.json.error.problems[0]).toMatchObject({ code: 'activation.impact-required', suggestion: expect.stringContaining('/impact') });
    expect((await call('GET', '/v1/packs/quality-severity')).json.version).toBe('2.0.0');

    const impact = await call('POST', `${BASE}/1.0.1/impact`, {}, ADMIN);
    expect(impact.json.summary.en).toBe('3 of 6 recent decisions change: level 2 → 3');
    expect(impact.json.summary.zh).toBe('最近 6 条决定中有 3 条将改变：level 2 → 3');
    const activated = await call('POST', `${BASE}/1.0.1/activate`, undefined, ADMIN);
    expect(activated.status).toBe(200);
    expect(activated.json).toMatchObject({ version: '1.0.1', previous: '2.0.0', impact: { checked: 6, changed: 3, failed: 0 } });
    expect(activated.json.forced).toBeUndefined();
  });

  it('takes an impact as stale once another version was activated since, and refuses the rollback until it is run again', async () => {
    const { call } = await testApp(storage(), { config: { adminToken: 's3cret-token' } });
    await call('PUT', `${BASE}/1.0.1`, draft(60000, '1.0.1'), ADMIN);
    await call('POST', `${BASE}/2.0.0/impact`, {}, ADMIN);
    await call('POST', `${BASE}/1.0.1/impact`, {}, ADMIN);
    expect((await call('POST', `${BASE}/1.0.1/activate`, undefined, ADMIN)).status).toBe(200);
    // 2.0.0's impact was computed while 2.0.0 itself was active: it says nothing about leaving 1.0.1.
    const stale = await call('POST', `${BASE}/2.0.0/activate`, undefined, ADMIN);
    expect([stale.status, stale.json.error.code]).toEqual([409, 'IMPACT_REQUIRED']);
    expect(stale.json.error.message.en).toContain('the impact was computed while 2.0.0 was active; 1.0.1 is active now');
    await call('POST', `${BASE}/2.0.0/impact`, {}, ADMIN);
    expect((await call('POST', `${BASE}/2.0.0/activate`, undefined, ADMIN)).json).toMatchObject({ version: '2.0.0', previous: '1.0.1' });
  });

  it('activates without an impact only when forced with a reason, and hands the reason to storage with the activation', async () => {
    const s = storage();
    const stored: Activation[] = [];
    const activateVersion = s.activateVersion.bind(s);
    s.activateVersion = async (a: Activation) => {
      stored.push(a);
      return activateVersion(a);
    };
    const { call } = await testApp(s, { config: { adminToken: 's3cret-token' } });
    await call('PUT', `${BASE}/1.0.1`, draft(60000, '1.0.1'), ADMIN);
    for (const body of [{ force: true }, { force: true, reason: '   ' }, { force: 'yes', reason: 'x' }]) {
      const bad = await call('POST', `${BASE}/1.0.1/activate`, body, ADMIN);
      expect(bad.status, JSON.stringify(body)).toBe(422);
      expect(bad.json.error.problems[0].path).toMatch(/^\/(reason|force)$/);
    }
    const forced = await call('POST', `${BASE}/1.0.1/activate`, { force: true, reason: '法规变更，须当日生效' }, ADMIN);
    expect(forced.status).toBe(200);
    expect(forced.json).toMatchObject({ version: '1.0.1', forced: { reason: '法规变更，须当日生效' } });
    expect(forced.json.impact).toBeUndefined();
    expect(stored.at(-1)).toMatchObject({ pack: 'quality-severity', version: '1.0.1', forced: { reason: '法规变更，须当日生效' } });
  });
});

describe('impactSummary', () => {
  it('names what changes, grouped and counted, in both languages', () => {
    const up = { before: { class: 'major', level: 2 }, after: { class: 'major', level: 3 } };
    expect(impactSummary(6, [up, up, up, up], 0).en).toBe('4 of 6 recent decisions change: level 2 → 3');
    const other = { before: { class: 'major', level: 3 }, after: { class: 'general', level: null } };
    expect(impactSummary(6, [up, up, other], 1)).toEqual({
      en: '3 of 6 recent decisions change: level 2 → 3 (2); class major → general, level 3 → null (1); 1 could not be re-evaluated',
      zh: '最近 6 条决定中有 3 条将改变：level 2 → 3 (2)；class major → general, level 3 → null (1)；1 条无法重新评估',
    });
    expect(impactSummary(5, [], 0).en).toBe('none of 5 recent decisions changes');
  });
});
