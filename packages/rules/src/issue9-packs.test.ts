/**
 * Tests of the packs of issue 9 (express-claims, complaint-handling, repair-settlement, provider-changes,
 * service-rating): each pack loads, passes its own suite with full rule and condition coverage, has cases below,
 * at and above every numeric threshold, and its README is the rendering of the pack (no drift). A last group
 * composes repair-settlement with the warranty-car pack through `requires`.
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PackRegistry, lintPack, loadPack, renderPackDocs, runSuite } from '@aftersales/core';
import type { Pack, TestSuite } from '@aftersales/core';

const PACKS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'packs');
const ISSUE_9_PACKS = ['express-claims', 'complaint-handling', 'repair-settlement', 'provider-changes', 'service-rating'] as const;
const ASOF = '2026-03-10T10:00:00+08:00';

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}

/** Loads the packs repair-settlement requires, then the issue-9 packs, into one registry. */
function loadAll(): PackRegistry {
  const registry = new PackRegistry();
  for (const id of ['warranty-car', 'warranty-goods', ...ISSUE_9_PACKS]) {
    registry.add(loadPack(readJson(join(PACKS_DIR, id, 'pack.json')), { registry }));
  }
  return registry;
}

/** The README of a pack: its documentation rendered in English, then in Chinese. */
function renderReadme(pack: Pack): string {
  return `${renderPackDocs(pack, 'en').trimEnd()}\n\n---\n\n${renderPackDocs(pack, 'zh').trimEnd()}\n`;
}

const registry = loadAll();

describe.each(ISSUE_9_PACKS)('pack %s', (id) => {
  const pack = registry.get(id) as Pack;
  const suite = readJson(join(PACKS_DIR, id, `${id}.test.json`)) as TestSuite;

  it('passes its suite with 100 % rule and condition coverage', async () => {
    const report = await runSuite(pack, suite);
    const failures = report.cases.filter((c) => c.status === 'fail').map((c) => `${c.name}: ${c.failures.join('; ')}`);
    expect(failures).toEqual([]);
    expect(report.passed).toBe(suite.cases.length);
    expect(report.coverage.missing).toEqual([]);
    expect(report.coverage.percent).toBe(100);
  });

  it('has cases below, at and above every numeric threshold', async () => {
    const report = await lintPack(pack, suite);
    expect(report.messages.map((m) => m.en)).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('cites a declared source on every rule and every published parameter', () => {
    const ids = new Set(pack.document.sources.map((s) => s.id));
    for (const rule of pack.document.rules) {
      expect(ids.has(rule.source.split(/[ :]/)[0] ?? ''), `rule ${rule.name}: ${rule.source}`).toBe(true);
    }
    for (const [name, parameter] of Object.entries(pack.document.parameters ?? {})) {
      if (parameter.notPublished) continue;
      expect(ids.has((parameter.source ?? '').split(/[ :]/)[0] ?? ''), `parameter ${name}`).toBe(true);
    }
  });

  it('has a README that matches the pack', () => {
    const path = join(PACKS_DIR, id, 'README.md');
    expect(existsSync(path)).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe(renderReadme(pack));
  });
});

describe('service-rating thresholds', () => {
  it('say in their source that the figures come from consultancy material', () => {
    const pack = registry.get('service-rating') as Pack;
    const consultancy = new Set(pack.document.sources.filter((s) => s.kind === 'consultancy').map((s) => s.id));
    for (const name of ['qualifiedScore', 'threeStarScore', 'fourStarScore', 'fiveStarScore']) {
      const source = pack.document.parameters?.[name]?.source ?? '';
      expect(consultancy.has(source.split(':')[0] ?? ''), name).toBe(true);
      expect(source).toMatch(/consultancy/);
    }
  });
});

describe('repair-settlement composed with warranty-car', () => {
  const pack = registry.get('repair-settlement') as Pack;
  const car = { invoiceDate: '2023-03-10', odometerKm: 20000, faultSystem: 'electrical' };

  it('makes covered work free and carries the warranty decision into the outcome', async () => {
    const decision = await pack.evaluate({ partsYuan: 300, labourYuan: 120, warrantyCarFacts: car }, { asOf: ASOF });
    expect(decision.derived.carWarranty).toMatchObject({ remedy: 'repair', freeRepair: true, excludedBy: [] });
    expect(decision.outcome).toMatchObject({ chargeYuan: 0, waivedYuan: 420, coveredBy: 'warranty-car', warrantyArticles: ['Art. 19'] });
    expect(decision.fired.map((f) => f.rule)).toEqual(['car-warranty-covers']);
  });

  it('charges parts and labour the day after the repair period ends', async () => {
    const decision = await pack.evaluate({ partsYuan: 300, labourYuan: 120, warrantyCarFacts: { ...car, claimDate: '2026-03-11' } }, { asOf: ASOF });
    expect(decision.derived.carWarranty).toMatchObject({ remedy: 'none', freeRepair: false });
    expect(decision.outcome).toMatchObject({ chargeYuan: 420, coveredBy: null });
  });

  it('charges an excluded repair and names the exclusion in the warranty decision', async () => {
    const decision = await pack.evaluate({ partsYuan: 80, labourYuan: 40, warrantyCarFacts: { ...car, forbiddenModification: true } }, { asOf: ASOF });
    expect(decision.derived.carWarranty).toMatchObject({ freeRepair: false, excludedBy: ['forbiddenModification'] });
    expect(decision.outcome).toMatchObject({ chargeYuan: 120, coveredBy: null });
  });

  it('uses the same asOf for the required pack (claim date defaults to the local date of asOf)', async () => {
    const facts = { labourYuan: 100, warrantyCarFacts: car };
    const lastDayIn = await pack.evaluate(facts, { asOf: '2026-03-10T23:30:00+08:00' });
    const firstDayOut = await pack.evaluate(facts, { asOf: '2026-03-10T16:30:00Z' }); // 00:30 on 11 March in Shanghai
    expect(lastDayIn.outcome).toMatchObject({ chargeYuan: 0 });
    expect(firstDayOut.outcome).toMatchObject({ chargeYuan: 100 });
  });

  it('reports invalid warranty facts under their pointer in the settlement facts', async () => {
    await expect(pack.evaluate({ warrantyCarFacts: { odometerKm: -1, faultSystem: 'engine', invoiceDate: '2024-01-01' } }, { asOf: ASOF })).rejects.toMatchObject({
      code: 'INVALID_FACTS',
      problems: [expect.objectContaining({ path: expect.stringMatching(/^\/warrantyCarFacts\/odometerKm/) })],
    });
  });
});
