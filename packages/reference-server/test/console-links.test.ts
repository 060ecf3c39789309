/**
 * A link checker over the console, in-process (no browser): every page of every bundled pack, of the core's
 * conformance corpus (one pack, a rule a case) and of a pack built to hold every shape a rule tree can take
 * (shared conditions, `not`, nested groups, a calculator, a required pack), in both languages. From the packs
 * page it follows every same-origin link, stylesheet, script and form (GET forms as they stand, POST forms such
 * as Replay submitted as they stand), resolving each address against the page's own `<base href>`, and asserts
 * that every page answers 200 and every link and asset resolves.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPack, PackRegistry, type RulePackDocument } from '@aftersales/core';
import { bundledPackIds, loadBundledPacks } from '@aftersales/rules';
import { getSuite } from '@aftersales/rules/suites';
import { freshStorage } from './backends.js';
import { sqliteBackend, testApp, type TestServer } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const ORIGIN = 'http://localhost';

interface CorpusCase {
  name: string;
  conditions: unknown;
  facts: Record<string, unknown>;
  parameters?: Record<string, unknown>;
}

/** The facts a condition reads. */
function factsOf(condition: unknown, out: Set<string>): Set<string> {
  if (!condition || typeof condition !== 'object') return out;
  const c = condition as Record<string, unknown>;
  if (typeof c.fact === 'string') out.add(c.fact);
  const v = c.value as { fact?: unknown } | null;
  if (v && typeof v === 'object' && typeof v.fact === 'string') out.add(v.fact);
  for (const key of ['all', 'any']) if (Array.isArray(c[key])) for (const child of c[key] as unknown[]) factsOf(child, out);
  if (c.not) factsOf(c.not, out);
  return out;
}

const header = (id: string) => ({
  id,
  version: '1.0.0',
  title: { zh: `测试 ${id}`, en: `Test ${id}` },
  description: { zh: '测试', en: 'Test' },
  sources: [{ id: 'C', document: 'test', clause: '1', kind: 'practice' }],
  effective: { from: '2020-01-01' },
});

/** The core's conformance corpus as one pack: a rule a case, every parameter a case uses. */
async function corpusPack(): Promise<RulePackDocument> {
  const mod = (await import(pathToFileURL(join(here, '..', '..', 'core', 'src', 'conformance.cases.ts')).href)) as { CONFORMANCE_CASES: CorpusCase[] };
  const cases = mod.CONFORMANCE_CASES;
  const params: Record<string, unknown> = { limit: 10, word: 'b' };
  for (const c of cases) Object.assign(params, c.parameters ?? {});
  const facts = new Set<string>();
  for (const c of cases) factsOf(c.conditions, facts);
  return {
    ...header('conformance-corpus'),
    hitPolicy: 'first',
    parameters: Object.fromEntries(
      Object.entries(params).map(([name, value]) => [name, { type: typeof value, value, description: { zh: name, en: name }, source: 'C 1' }]),
    ),
    facts: { type: 'object', properties: Object.fromEntries([...facts].map((f) => [f, {}])) },
    rules: cases.map((c, i) => ({ name: `case-${i}`, source: 'C 1', conditions: c.conditions, event: { type: 'fired', params: { fired: true } } })),
    default: { fired: false },
    outcome: { type: 'object', properties: { fired: { type: 'boolean' } }, required: ['fired'] },
  } as unknown as RulePackDocument;
}

/** A pack with every shape a rule tree takes: shared conditions (one using another), `not`, nested groups, a calculator, a required pack. */
export const SHAPES: RulePackDocument = {
  ...header('tree-shapes'),
  hitPolicy: 'first',
  requires: [{ pack: 'quality-severity', as: 'severity', factsFrom: 'claim' }],
  parameters: { limit: { type: 'number', value: 100, unit: 'yuan', description: { zh: '上限', en: 'limit' }, source: 'C 1' } },
  facts: {
    type: 'object',
    properties: {
      amount: { type: 'number' },
      bought: { type: 'string', format: 'date' },
      kind: { type: 'string', enum: ['a', 'b'] },
      claim: { type: 'object', properties: { claimAmountYuan: { type: 'number' } } },
    },
  },
  derived: [{ name: 'age', calculator: 'days-between', args: { from: { fact: 'bought' }, to: { context: 'asOfDate' } } }],
  conditions: {
    large: { all: [{ fact: 'amount', operator: 'greaterThan', value: { param: 'limit' } }] },
    largeAndOld: { all: [{ condition: 'large' }, { fact: 'age', operator: 'greaterThan', value: 30 }] },
  },
  rules: [
    {
      name: 'shared-in-not',
      source: 'C 1',
      conditions: { any: [{ not: { condition: 'largeAndOld' } }, { all: [{ fact: 'kind', operator: 'in', value: ['a'] }, { any: [{ condition: 'large' }] }] }] },
      event: { type: 'x', params: { flag: true } },
      message: { zh: '命中', en: 'hit' },
    },
    {
      name: 'reads-required',
      source: 'C 1',
      conditions: { all: [{ fact: 'severity', path: 'level', operator: 'equal', value: 2 }] },
      event: { type: 'x', params: { flag: true } },
    },
  ],
  default: { flag: false },
  outcome: { type: 'object', properties: { flag: { type: 'boolean' } }, required: ['flag'] },
} as unknown as RulePackDocument;

/** Addresses in a page: links, assets, and forms (method, action, fields as they stand). */
function addresses(html: string): { refs: string[]; forms: Array<{ method: string; action: string; body: URLSearchParams }> } {
  const refs: string[] = [];
  for (const m of html.matchAll(/<(?:a|link|script|img)\b[^>]*?\s(?:href|src)="([^"]*)"/g)) refs.push(m[1]!.replace(/&amp;/g, '&'));
  const forms: Array<{ method: string; action: string; body: URLSearchParams }> = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const attrs = m[1]!;
    const method = (/method="([^"]*)"/.exec(attrs)?.[1] ?? 'get').toLowerCase();
    const action = (/action="([^"]*)"/.exec(attrs)?.[1] ?? '').replace(/&amp;/g, '&');
    const body = new URLSearchParams();
    for (const input of m[2]!.matchAll(/<input\b([^>]*)>/g)) {
      const name = /name="([^"]*)"/.exec(input[1]!)?.[1];
      if (!name || /type="(checkbox|radio|file)"/.test(input[1]!)) continue;
      body.append(name, (/value="([^"]*)"/.exec(input[1]!)?.[1] ?? '').replace(/&amp;/g, '&').replace(/&quot;/g, '"'));
    }
    // A select sends its selected option (or its first), as a browser does.
    for (const select of m[2]!.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
      const name = /name="([^"]*)"/.exec(select[1]!)?.[1];
      const options = [...select[2]!.matchAll(/<option\b([^>]*)>/g)].map((o) => o[1]!);
      const chosen = options.find((o) => /\sselected/.test(o)) ?? options[0];
      if (!name || chosen === undefined) continue;
      body.append(name, (/value="([^"]*)"/.exec(chosen)?.[1] ?? '').replace(/&amp;/g, '&').replace(/&quot;/g, '"'));
    }
    forms.push({ method, action, body });
  }
  return { refs, forms };
}

/** Crawls the console from `/console` in one language; returns every failure as `status from → to`. */
async function crawl(app: TestServer['app'], lang: 'zh' | 'en'): Promise<{ failures: string[]; pages: number }> {
  const headers = { cookie: `aftersales_lang=${lang}` };
  const seen = new Set<string>();
  const failures: string[] = [];
  const queue: Array<{ url: string; from: string; method: 'GET' | 'POST'; body?: URLSearchParams }> = [{ url: `${ORIGIN}/console`, from: '(start)', method: 'GET' }];
  let pages = 0;
  while (queue.length > 0) {
    const next = queue.shift()!;
    const key = `${next.method} ${next.url} ${next.body?.toString() ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const res = await app.request(next.url, { method: next.method, headers, ...(next.body ? { body: next.body } : {}) });
    const type = res.headers.get('content-type') ?? '';
    if (res.status !== 200) {
      failures.push(`${res.status} ${next.method} ${next.url} (from ${next.from})${res.status >= 500 ? ` ${(await res.text()).slice(0, 300)}` : ""}`);
      continue;
    }
    const url = new URL(next.url);
    // Only the console's own pages are crawled further (the API reference and the language switch are only checked).
    if (!type.startsWith('text/html') || !url.pathname.startsWith('/console')) continue;
    pages++;
    const html = await res.text();
    if (!html.includes(`<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"`)) failures.push(`not in ${lang}: ${next.url}`);
    const base = new URL(/<base href="([^"]*)"/.exec(html)?.[1] ?? '', next.url);
    const { refs, forms } = addresses(html);
    for (const ref of refs) {
      const target = new URL(ref, base);
      // A link to a fragment of this very page (the skip link) is no navigation.
      if (target.hash && target.href.replace(/#.*$/, '') === next.url) continue;
      target.hash = '';
      if (target.origin !== ORIGIN || target.pathname.startsWith('/console/lang/')) continue;
      queue.push({ url: target.href, from: next.url, method: 'GET' });
    }
    for (const form of forms) {
      // A form without an action submits to the page itself (the base does not apply).
      const target = form.action ? new URL(form.action, base) : new URL(next.url);
      if (target.origin !== ORIGIN) continue;
      if (form.method === 'post') queue.push({ url: target.href, from: next.url, method: 'POST', body: form.body });
      else {
        target.search = form.body.toString();
        queue.push({ url: target.href, from: next.url, method: 'GET' });
      }
    }
  }
  return { failures, pages };
}

describe('the console link checker', () => {
  const { storage } = freshStorage(sqliteBackend);

  it('answers 200 on every page of every bundled pack, the corpus and every tree shape, with no broken link or asset, in both languages', async () => {
    const registry = new PackRegistry();
    for (const pack of loadBundledPacks().list()) registry.add(pack);
    registry.add(loadPack(await corpusPack()));
    registry.add(loadPack(SHAPES, { registry }));
    const server = await testApp(storage(), { packs: registry });
    // One logged decision per bundled pack, so record pages (and Replay) are crawled too.
    for (const id of bundledPackIds) {
      const suite = getSuite(id);
      const testCase = suite?.cases.find((c) => c.expect.outcome !== undefined);
      if (!testCase) continue;
      const asOf = testCase.asOf ?? suite?.asOf;
      const res = await server.call('POST', `/v1/packs/${id}/decisions`, { facts: testCase.facts, ...(asOf ? { asOf } : {}) });
      expect(res.status, id).toBe(201);
    }
    await server.call('POST', '/v1/packs/tree-shapes/decisions', { facts: { amount: 500, bought: '2025-01-01', kind: 'a', claim: { claimAmountYuan: 60000 } } });
    for (const lang of ['zh', 'en'] as const) {
      const { failures, pages } = await crawl(server.app, lang);
      expect(failures, lang).toEqual([]);
      expect(pages, lang).toBeGreaterThan(bundledPackIds.length * 3);
    }
  });
});
