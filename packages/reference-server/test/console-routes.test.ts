/**
 * The console's server side without a browser (so it is checked even where no Chromium is installed): `/`
 * redirects to the console, every read page answers HTML in the reader's language, the language switch sets its
 * cookie and refuses to send the reader to another site, try-it answers what the API answers and records only when
 * asked, and a record replays as identical.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../src/storage/types.js';
import { sqliteBackend, testApp, type Backend } from './helpers.js';

describe('console routes', () => {
  let backend: Backend;
  let storage: Storage;
  beforeEach(async () => {
    backend = sqliteBackend();
    storage = await backend.open();
  });
  afterEach(async () => {
    await storage.close();
    await backend.cleanup();
  });

  it('redirects / to /console and serves every read page in the chosen language', async () => {
    const { app } = await testApp(storage);
    const root = await app.request('/');
    expect([root.status, root.headers.get('location')]).toEqual([302, '/console']);
    for (const path of ['/console', '/console/packs/quality-severity', '/console/packs/quality-severity/try', '/console/log', '/console/audit', '/docs']) {
      const en = await app.request(path, { headers: { 'accept-language': 'en-US,en;q=0.9' } });
      expect(en.status, path).toBe(200);
      expect(await en.text(), path).toMatch(/<html lang="en"/);
      const zh = await app.request(path, { headers: { cookie: 'aftersales_lang=zh', 'accept-language': 'en' } });
      expect(await zh.text(), path).toMatch(/<html lang="zh-CN"/);
    }
  });

  it('remembers the language in a cookie and only ever redirects to a path of this server', async () => {
    const { app } = await testApp(storage);
    const ok = await app.request('/console/lang/en?back=%2Fconsole%2Flog');
    expect([ok.status, ok.headers.get('location')]).toEqual([303, '/console/log']);
    expect(ok.headers.get('set-cookie')).toMatch(/^aftersales_lang=en;.*Path=\//);
    for (const back of ['https://evil.example/', '//evil.example/x', '/\\evil.example']) {
      const res = await app.request(`/console/lang/zh?back=${encodeURIComponent(back)}`);
      expect(res.headers.get('location'), back).toBe('/console');
    }
  });

  it('decides in try-it as the API does, records nothing on a dry run, and records through the API when asked', async () => {
    const { app, call } = await testApp(storage);
    const form = { 'f/claimAmountYuan': '50000', asOf: '2026-01-15T10:00' };
    const dry = await app.request('/console/packs/quality-severity/try', { method: 'POST', body: new URLSearchParams(form) });
    const html = await dry.text();
    const api = await call('POST', '/v1/packs/quality-severity/decisions', { facts: { claimAmountYuan: 50000 }, asOf: '2026-01-15T10:00:00+08:00' });
    const shown = /data-outcome="([^"]+)"/.exec(html)?.[1]?.replace(/&quot;/g, '"');
    expect(JSON.parse(shown ?? 'null')).toEqual(api.json.outcome);
    expect((await call('GET', '/v1/decisions')).json.items).toHaveLength(1);

    const logged = await app.request('/console/packs/quality-severity/try', { method: 'POST', body: new URLSearchParams({ ...form, log: '1' }) });
    const id = /console\/log\/([^"]+)">/.exec(await logged.text())?.[1];
    const record = await call('GET', `/v1/decisions/${id}`);
    expect([record.status, record.json.outcome, record.json.asOf]).toEqual([200, api.json.outcome, '2026-01-15T10:00:00+08:00']);

    const replay = await app.request(`/console/log/${id}/replay`, { method: 'POST', headers: { 'accept-language': 'en' } });
    expect(await replay.text()).toContain('Identical');
  });

  it('shows a refused try-it request with each problem at its JSON pointer', async () => {
    const { app } = await testApp(storage);
    const res = await app.request('/console/packs/quality-severity/try', {
      method: 'POST',
      headers: { 'accept-language': 'en' },
      body: new URLSearchParams({ 'f/claimAmountYuan': '-5', asOf: '2026-01-15T10:00' }),
    });
    const html = await res.text();
    expect(html).toContain('INVALID_FACTS');
    expect(html).toContain('<code>/claimAmountYuan</code>');
  });
});
