/**
 * Compiled, not run, by `test/pack-types.test.ts`: what the generated pack types promise a TypeScript user. Each
 * `@ts-expect-error` must meet an error (an unused one is itself an error), and each `expectTypeOf` must hold.
 */
import { expectTypeOf } from 'vitest';
import { runSuite, type Decision, type Pack } from '@aftersales/core';
import { loadBundledPacks } from '../../src/index.js';
import type {
  BundledPack,
  BundledPackId,
  EscalationFacts,
  QualitySeverityFacts,
  QualitySeverityOutcome,
  QualitySeverityParameters,
} from '../../src/index.js';
import { getSuite } from '../../src/suites/index.js';

const asOf = '2026-03-01T09:00:00+08:00';
const packs = loadBundledPacks();

// A bundled id gives its typed pack, always present.
const severity = packs.get('quality-severity');
expectTypeOf(severity).toEqualTypeOf<Pack<QualitySeverityFacts, QualitySeverityOutcome, QualitySeverityParameters>>();
expectTypeOf(severity).toEqualTypeOf<BundledPack<'quality-severity'>>();
expectTypeOf<'quality-severity'>().toExtend<BundledPackId>();
expectTypeOf<'claim-grade'>().not.toExtend<BundledPackId>();

export async function typed(): Promise<void> {
  const decision = await severity.evaluate({ claimAmountYuan: 50000 }, { asOf });
  expectTypeOf(decision).toEqualTypeOf<Decision<QualitySeverityOutcome>>();
  // The outcome's fields are the schema's enums: unions of literals, not plain strings and numbers.
  expectTypeOf(decision.outcome.class).toExtend<string>();
  expectTypeOf<string>().not.toExtend<typeof decision.outcome.class>();
  expectTypeOf<'major'>().toExtend<typeof decision.outcome.class>();
  expectTypeOf(decision.outcome.level).toExtend<number | null>();
  expectTypeOf<number>().not.toExtend<typeof decision.outcome.level>();

  // @ts-expect-error a misspelt fact (claimAmountYaun) is not a fact of quality-severity
  await severity.evaluate({ claimAmountYaun: '50000' }, { asOf });
  // @ts-expect-error an amount is a number, not a string
  await severity.evaluate({ claimAmountYuan: '50000' }, { asOf });
  // @ts-expect-error a parameter override has the parameter's type
  await severity.evaluate({ claimAmountYuan: 50000 }, { asOf, parameters: { level2ClaimYuan: 'fifty thousand' } });
  await severity.evaluate({}, { asOf, parameters: { level2ClaimYuan: 60000 } });
  // @ts-expect-error a misspelt parameter name (level2ClaimYaun) is not a parameter of quality-severity
  await severity.evaluate({}, { asOf, parameters: { level2ClaimYaun: 1 } });
  // @ts-expect-error the same on the synchronous evaluation
  severity.evaluateSync({}, { asOf, parameters: { level2ClaimYaun: 1 } });

  // Facts of a pack that requires another carry the other pack's facts typed too.
  const escalation = packs.get('escalation');
  expectTypeOf(escalation.evaluate).parameter(0).toEqualTypeOf<EscalationFacts>();

  // @ts-expect-error an outcome field the schema does not have
  void decision.outcome.grade;

  // Another id: an untyped pack, maybe absent.
  expectTypeOf(packs.get('my-own-pack' as string)).toEqualTypeOf<Pack | undefined>();

  // A typed pack is still a Pack wherever core takes one.
  await runSuite(severity, getSuite('quality-severity')!);
  packs.add(severity);
}
