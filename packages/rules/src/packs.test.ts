/**
 * Every pack folder under packs/ (a new folder gets these tests with no list to update), loaded through the
 * package's own `loadBundledPacks`: each is bundled with a valid suite (the suite format), passes it with 100 % rule and condition
 * coverage, has cases below, at and above every numeric threshold, cites a declared source on every rule and
 * published parameter, marks whose every unpublished figure is, and has a README equal to its rendering. Then
 * figures of particular packs that a reader would check against the manuals.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lintPack, runSuite, validateSuite } from '@aftersales/core';
import type { Pack } from '@aftersales/core';
import { loadBundledPacks } from './index.js';
import { getSuite } from './suites/index.js';
import { renderReadme } from './readme.js';

const PACKS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'packs');
const PACK_FOLDERS = readdirSync(PACKS_DIR, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();
const registry = loadBundledPacks();

describe.each(PACK_FOLDERS)('pack %s', (id) => {
  const pack = registry.get(id) as Pack;
  const suite = getSuite(id);

  it('is bundled with its suite', () => {
    expect(pack?.id).toBe(id);
    expect(suite?.pack).toBe(id);
  });

  it('has a suite in the suite format, naming this pack, every key known, case names unique', () => {
    expect(validateSuite(suite, { pack })).toEqual([]);
  });

  it('passes its suite with 100 % rule and condition coverage', async () => {
    const report = await runSuite(pack, suite!);
    const failures = report.cases.filter((c) => c.status === 'fail').map((c) => `${c.name}: ${c.failures.join('; ')}`);
    expect(failures).toEqual([]);
    expect(report.passed).toBe(suite!.cases.length);
    expect(report.coverage.missing).toEqual([]);
    expect(report.coverage.percent).toBe(100);
  });

  it('has cases below, at and above every numeric threshold', async () => {
    const report = await lintPack(pack, suite!);
    expect(report.messages.map((m) => m.en)).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('cites a declared source on every rule and every published parameter', () => {
    const ids = new Set(pack.document.sources.map((s) => s.id));
    for (const rule of pack.document.rules) {
      expect(ids.has(rule.source.split(/[ :]/)[0] ?? ''), `rule ${rule.name}: ${rule.source}`).toBe(true);
    }
    for (const [name, parameter] of Object.entries(pack.document.parameters ?? {})) {
      if (parameter.notPublished) {
        // An unpublished figure says whose it is in both languages, so a reader never takes it for the manual's:
        // ours, a practice source the pack declares, or the party whose contract sets it (the carrier's terms).
        expect(parameter.description.en, `parameter ${name}`).toMatch(/\bours\b|our default|practice|the carrier's/i);
        expect(parameter.description.zh, `parameter ${name}`).toMatch(/本库|惯例|承运人/);
        if (parameter.source !== undefined) {
          const kind = pack.document.sources.find((s) => s.id === parameter.source)?.kind;
          expect(kind, `parameter ${name}: ${parameter.source}`).toBe('practice');
        }
      } else {
        expect(ids.has((parameter.source ?? '').split(/[ :]/)[0] ?? ''), `parameter ${name}`).toBe(true);
      }
    }
  });

  it('has a README that matches the pack (re-run scripts/gen-readmes.mjs after editing the pack)', () => {
    const path = join(PACKS_DIR, id, 'README.md');
    expect(existsSync(path)).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe(renderReadme(pack));
  });
});

describe('pack figures', () => {
  const param = (id: string, name: string) => registry.get(id)?.document.parameters?.[name];

  it('takes the money lines of quality-severity from HC §4', () => {
    expect(param('quality-severity', 'level2ClaimYuan')).toMatchObject({ value: 50000, source: 'HC §4' });
    expect(param('quality-severity', 'level3ClaimYuan')).toMatchObject({ value: 10000, source: 'HC §4' });
  });

  it('takes the car periods from SAMR Order 43 and caps n at 0.5 %', () => {
    expect(param('warranty-car', 'repairPeriodYears')?.value).toBe(3);
    expect(param('warranty-car', 'repairPeriodKm')?.value).toBe(60000);
    expect(param('warranty-car', 'guaranteePeriodYears')?.value).toBe(2);
    expect(param('warranty-car', 'guaranteePeriodKm')?.value).toBe(50000);
    expect(param('warranty-car', 'usageCompensationRate')).toMatchObject({ value: 0.005, maximum: 0.005 });
  });

  it('marks the escalation times the manual does not publish', () => {
    for (const name of ['generalReportHours', 'promptReportHours', 'immediateHours']) {
      expect(param('escalation', name)?.notPublished).toBe(true);
    }
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

