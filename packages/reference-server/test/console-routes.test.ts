/**
 * The console's server side without a browser (so it is checked even where no Chromium is installed): `/`
 * redirects to the console, every read page answers HTML in the reader's language, the language switch sets its
 * cookie and refuses to send the reader to another site, try-it answers what the API answers and records only when
 * asked, and a record replays as identical.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadPack, PackRegistry } from '@aftersales/core';
import { freshStorage } from './backends.js';
import { qualitySeverity, sqliteBackend, testApp } from './helpers.js';

describe('console routes', () => {
  const fresh = freshStorage(sqliteBackend);

  it('redirects / to /console and serves every read page in the chosen language', async () => {
    const { app } = await testApp(fresh.storage());
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
    const { app } = await testApp(fresh.storage());
    const ok = await app.request('/console/lang/en?back=%2Fconsole%2Flog');
    expect([ok.status, ok.headers.get('location')]).toEqual([303, '/console/log']);
    expect(ok.headers.get('set-cookie')).toMatch(/^aftersales_lang=en;.*Path=\//);
    for (const back of ['https://evil.example/', '//evil.example/x', '/\\evil.example']) {
      const res = await app.request(`/console/lang/zh?back=${encodeURIComponent(back)}`);
      expect(res.headers.get('location'), back).toBe('/console');
    }
  });

  it('decides in try-it as the API does, records nothing on a dry run, and records through the API when asked', async () => {
    const { app, call } = await testApp(fresh.storage());
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
    const { app } = await testApp(fresh.storage());
    const res = await app.request('/console/packs/quality-severity/try', {
      method: 'POST',
      headers: { 'accept-language': 'en' },
      body: new URLSearchParams({ 'f/claimAmountYuan': '-5', asOf: '2026-01-15T10:00' }),
    });
    const html = await res.text();
    expect(html).toContain('INVALID_FACTS');
    expect(html).toContain('<code>/claimAmountYuan</code>');
  });

  it('answers an unknown console address and a failing console page with HTML pages that carry the navigation, never the API JSON', async () => {
    const { app } = await testApp(fresh.storage());
    for (const path of ['/console/no-such-page', '/console/packs/no-such-pack', '/console/log/no-such-decision']) {
      const res = await app.request(path, { headers: { 'accept-language': 'en' } });
      const html = await res.text();
      expect([res.status, res.headers.get('content-type')], path).toEqual([404, 'text/html; charset=UTF-8']);
      expect(html, path).toContain('<nav aria-label="aftersales policy console">');
      expect(html, path).toContain('Page not found');
      expect(html, path).toMatch(/<base href="(\.\.\/)+"|<base href="\.\/"/);
    }
    const api = await app.request('/v1/packs/no-such-pack');
    expect(api.headers.get('content-type')).toMatch(/^application\/json/);
    fresh.storage().getDecision = () => Promise.reject(new Error('boom'));
    const failed = await app.request('/console/log/d-1', { headers: { cookie: 'aftersales_lang=zh' } });
    const html = await failed.text();
    expect(failed.status).toBe(500);
    expect(html).toContain('出错了');
    expect(html).toContain('<code>INTERNAL</code>');
    expect(html).not.toContain('boom');
  });

  it("warns on a record's own page when the record fails verification, and not before", async () => {
    const { app, call } = await testApp(fresh.storage());
    const made = await call('POST', '/v1/packs/quality-severity/decisions', { facts: { claimAmountYuan: 60000 }, asOf: '2026-01-15T10:00:00+08:00' });
    const page = async (): Promise<string> => (await app.request(`/console/log/${made.json.decisionId}`, { headers: { 'accept-language': 'en' } })).text();
    expect(await page()).not.toContain('id="record-broken"');
    await fresh.backend().tamper(1, JSON.stringify({ class: 'general', level: null }));
    const html = await page();
    expect(html).toContain('id="record-broken"');
    expect(html).toContain('This record fails verification');
    expect(html).toContain('the record does not match its hash');
  });

  it('gives the replay answer a <base> that reaches the stylesheet and the record from its own address', async () => {
    const { app, call } = await testApp(fresh.storage());
    const made = await call('POST', '/v1/packs/quality-severity/decisions', { facts: { claimAmountYuan: 60000 }, asOf: '2026-01-15T10:00:00+08:00' });
    const at = `http://localhost/console/log/${made.json.decisionId}/replay`;
    const html = await (await app.request(at, { method: 'POST' })).text();
    const base = new URL(/<base href="([^"]*)"/.exec(html)?.[1] ?? '', at);
    expect(new URL('console/assets/console.css', base).pathname).toBe('/console/assets/console.css');
    expect(html).toContain(`back=${encodeURIComponent(`/console/log/${made.json.decisionId}`)}"`);
    const again = await app.request(at);
    expect([again.status, new URL(again.headers.get('location') ?? '', at).pathname]).toEqual([303, `/console/log/${made.json.decisionId}`]);
  });

  it('names the hit policy and the sources\' kinds in the reader\'s language, and keeps CJK table headers whole', async () => {
    const { app } = await testApp(fresh.storage());
    const zh = await (await app.request('/console/packs/quality-severity', { headers: { cookie: 'aftersales_lang=zh' } })).text();
    expect(zh).toContain('<span data-code="first">首条命中（按优先级）</span>');
    expect(zh).toMatch(/<span class="badge kind" data-code="manual">企业手册<\/span>/);
    const en = await (await app.request('/console/packs/quality-severity', { headers: { cookie: 'aftersales_lang=en' } })).text();
    expect(en).toContain('<span data-code="first">first match (by priority)</span>');
    const css = await (await app.request('/console/assets/console.css')).text();
    expect(css).toMatch(/th\{[^}]*word-break:keep-all/);
  });

  it('shows the labels a pack gives its enum values (x-labels) in the rule table, in the reader\'s language', async () => {
    const { doc } = qualitySeverity();
    const media = (doc.facts.properties as Record<string, Record<string, unknown>>).mediaExposure!;
    media['x-labels'] = { zh: { imminent: '即将曝光', published: '已曝光' }, en: { imminent: 'about to be published' } };
    const packs = new PackRegistry();
    packs.add(loadPack(doc));
    const { app } = await testApp(fresh.storage(), { packs });
    const zh = await (await app.request('/console/packs/quality-severity', { headers: { cookie: 'aftersales_lang=zh' } })).text();
    expect(zh).toContain('mediaExposure 属于 [即将曝光（imminent）、已曝光（published）]');
    const en = await (await app.request('/console/packs/quality-severity', { headers: { cookie: 'aftersales_lang=en' } })).text();
    expect(en).toContain('mediaExposure is one of [about to be published (imminent), published]');
  });

  it('serves an API reference with no jsonSchemaDialect for Swagger UI to flag, from a repository that turns Scarf\'s telemetry off', async () => {
    const { call } = await testApp(fresh.storage());
    expect((await call('GET', '/openapi.json')).json.jsonSchemaDialect).toBeUndefined();
    const root = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
    expect(root.scarfSettings).toEqual({ enabled: false });
    // pnpm runs no dependency's install script unless listed: @scarf/scarf's postinstall (the telemetry) never runs.
    const workspace = readFileSync(new URL('../../../pnpm-workspace.yaml', import.meta.url), 'utf8');
    expect(workspace).toContain('onlyBuiltDependencies');
    expect(workspace).not.toContain('scarf');
  });
});
