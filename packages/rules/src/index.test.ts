/**
 * Tests of the package API: the bundled list matches the pack folders (and the generated modules are up to date),
 * every bundled pack loads and validates into one registry, suites are found by id (and only under `suites/`), and a composition of
 * quality-severity into escalation turns severity facts into who-does-what-by-when.
 */
import { readdirSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPack, validatePack } from '@aftersales/core';
import * as main from './index.js';
import { bundledPackDocuments, bundledPackIds, getPackDocument, loadBundledPacks } from './index.js';
import type { EscalationFacts } from './index.js';
import { bundledSuites, getSuite } from './suites/index.js';
import escalationSuite from './suites/escalation.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PACKS_DIR = join(ROOT, 'packs');

describe('bundled packs', () => {
  it('lists every pack folder under packs/, sorted', () => {
    const folders = readdirSync(PACKS_DIR, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(PACKS_DIR, d.name, 'pack.json')))
      .map((d) => d.name)
      .sort();
    expect([...bundledPackIds]).toEqual(folders);
    for (const id of ['network-application', 'quality-severity', 'escalation', 'warranty-car', 'warranty-goods', 'parts-stock']) {
      expect(bundledPackIds).toContain(id);
    }
  });

  it('has up-to-date generated modules (run: node packages/rules/scripts/gen-bundled.mjs)', async () => {
    const { renderAll, packFolders } = (await import(pathToFileURL(join(ROOT, 'scripts', 'gen-bundled.mjs')).href)) as {
      renderAll: (ids: string[]) => Record<string, string>;
      packFolders: () => string[];
    };
    const files = renderAll(packFolders());
    expect(Object.keys(files)).toContain('src/suites/escalation.ts');
    for (const [path, text] of Object.entries(files)) expect(readFileSync(join(ROOT, path), 'utf8'), path).toBe(text);
  });

  it('keeps the suites out of the main entry', () => {
    expect(Object.keys(main).sort()).toEqual(['bundledPackDocuments', 'bundledPackIds', 'chinaWorkingDayCalendar', 'getPackDocument', 'loadBundledPacks']);
    expect(readFileSync(join(ROOT, 'src', 'bundled.ts'), 'utf8')).not.toMatch(/\.test\.json/);
  });

  it('bundles each pack document with the id of its folder, and its suite', () => {
    for (const id of bundledPackIds) {
      expect(bundledPackDocuments[id]?.id).toBe(id);
      expect(bundledSuites[id]?.pack).toBe(id);
      expect(getPackDocument(id)).toBe(bundledPackDocuments[id]);
      expect(getSuite(id)).toBe(bundledSuites[id]);
    }
    expect(escalationSuite).toBe(getSuite('escalation'));
  });

  it('answers undefined for an unknown or inherited id', () => {
    expect(getSuite('no-such-pack')).toBeUndefined();
    expect(getPackDocument('toString')).toBeUndefined();
    expect(getSuite('__proto__')).toBeUndefined();
  });

  it('loads and validates every pack into a registry where requires resolve', () => {
    const registry = loadBundledPacks();
    expect(registry.list().map((p) => p.id).sort()).toEqual([...bundledPackIds]);
    for (const id of bundledPackIds) {
      // Valid standalone, or once its required packs are known.
      expect(validatePack(bundledPackDocuments[id], { registry })).toEqual([]);
    }
  });

  it('gives each caller its own registry over the same compiled packs', () => {
    const a = loadBundledPacks();
    const b = loadBundledPacks();
    expect(a).not.toBe(b);
    expect(a.get('escalation')).toBe(b.get('escalation'));
    // A bundled pack's head (title, sources, dates) under a new id, with one rule of its own.
    const { title, description, sources, effective } = a.get('escalation')!.document;
    const extra = loadPack({
      ...{ id: 'extra-for-test', version: '0.0.1', title, description, sources, effective, hitPolicy: 'first' },
      facts: { type: 'object', properties: { x: { type: 'number' } } },
      rules: [{ name: 'x-positive', source: `${sources[0]!.id} 1`, conditions: { all: [{ fact: 'x', operator: 'greaterThan', value: 0 }] }, event: { type: 'x' } }],
      default: {},
      outcome: { type: 'object' },
    });
    a.add(extra);
    expect(a.has('extra-for-test')).toBe(true);
    expect(b.has('extra-for-test')).toBe(false);
    expect(loadBundledPacks().has('extra-for-test')).toBe(false);
  });
});

describe('quality-severity composed into escalation', () => {
  const escalation = loadBundledPacks().get('escalation')!;
  const asOf = '2026-03-02T09:00:00+08:00';

  it('grades a 50,000-yuan claim level 2 and has QA propose measures', async () => {
    const decision = await escalation.evaluate(
      { kind: 'quality-information', receivedAt: '2026-03-02T08:00:00+08:00', severityFacts: { claimAmountYuan: 50000 } },
      { asOf },
    );
    expect(decision.derived.severity).toEqual({ class: 'major', level: 2 });
    expect(decision.outcome.level).toBe(2);
    const actions = decision.outcome.actions as Array<{ id: string; owner: string; dueAt: string | null }>;
    expect(actions.map((a) => [a.id, a.owner, a.dueAt])).toEqual([
      ['file-major-quality-report', 'after-sales', '2026-03-03T08:00:00+08:00'],
      ['report-to-management-and-qa', 'after-sales', '2026-03-03T08:00:00+08:00'],
      ['daily-major-report', 'after-sales', '2026-03-02T23:59:59.999+08:00'],
      ['qa-propose-measures', 'quality-assurance', null],
      ['coordinate-handling', 'after-sales', null],
    ]);
  });

  it('turns a major accident with a casualty in a major complaint into a level-1 on-site team due the same Shanghai day', async () => {
    const decision = await escalation.evaluate(
      { kind: 'major-complaint', receivedBy: 'call-center', receivedAt: '2026-03-01T18:00:00Z', severityFacts: { majorAccident: true, casualties: 1 } },
      { asOf },
    );
    expect(decision.fired.map((f) => f.rule)).toEqual(['major-complaint-report', 'on-site-team-level-1', 'major-fault-appraisal-and-legal-support']);
    const actions = decision.outcome.actions as Array<{ id: string; owner: string; dueAt: string; team?: string[] }>;
    expect(actions[0]).toMatchObject({ id: 'file-major-complaint-report', owner: 'call-center', dueAt: '2026-03-02T04:00:00+08:00' });
    expect(actions[2]).toMatchObject({
      id: 'on-site-response',
      dueAt: '2026-03-02T23:59:59.999+08:00',
      team: ['after-sales', 'quality-assurance', 'public-relations', 'sales-finance', 'legal'],
    });
  });

  it('passes the important class through: confirmed and reported as major information, level still open', async () => {
    const decision = await escalation.evaluate(
      { kind: 'quality-information', receivedAt: '2026-03-02T08:00:00+08:00', severityFacts: { mediaExposure: 'published', involvesReputation: true } },
      { asOf },
    );
    expect(decision.derived.severity).toEqual({ class: 'important', level: null });
    expect(decision.outcome.level).toBeNull();
    expect(decision.fired.map((f) => f.rule)).toEqual(['major-quality-information']);
  });

  it('does not make media exposure level 1 without major damage to the reputation', async () => {
    const exposed: EscalationFacts = { kind: 'quality-information', receivedAt: '2026-03-02T08:00:00+08:00', severityFacts: { mediaExposure: 'published' } };
    expect((await escalation.evaluate(exposed, { asOf })).fired.map((f) => f.rule)).toEqual(['general-quality-information']);
    const damaging: EscalationFacts = { ...exposed, severityFacts: { mediaExposure: 'published', majorReputationDamage: true }, qaConfirmedAt: '2026-03-02T11:00:00+08:00' };
    const decision = await escalation.evaluate(damaging, { asOf });
    expect(decision.outcome.level).toBe(1);
    const support = (decision.outcome.actions as Array<{ id: string; dueAt: string | null }>).find((a) => a.id === 'qa-technical-support');
    expect(support?.dueAt).toBe('2026-03-02T13:00:00+08:00');
  });

  it('treats severity facts that grade general as general information', async () => {
    const decision = await escalation.evaluate({ kind: 'quality-information', receivedAt: '2026-03-02T08:00:00+08:00', severityFacts: { claimAmountYuan: 9999 } }, { asOf });
    expect(decision.outcome.level).toBeNull();
    expect(decision.fired.map((f) => f.rule)).toEqual(['general-quality-information']);
  });

  it('reports invalid severity facts under their own path', async () => {
    await expect(
      escalation.evaluate({ kind: 'quality-information', receivedAt: '2026-03-02T08:00:00+08:00', severityFacts: { casualties: -1 } }, { asOf }),
    ).rejects.toMatchObject({ code: 'INVALID_FACTS', problems: [expect.objectContaining({ path: '/severityFacts/casualties' })] });
  });
});
