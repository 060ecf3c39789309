/**
 * Packs composed through `requires`, run as a host runs them: repair-settlement over warranty-car (the required
 * pack's decision carried into the outcome, exclusions and free replacements passed through, settlement after
 * sign-off, the same asOf, its fact errors under their own pointer).
 */
import { describe, expect, it } from 'vitest';
import type { Pack } from '@aftersales/core';
import { loadBundledPacks } from './index.js';

const ASOF = '2026-03-10T10:00:00+08:00';
const registry = loadBundledPacks();

describe('repair-settlement composed with warranty-car', () => {
  const pack = registry.get('repair-settlement') as Pack;
  const car = { invoiceDate: '2023-03-10', odometerKm: 20000, faultSystem: 'electrical' };

  it('makes covered work free and carries the warranty decision into the outcome', async () => {
    const decision = await pack.evaluate({ partsYuan: 300, labourYuan: 120, warrantyCarFacts: car, serviceSheetSigned: true }, { asOf: ASOF });
    expect(decision.derived.carWarranty).toMatchObject({ remedy: 'repair', freeRepair: true, excludedBy: [] });
    expect(decision.outcome).toMatchObject({ chargeYuan: 0, waivedYuan: 420, coveredBy: 'warranty-car', warrantyArticles: ['Art. 19'], status: 'settle' });
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

  it('waits for the signed service sheet before settling, whatever the warranty decides (OPS 2.4 before 2.5)', async () => {
    const decision = await pack.evaluate({ partsYuan: 300, labourYuan: 120, warrantyCarFacts: car }, { asOf: ASOF });
    expect(decision.outcome).toMatchObject({ chargeYuan: 0, coveredBy: 'warranty-car', status: 'await-acceptance' });
    expect(decision.fired.map((f) => f.rule)).toEqual(['car-warranty-covers', 'settle-after-sign-off']);
  });

  it('charges a car used for hire: the exclusion of the warranty decision reaches the settlement', async () => {
    const decision = await pack.evaluate(
      { partsYuan: 300, labourYuan: 120, serviceSheetSigned: true, warrantyCarFacts: { ...car, commercialUse: true } },
      { asOf: ASOF },
    );
    expect(decision.derived.carWarranty).toMatchObject({ remedy: 'none', freeRepair: false, excludedBy: ['commercialUse'] });
    expect(decision.outcome).toMatchObject({ chargeYuan: 420, coveredBy: null, warrantyRemedy: 'none' });
  });

  it('keeps the repair free while the car is replaced or refunded, and carries the free-replacement articles (Art. 23, 27)', async () => {
    const early = { invoiceDate: '2026-01-01', claimDate: '2026-02-22', odometerKm: 2500, faultSystem: 'brakes', failureMode: 'brake-failure', cumulativeRepairDays: 31, vehiclePriceYuan: 200000 };
    const decision = await pack.evaluate({ partsYuan: 300, labourYuan: 120, serviceSheetSigned: true, warrantyCarFacts: early }, { asOf: ASOF });
    expect(decision.derived.carWarranty).toMatchObject({ remedy: 'replacement-or-refund', usageCompensationYuan: 0 });
    expect(decision.outcome).toMatchObject({ chargeYuan: 0, coveredBy: 'warranty-car', warrantyRemedy: 'replacement-or-refund', warrantyArticles: ['Art. 23', 'Art. 27', 'Art. 24', 'Art. 19'] });
  });

  it('reports invalid warranty facts under their pointer in the settlement facts', async () => {
    await expect(pack.evaluate({ warrantyCarFacts: { odometerKm: -1, faultSystem: 'engine', invoiceDate: '2024-01-01' } }, { asOf: ASOF })).rejects.toMatchObject({
      code: 'INVALID_FACTS',
      problems: [expect.objectContaining({ path: expect.stringMatching(/^\/warrantyCarFacts\/odometerKm/) })],
    });
  });
});
