/**
 * Console pages of a pack with many rules: the pack page's decision table and the rule-level diff show 200 rules a
 * page with links to the previous and next page; a fired rule's link names the page it is on; the change page
 * does not carry the pack's rules (the active document is fetched when a draft is built). The version used has
 * 450 rules (quality-severity's own, then rules that never fire unless a claim is of exactly their amount).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../src/storage/types.js';
import { qualitySeverity, sqliteBackend, testApp, type Backend, type TestServer } from './helpers.js';

const ADMIN = { authorization: 'Bearer s3cret-token' };
const RULES = 450;
const AS_OF = '2026-01-15T10:00:00+08:00';

/** quality-severity 9.0.0 with RULES rules: `bench-i` fires only for a claim of exactly 1e9 + i yuan. */
function manyRules(): { pack: unknown; suite: unknown; names: string[] } {
  const { doc, suite } = qualitySeverity();
  doc.version = '9.0.0';
  const rule = doc.rules[0]!;
  const extra = Array.from({ length: RULES - doc.rules.length }, (_, i) => ({
    name: `bench-${i}`,
    source: rule.source,
    conditions: { all: [{ fact: 'claimAmountYuan', operator: 'equal', value: 1e9 + i }] },
    event: rule.event,
  }));
  doc.rules = [...doc.rules, ...extra] as typeof doc.rules;
  return { pack: doc, suite, names: doc.rules.map((r) => r.name) };
}

const rows = (html: string, pattern: RegExp): number => html.match(pattern)?.length ?? 0;
const nextLink = (html: string): string | undefined => /<a rel="next" href="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
const prevLink = (html: string): string | undefined => /<a rel="prev" href="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');

describe('console pages of a pack with more rules than a page holds', () => {
  let backend: Backend;
  let storage: Storage;
  let server: TestServer;
  let names: string[];
  beforeEach(async () => {
    backend = sqliteBackend();
    storage = await backend.open();
    server = await testApp(storage, { config: { adminToken: 's3cret-token' } });
    const upload = manyRules();
    names = upload.names;
    const put = await server.call('PUT', '/v1/packs/quality-severity/versions/9.0.0', { pack: upload.pack, suite: upload.suite }, ADMIN);
    expect(put.status).toBe(201);
  }, 60_000);
  afterEach(async () => {
    await storage.close();
    await backend.cleanup();
  });

  const page = async (path: string): Promise<string> => {
    const res = await server.app.request(path, { headers: { 'accept-language': 'en' } });
    expect(res.status, path).toBe(200);
    return res.text();
  };

  it('the pack page shows the decision table 200 rules a page, each page linking to its neighbours', async () => {
    const first = await page('/console/packs/quality-severity?version=9.0.0');
    expect(rows(first, /<tr id="rule-/g)).toBe(200);
    expect(first).toContain(`id="rule-${names[199]}"`);
    expect(first).not.toContain(`id="rule-${names[200]}"`);
    expect(first).toContain(`Rules 1–200 of ${RULES}`);
    expect(prevLink(first)).toBeUndefined();
    expect(nextLink(first)).toBe('console/packs/quality-severity?version=9.0.0&page=2#rules');

    const last = await page('/console/packs/quality-severity?version=9.0.0&page=3');
    expect(rows(last, /<tr id="rule-/g)).toBe(RULES - 400);
    expect(last).toContain(`id="rule-${names[RULES - 1]}"`);
    expect(nextLink(last)).toBeUndefined();
    expect(prevLink(last)).toBe('console/packs/quality-severity?version=9.0.0&page=2#rules');
    // A page past the end is the last page; an unreadable page number is the first.
    expect(rows(await page('/console/packs/quality-severity?version=9.0.0&page=99'), /<tr id="rule-/g)).toBe(RULES - 400);
    expect(rows(await page('/console/packs/quality-severity?version=9.0.0&page=-1'), /<tr id="rule-/g)).toBe(200);
  });

  it('the rule-level diff shows 200 rules a page with a next link, and a short pack shows no pager', async () => {
    const bundled = qualitySeverity().doc.version;
    const first = await page(`/console/packs/quality-severity/diff?from=${bundled}&to=9.0.0`);
    expect(rows(first, /<tr class="[a-z]+" data-rule=/g)).toBe(200);
    expect(nextLink(first)).toBe(`console/packs/quality-severity/diff?from=${bundled}&to=9.0.0&page=2`);
    const second = await page(`/console/packs/quality-severity/diff?from=${bundled}&to=9.0.0&page=2&fragment=1`);
    expect(rows(second, /<tr class="[a-z]+" data-rule=/g)).toBe(200);
    expect(second).toContain(`data-rule="${names[200]}" data-status="added"`);
    const short = await page('/console/packs/quality-severity');
    expect(short).not.toContain('rel="next"');
    expect(rows(short, /<tr id="rule-/g)).toBe(qualitySeverity().doc.rules.length);
  });

  it('a fired rule links to the page of the decision table it is on', async () => {
    const activated = await server.call('POST', '/v1/packs/quality-severity/versions/9.0.0/activate', { force: true, reason: 'pages test' }, ADMIN);
    expect(activated.status).toBe(200);
    const index = names.indexOf('bench-300');
    const decided = await server.call('POST', '/v1/packs/quality-severity/decisions', { facts: { claimAmountYuan: 1e9 + 300 }, asOf: AS_OF });
    expect(decided.status).toBe(201);
    expect(decided.json.fired.map((f: { rule: string }) => f.rule)).toContain('bench-300');
    const record = await page(`/console/log/${decided.json.decisionId}`);
    const link = /href="([^"]*#rule-bench-300)"/.exec(record)?.[1]?.replace(/&amp;/g, '&');
    expect(link).toBe(`console/packs/quality-severity?version=9.0.0&page=${Math.floor(index / 200) + 1}#rule-bench-300`);
    const target = await page(`/${link!.replace(/#.*$/, '')}`);
    expect(target).toContain('id="rule-bench-300"');
  });

  it('the change page of the active version does not carry its rules', async () => {
    expect((await server.call('POST', '/v1/packs/quality-severity/versions/9.0.0/activate', { force: true, reason: 'pages test' }, ADMIN)).status).toBe(200);
    const change = await page('/console/packs/quality-severity/change');
    expect(change).toContain('data-active="9.0.0"');
    expect(change).not.toContain('bench-');
    // What the page's script fetches to build a draft: the active document, every rule of it.
    const document = await server.call('GET', '/v1/packs/quality-severity/versions/9.0.0');
    expect(document.json.document.rules).toHaveLength(RULES);
  });
});
