/**
 * The policy console in a real browser (Debian's Chromium driven by playwright-core; skipped with a message when
 * none is installed): browsing packs and reading a decision table, try-it compared with the API's answer for the
 * same facts (dry run by default, logging when chosen), keyboard-only use of the try-it form, the language switch
 * remembered across pages, every read page without JavaScript, a log record opened and replayed with the chain
 * verified, the policy owner's whole change (raise quality-severity's level-2 threshold → draft → suite → impact →
 * activate → next decision → roll back), and axe-core on every page. Screenshots go to docs/console/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ADMIN_TOKEN, HAS_CHROMIUM, PREFIX, screenshot, seriousViolations, startFixture, type Fixture } from './console-browser.js';

const QS = 'quality-severity';
const AS_OF = '2026-01-15T10:00:00+08:00';

describe.skipIf(!HAS_CHROMIUM)('policy console in Chromium', () => {
  let fx: Fixture;
  const api = async (method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; json: any }> => {
    const res = await fetch(`${fx.base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: await res.json() };
  };
  const logCount = async (): Promise<number> => (await api('GET', `/v1/decisions?pack=${QS}&limit=1000`)).json.items.length;
  const accessible = async (page: Page): Promise<void> => expect(await seriousViolations(page)).toEqual([]);

  beforeAll(async () => {
    fx = await startFixture();
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('redirects / to the console, lists the packs and reads a pack’s decision table', async () => {
    const page = await fx.page();
    await page.goto(`${fx.base}/`);
    expect(new URL(page.url()).pathname).toBe('/console');
    const row = page.locator('tbody tr', { has: page.locator(`code:text-is("${QS}")`) });
    await expect(row.locator('td').nth(1).textContent()).resolves.toBe('2.0.0');
    await expect(page.locator('figure svg title').textContent()).resolves.toMatch(/requires/i);
    await expect(page.locator('figcaption').textContent()).resolves.toContain('repair-settlement → warranty-car');
    await accessible(page);
    await screenshot(page, 'packs');

    await row.locator('a').first().click();
    await page.waitForURL(`**/console/packs/${QS}`);
    const rule = page.locator('#rule-level-2-claim-amount td');
    await expect(rule.nth(0).textContent()).resolves.toBe('2');
    await expect(rule.nth(2).textContent()).resolves.toContain('claimAmountYuan ≥ level2ClaimYuan (50,000 CNY)');
    await expect(rule.nth(3).textContent()).resolves.toContain('class: major, level: 2');
    await expect(rule.nth(4).locator('.kind').textContent()).resolves.toBe('manual');
    await expect(page.locator('#param-level2ClaimYuan td').nth(2).textContent()).resolves.toBe('CNY');
    await accessible(page);
    await screenshot(page, 'pack', true);
    // A parameter the manual does not publish is marked as such (warranty-goods has some).
    await page.goto(`${fx.base}/console/packs/parts-stock`);
    const marks = await page.locator('.np').count();
    const api_ = (await api('GET', '/v1/packs/parts-stock')).json;
    expect(marks).toBe(Object.values(api_.parameters as Record<string, { notPublished?: boolean }>).filter((p) => p.notPublished).length);
    await page.close();
  });

  it('decides in try-it exactly as the API does, as a dry run unless logging is chosen', async () => {
    const page = await fx.page();
    await page.goto(`${fx.base}/console/packs/${QS}/try`);
    await expect(page.locator('[name="f/complaintFrequency"]').inputValue()).resolves.toBe('"low"');
    await page.fill('[name="f/claimAmountYuan"]', '60000');
    await page.selectOption('[name="f/complaintFrequency"]', '"high"');
    await page.fill('[name="asOf"]', '2026-01-15T10:00:00');
    const before = await logCount();
    await page.click('button[type="submit"]');
    await page.waitForSelector('#result');
    await expect(page.locator('#log-status').textContent()).resolves.toMatch(/Dry run/);
    expect(await logCount()).toBe(before);
    const shown = JSON.parse((await page.locator('[data-outcome]').getAttribute('data-outcome')) ?? 'null');
    const facts = { claimAmountYuan: 60000, complaintFrequency: 'high' };
    const fromApi = (await api('POST', `/v1/packs/${QS}/decisions`, { facts, asOf: AS_OF })).json;
    expect(shown).toEqual(fromApi.outcome);
    const fired = await page.locator('ul.fired li').evaluateAll((els) => els.map((e) => e.getAttribute('data-rule')));
    expect(fired).toEqual(fromApi.fired.map((f: { rule: string }) => f.rule));
    await expect(page.locator('ul.messages').textContent()).resolves.toContain(fromApi.messages.en);
    await expect(page.locator('ul.messages').textContent()).resolves.toContain(fromApi.messages.zh);
    const conditionRows = page.locator('table.explanation tbody tr');
    expect(await conditionRows.count()).toBe(fromApi.explanation.flatMap((t: { conditions: unknown[] }) => t.conditions).length);
    await expect(page.locator('tr[data-rule="level-2-claim-amount"] td').nth(1).textContent()).resolves.toBe('60,000');
    await expect(page.locator('ul.changes').textContent()).resolves.toMatch(/claimAmountYuan/);
    await accessible(page);
    await screenshot(page, 'try', true);

    await page.check('[name="log"]');
    await page.click('button[type="submit"]');
    await page.waitForSelector('#log-status a');
    const id = await page.locator('#log-status a').textContent();
    const logged = (await api('GET', `/v1/decisions/${id}`)).json;
    expect(logged.outcome).toEqual(fromApi.outcome);
    expect(logged.asOf).toBe(AS_OF);
    expect(await logCount()).toBe(before + 2);
    await page.close();
  });

  it('can be used with the keyboard alone', async () => {
    const page = await fx.page();
    await page.goto(`${fx.base}/console/packs/${QS}/try`);
    const focused = (): Promise<string | null> =>
      page.evaluate('document.activeElement ? document.activeElement.name || document.activeElement.textContent : null') as Promise<string | null>;
    const tabTo = async (name: string): Promise<void> => {
      for (let i = 0; i < 80 && (await focused()) !== name; i++) await page.keyboard.press('Tab');
      expect(await focused()).toBe(name);
    };
    await tabTo('f/majorAccident');
    // Type-ahead picks an option of a closed select without opening its popup.
    await page.keyboard.type('yes');
    await expect(page.locator('[name="f/majorAccident"]').inputValue()).resolves.toBe('true');
    await tabTo('f/claimAmountYuan');
    await page.keyboard.type('20000');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#result');
    const expected = (await api('POST', `/v1/packs/${QS}/decisions`, { facts: { majorAccident: true, claimAmountYuan: 20000 } })).json.outcome;
    expect(expected).toMatchObject({ class: 'major', level: 2 });
    expect(JSON.parse((await page.locator('[data-outcome]').getAttribute('data-outcome')) ?? 'null')).toEqual(expected);
    await page.close();
  });

  it('switches the language and remembers the choice', async () => {
    const page = await fx.page();
    await page.goto(`${fx.base}/console/packs/${QS}`);
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
    await page.click('a.lang');
    await page.waitForURL(`**/console/packs/${QS}`);
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('zh-CN');
    await expect(page.locator('#rules').textContent()).resolves.toBe('决策表');
    await page.goto(`${fx.base}/console/log`);
    await expect(page.locator('h1').textContent()).resolves.toBe('决定日志');
    await accessible(page);
    await screenshot(page, 'log-zh');
    await page.click('a.lang');
    await expect(page.locator('h1').textContent()).resolves.toBe('Decision log');
    await page.close();
  });

  it('serves every read page, and decides, without JavaScript', async () => {
    const page = await fx.page({ javaScript: false });
    const id = (await api('GET', `/v1/decisions?pack=${QS}&limit=1`)).json.items[0].decisionId;
    const pages: Array<[string, string]> = [
      ['/console', 'table tbody tr'],
      [`/console/packs/${QS}`, '#rule-level-2-claim-amount'],
      [`/console/packs/${QS}/try`, 'form.facts [name="f/claimAmountYuan"]'],
      ['/console/log', 'table.log tbody tr'],
      [`/console/log/${id}`, 'table.explanation'],
      ['/console/audit', '#chain-status .ok'],
      [`/console/packs/${QS}/diff`, 'table.diff-rules'],
      ['/docs', 'noscript'],
    ];
    for (const [path, selector] of pages) {
      const res = await page.goto(`${fx.base}${path}`);
      expect(res?.status(), path).toBe(200);
      expect(await page.locator(selector).count(), `${path} ${selector}`).toBeGreaterThan(0);
    }
    const docs = await (await fetch(`${fx.base}/docs`)).text();
    expect(docs).toContain(`/v1/packs/${QS}/decisions`);
    await page.goto(`${fx.base}/console/packs/${QS}/try`);
    await page.fill('[name="f/claimAmountYuan"]', '10000');
    await page.click('button[type="submit"]');
    expect(JSON.parse((await page.locator('[data-outcome]').getAttribute('data-outcome')) ?? 'null')).toEqual({ class: 'major', level: 3 });
    await page.goto(`${fx.base}/console/log/${id}`);
    await page.click('form button[type="submit"]');
    await expect(page.locator('#replay').textContent()).resolves.toMatch(/Identical/);
    await page.close();
  });

  it('opens a log record from the filtered log, replays it and shows the chain verified', async () => {
    const page = await fx.page();
    await page.goto(`${fx.base}/console/log?pack=${QS}&outcome=${encodeURIComponent('{"class":"major","level":2}')}`);
    const rows = page.locator('table.log tbody tr');
    expect(await rows.count()).toBeGreaterThan(0);
    for (const text of await rows.locator('td:nth-child(5)').allTextContents()) expect(text).toContain('level: 2');
    await accessible(page);
    await screenshot(page, 'log');
    // Each row links its record and, from its outcome, the log filtered by that outcome: open the record.
    await rows.first().locator('a[href*="console/log/"]').click();
    await page.waitForURL('**/console/log/*');
    await page.click('form button[type="submit"]');
    await page.waitForSelector('#replay');
    await expect(page.locator('#replay').textContent()).resolves.toMatch(/Identical/);
    await accessible(page);
    await screenshot(page, 'record', true);
    await page.goto(`${fx.base}/console/audit`);
    const chain = (await api('GET', '/v1/audit/verify')).json;
    await expect(page.locator('#chain-status .ok').first().textContent()).resolves.toContain(`${chain.records} records`);
    await accessible(page);
    await page.close();
  });

  it('takes a policy owner through a change: draft, suite, impact, diff, activate, roll back', async () => {
    // Recent logged claims: raising the level-2 line from 50,000 to 60,000 changes exactly the 50,000–59,999 ones.
    const claims = [40000, 50000, 55000, 59999, 60000, 80000];
    const ids: Record<number, string> = {};
    for (const claimAmountYuan of claims) {
      ids[claimAmountYuan] = (await api('POST', `/v1/packs/${QS}/decisions`, { facts: { claimAmountYuan }, asOf: AS_OF })).json.decisionId;
    }
    const page = await fx.page();
    await page.goto(`${fx.base}/console/packs/${QS}/change`);
    await page.fill('#admin-token', ADMIN_TOKEN);
    await page.click('#token-form button');
    await expect(page.locator('#token-kept').isVisible()).resolves.toBe(true);
    expect(await page.evaluate("sessionStorage.getItem('aftersales-admin-token')")).toBe(ADMIN_TOKEN);
    await expect(page.locator('#draft-version').inputValue()).resolves.toBe('2.0.1');
    // A cleared number field is an error at the field, never a threshold of 0: nothing is sent.
    await page.fill('#param-level2ClaimYuan', '');
    await page.click('#draft-form button[type="submit"]');
    await page.waitForSelector('#param-level2ClaimYuan-error');
    await expect(page.locator('#param-level2ClaimYuan').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.locator('#param-level2ClaimYuan-error').textContent()).resolves.toContain('an empty field is not 0');
    expect((await api('GET', `/v1/packs/${QS}/versions`)).json.versions).toHaveLength(1);
    await page.fill('#param-level2ClaimYuan', '60000');
    // The case at 50,000 also names the rule it expects fired under the new line: accepting its new outcome keeps it.
    const suite = JSON.parse(await page.locator('#suite-json').inputValue());
    const at50000 = suite.cases.find((c: { name: string }) => c.name === 'claim 50,000 (at): level 2');
    at50000.expect.fired = ['level-3-claim-amount'];
    await page.fill('#suite-json', JSON.stringify(suite, null, 2));
    await page.click('#draft-form button[type="submit"]');
    // The shipped suite pins the old line: its cases at 50,000 and 50,001 fail, one row each, under a suite heading.
    await page.waitForSelector('tr.failure');
    await expect(page.locator('#suite-failed').textContent()).resolves.toContain('The suite failed');
    await expect(page.locator('#suite-result').textContent()).resolves.not.toContain('The decision was refused');
    const failures = await page.locator('tr.failure td:nth-child(2)').allTextContents();
    expect(failures.some((f) => f.includes('claim 50,000 (at): level 2'))).toBe(true);
    expect(failures.every((f) => /5\d,\d{3}/.test(f))).toBe(true);
    // Each accepted case sends the draft again: the list shrinks until the draft is stored.
    for (;;) {
      await page.waitForFunction("document.querySelector('#draft-stored') || document.querySelector('[data-accept]:not([disabled])')");
      if ((await page.locator('#draft-stored').count()) > 0) break;
      await page.locator('[data-accept]:not([disabled])').first().click();
    }
    const accepted = JSON.parse(await page.locator('#suite-json').inputValue());
    expect(accepted.cases.find((c: { name: string }) => c.name === 'claim 50,000 (at): level 2').expect).toEqual({
      outcome: { class: 'major', level: 3 },
      fired: ['level-3-claim-amount'],
    });
    // Stored, but no impact computed since: the server refuses to activate it (409, the reason in zh and en).
    const refused = (await page.evaluate(
      async ([pack, token]) => {
        const res = await fetch(`v1/packs/${pack}/versions/2.0.1/activate`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
        return { status: res.status, body: await res.json() };
      },
      [QS, ADMIN_TOKEN] as const,
    )) as { status: number; body: { error: { code: string; message: { zh: string; en: string } } } };
    expect([refused.status, refused.body.error.code]).toEqual([409, 'IMPACT_REQUIRED']);
    expect(refused.body.error.message.zh).toContain('尚未计算影响');
    expect(refused.body.error.message.en).toContain('no impact was computed');
    expect((await api('GET', `/v1/packs/${QS}`)).json.version).toBe('2.0.0');
    await page.waitForSelector('table.diff-rules');
    await expect(page.locator('table.diff-params tr[data-param="level2ClaimYuan"]').getAttribute('class')).resolves.toBe('changed');
    await expect(page.locator('table.diff-rules tr[data-rule="level-2-claim-amount"]').getAttribute('data-status')).resolves.toBe('changed');
    await expect(page.locator('table.diff-rules tr[data-rule="level-1-casualties"]').getAttribute('data-status')).resolves.toBe('same');
    await page.fill('#impact-limit', String(claims.length));
    await page.click('#run-impact');
    await page.waitForSelector('#impact-summary');
    const changed = await page.locator('table.impact tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-decision')));
    expect(changed.sort()).toEqual([ids[50000], ids[55000], ids[59999]].sort());
    await expect(page.locator(`table.impact tr[data-decision="${ids[55000]}"]`).textContent()).resolves.toContain('"level":3');
    await accessible(page);
    await screenshot(page, 'change', true);
    expect(page.url()).not.toContain(ADMIN_TOKEN);

    const diff = await fx.page();
    await diff.goto(`${fx.base}/console/packs/${QS}/diff?from=2.0.0&to=2.0.1`);
    await expect(diff.locator('tr[data-rule="level-2-claim-amount"] td').nth(2).textContent()).resolves.toContain('60,000');
    await accessible(diff);
    await diff.close();

    // Activate goes through a confirmation naming what changes, with the rule-level diff.
    await page.click('#activate-draft');
    await page.waitForSelector('#confirm-sentence');
    await expect(page.locator('#confirm-sentence').textContent()).resolves.toBe('3 of 6 recent decisions change: level 2 → 3');
    await page.waitForSelector('#confirm-diff table.diff-rules');
    await expect(page.locator('#confirm-diff tr[data-rule="level-2-claim-amount"]').getAttribute('data-status')).resolves.toBe('changed');
    // One copy of the diff on the page: the confirmation's replaced the one shown after the draft was stored.
    await expect(page.locator('table.diff-rules').count()).resolves.toBe(1);
    await accessible(page);
    await screenshot(page, 'activation-confirm', true);
    await page.click('#confirm-go');
    await page.waitForSelector('#activated');
    await page.waitForSelector('tr[data-version="2.0.1"] td.ok');
    const next = (await api('POST', `/v1/packs/${QS}/decisions`, { facts: { claimAmountYuan: 55000 }, asOf: AS_OF })).json;
    expect([next.version, next.outcome]).toEqual(['2.0.1', { class: 'major', level: 3 }]);

    // Roll back: activate 2.0.0 again (the token is still in the tab, not asked again).
    await expect(page.locator('#token-kept').isVisible()).resolves.toBe(true);
    await page.click('[data-activate="2.0.0"]');
    await page.waitForSelector('#confirm-sentence');
    await expect(page.locator('#confirm-sentence').textContent()).resolves.toContain('level 3 → 2');
    await page.click('#confirm-go');
    await page.waitForSelector('tr[data-version="2.0.0"] td.ok');
    const after = (await api('POST', `/v1/packs/${QS}/decisions`, { facts: { claimAmountYuan: 55000 }, asOf: AS_OF })).json;
    expect([after.version, after.outcome]).toEqual(['2.0.0', { class: 'major', level: 2 }]);

    // A draft from an uploaded pack file: the active document with a new version and description.
    await page.reload();
    const doc = (await api('GET', `/v1/packs/${QS}/versions/2.0.0`)).json.document;
    const upload = { ...doc, version: '2.0.2', description: { ...doc.description, en: `${doc.description.en} (uploaded)` } };
    await page.setInputFiles('#pack-file', { name: 'pack.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(upload)) });
    await page.click('#draft-form button[type="submit"]');
    await page.waitForSelector('#draft-stored');
    await expect(page.locator('#draft-stored').textContent()).resolves.toContain('2.0.2');
    await page.waitForSelector('table.diff-rules');
    const statuses = await page.locator('table.diff-rules tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')));
    expect(new Set(statuses)).toEqual(new Set(['same']));
    expect((await api('GET', `/v1/packs/${QS}/versions`)).json.versions.map((v: { version: string; status: string }) => `${v.version}:${v.status}`)).toEqual([
      '2.0.0:active',
      '2.0.1:draft',
      '2.0.2:draft',
    ]);
    await page.close();
  });

  it('works under a mount prefix: links, forms, the language switch and the API reference', async () => {
    const page = await fx.page();
    await page.goto(`${fx.base}${PREFIX}/`);
    expect(new URL(page.url()).pathname).toBe(`${PREFIX}/console`);
    await page.click(`a:has-text("Grading after-sales quality information")`);
    expect(new URL(page.url()).pathname).toBe(`${PREFIX}/console/packs/${QS}`);
    await page.click('a.button:has-text("Try it")');
    await page.fill('[name="f/claimAmountYuan"]', '50000');
    await page.click('button[type="submit"]');
    expect(new URL(page.url()).pathname).toBe(`${PREFIX}/console/packs/${QS}/try`);
    expect(JSON.parse((await page.locator('[data-outcome]').getAttribute('data-outcome')) ?? 'null')).toEqual({ class: 'major', level: 2 });
    await page.click('a.lang');
    expect(new URL(page.url()).pathname).toBe(`${PREFIX}/console/packs/${QS}/try`);
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('zh-CN');
    await page.click('a.lang');
    await page.click('a[href="docs"]');
    expect(new URL(page.url()).pathname).toBe(`${PREFIX}/docs`);
    await page.waitForSelector('.opblock', { timeout: 20_000 });
    await page.close();
  });

  it('serves the interactive API reference from local files, with no serious accessibility violation', async () => {
    const page = await fx.page();
    const outside: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(fx.base) && !r.url().startsWith('data:')) outside.push(r.url());
    });
    await page.goto(`${fx.base}/docs`);
    await page.waitForSelector('.opblock', { timeout: 20_000 });
    const ids = await page.locator('.opblock-summary-operation-id').allTextContents();
    expect(ids).toContain('decideQualitySeverity');
    expect(outside).toEqual([]);
    // No red banner: Swagger UI flags any jsonSchemaDialect but the OpenAPI 3.1 default, so the document names none.
    await expect(page.locator('.errors-wrapper').count()).resolves.toBe(0);
    await expect(page.locator('body').textContent()).resolves.not.toContain('jsonSchemaDialect');
    await accessible(page);
    await screenshot(page, 'docs');
    await page.close();
  });
});
