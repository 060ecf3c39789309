/**
 * What the console checks before it acts on a request: the language switch redirects only to a path of this server
 * (a tab, a newline or a backslash smuggled into `back` falls back to `/console`, never a 500), a malformed form body
 * is a 400 with the problem, a post started by another site is refused with 403 and writes nothing into the log
 * (a post from the console's own page still decides and logs), and an admin impact request whose `limit` is huge
 * or nested 500,000 deep is a 4xx, not a 500.
 */
import { describe, expect, it } from 'vitest';
import { sameOriginPath } from '../src/console/request-guard.js';
import { freshStorage } from './backends.js';
import { sqliteBackend, testApp } from './helpers.js';

const TRY = '/console/packs/quality-severity/try';
const FORM = { 'f/claimAmountYuan': '50000', asOf: '2026-01-15T10:00', log: '1' };

describe('console request guard', () => {
  const fresh = freshStorage(sqliteBackend);

  it('redirects only to a same-origin path, after decoding, and never answers 500 for a malformed back', async () => {
    const { app } = await testApp(fresh.storage());
    const refused = ['/%09/evil.example/x', '/%0a/x', '/%0d%0aSet-Cookie:x=1', '/\t/evil.example', '//evil.example', '/\\evil.example', '/%5cevil.example', '/%2fevil.example', 'evil.example', '', '/%', '/console\u2028x'];
    for (const back of refused) {
      const res = await app.request(`/console/lang/en?back=${encodeURIComponent(back)}`);
      expect([res.status, res.headers.get('location')], JSON.stringify(back)).toEqual([303, '/console']);
    }
    // The raw (not re-encoded) forms of the attack, as a browser sends them.
    for (const raw of ['/%09/evil.example/x', '/%0a/x', '/%0d/x', '/%5C/evil.example']) {
      const res = await app.request(`/console/lang/en?back=${raw}`);
      expect([res.status, res.headers.get('location')], raw).toEqual([303, '/console']);
    }
    const ok = await app.request(`/console/lang/en?back=${encodeURIComponent('/console/log?pack=quality-severity')}`);
    expect(ok.headers.get('location')).toBe('/console/log?pack=quality-severity');
  });

  it('keeps a same-origin path and refuses every other target (unit)', () => {
    expect(sameOriginPath('/console/packs/x')).toBe('/console/packs/x');
    expect(sameOriginPath('/')).toBe('/console');
    expect(sameOriginPath('/a')).toBe('/a');
    for (const bad of ['/\t/x', '/\n/x', '/\u0000', '/%00', '/%2F/x', '/%5c/x', 'http://x', 'javascript:alert(1)', undefined]) {
      expect(sameOriginPath(bad), String(bad)).toBe('/console');
    }
  });

  it('answers a malformed multipart try-it form with 400 and the problem', async () => {
    const { app } = await testApp(fresh.storage());
    const bodies = [
      { type: 'multipart/form-data; boundary=xyz', body: '--xyz\r\nContent-Disposition: form-data; name="log"\r\n\r\n1' },
      { type: 'multipart/form-data', body: 'not multipart at all' },
      { type: 'multipart/form-data; boundary=', body: '--\r\n\r\n' },
    ];
    for (const { type, body } of bodies) {
      const res = await app.request(TRY, { method: 'POST', headers: { 'content-type': type }, body });
      expect(res.status, type).toBe(400);
      // The console answers its errors as a page with the code and the message.
      expect(await res.text()).toContain('<code>MALFORMED_FORM</code>');
    }
  });

  it('refuses a cross-site try-it post with 403 and logs nothing; a same-origin post decides and logs', async () => {
    const { app, call } = await testApp(fresh.storage());
    const crossSite: Array<Record<string, string>> = [
      { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
      { 'sec-fetch-site': 'same-site', origin: 'https://sub.localhost' },
      { origin: 'https://evil.example' },
      { origin: 'null' },
    ];
    for (const headers of crossSite) {
      const res = await app.request(`http://localhost${TRY}`, { method: 'POST', headers, body: new URLSearchParams(FORM) });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(await res.text()).toContain('<code>CROSS_SITE_REQUEST</code>');
    }
    const replay = await app.request('http://localhost/console/log/x/replay', { method: 'POST', headers: { 'sec-fetch-site': 'cross-site' } });
    expect(replay.status).toBe(403);
    expect((await call('GET', '/v1/decisions')).json.items).toHaveLength(0);

    const sameOrigin: Array<Record<string, string>> = [{ 'sec-fetch-site': 'same-origin', origin: 'http://localhost' }, { origin: 'http://localhost' }, {}];
    for (const headers of sameOrigin) {
      const res = await app.request(`http://localhost${TRY}`, { method: 'POST', headers, body: new URLSearchParams(FORM) });
      expect(res.status, JSON.stringify(headers)).toBe(200);
    }
    expect((await call('GET', '/v1/decisions')).json.items).toHaveLength(3);
  });

  it('answers an impact request with a huge or 500,000-deep limit with a 4xx, not a 500', async () => {
    const ADMIN = { authorization: 'Bearer s3cret-token' };
    const { call } = await testApp(fresh.storage(), { config: { adminToken: 's3cret-token' } });
    const deep = `{"limit":${'['.repeat(500_000)}${']'.repeat(500_000)}}`;
    const bodies = [deep, '{"limit":1e400}', `{"limit":${'9'.repeat(5000)}}`, `{"limit":"${'x'.repeat(100_000)}"}`, '{"limit":[1,2,3]}'];
    for (const body of bodies) {
      const res = await call('POST', '/v1/packs/quality-severity/versions/2.0.0/impact', body, ADMIN);
      expect(res.status, body.slice(0, 40)).toBeGreaterThanOrEqual(400);
      expect(res.status, body.slice(0, 40)).toBeLessThan(500);
      expect(res.json.error.code).toMatch(/INVALID_REQUEST|MALFORMED_JSON/);
      expect(res.text.length).toBeLessThan(4096);
    }
  });
});
