/**
 * A policy owner at a dealer group gives one OEM (Jinbei) its own warranty terms: the repair period of the
 * `warranty-car` pack goes from the regulation's 3 years / 60,000 km to the OEM's 5 years / 100,000 km — for that
 * OEM only, as parameter overrides (`oem-overrides.json`), without touching the pack. The owner checks the
 * override (a typo is refused with the list of known parameters), adds cases for the new terms to a suite of
 * their own (`jinbei-warranty-car.test.json`), runs it together with the pack's suite (`runSuite`, with
 * coverage), and reads the impact report: which of the OEM's recent claims would be decided differently.
 *
 * Usage: pnpm --filter @aftersales/example-04-policy-owner-override start
 *        (or `node examples/04-policy-owner-override/index.mjs` after `pnpm build`)
 */
import { readFileSync } from 'node:fs';
import { canonicalJson, runSuite } from '@aftersales/core';
import { loadBundledPacks } from '@aftersales/rules';
import { getSuite } from '@aftersales/rules/suites';

const readJson = (name) => JSON.parse(readFileSync(new URL(name, import.meta.url), 'utf8'));
const pack = loadBundledPacks().get('warranty-car');
const overrides = readJson('oem-overrides.json').jinbei['warranty-car'];

// 1. What changes, against what the pack says and where its figure comes from.
console.log('1. Jinbei overrides of warranty-car / 金杯的参数覆盖');
for (const [name, value] of Object.entries(overrides)) {
  const def = pack.document.parameters[name];
  console.log(`   ${name}: ${def.value} -> ${value} ${def.unit ?? ''}   (pack default from ${def.source})`);
}

// 2. A typo does not silently fall back to the default: the override is refused.
// #region typo
const claim = { invoiceDate: '2022-07-01', claimDate: '2026-05-20', odometerKm: 80000, faultSystem: 'suspension' };
try {
  await pack.evaluate(claim, { asOf: '2026-05-20T10:00:00+08:00', parameters: { repairPeriodKM: 100000 } });
} catch (error) {
  // error.code === 'INVALID_PARAMETERS'; each problem: { path: '/repairPeriodKM', code: 'UNKNOWN_PARAMETER', ... }
  console.log(`2. a typo is refused: ${error.code} ${error.problems.map((p) => `${p.path} ${p.message}`).join('; ')}`);
}
// #endregion typo

// 3. The pack's own suite plus the owner's new cases, with coverage.
// #region suite
const bundled = getSuite('warranty-car');
const own = readJson('jinbei-warranty-car.test.json');
const suite = { ...bundled, cases: [...bundled.cases, ...own.cases.map((c) => ({ asOf: own.asOf, ...c }))] };
const report = await runSuite(pack, suite);
// report.passed, report.failed, report.coverage.percent, report.cases[i].failures
// #endregion suite
// (Counts of the pack's own suite are not printed: they grow as the pack's authors add cases.)
const packCasesFailed = report.cases.slice(0, bundled.cases.length).filter((c) => c.status === 'fail');
console.log(`3. suite: the pack's cases + ${own.cases.length} Jinbei cases`);
console.log(`   pack cases: ${packCasesFailed.length === 0 ? 'all pass' : `${packCasesFailed.length} FAIL`}`);
for (const result of [...packCasesFailed, ...report.cases.slice(bundled.cases.length)]) {
  console.log(`   ${result.status.toUpperCase()} ${result.name}`);
  for (const failure of result.failures) console.log(`        ${failure}`);
}
console.log(`   ${report.failed === 0 ? 'PASS' : 'FAIL'}; rule and condition coverage ${report.coverage.percent}%`);

// 4. Impact: the OEM's recent claims decided with and without the override.
// #region impact
const asOf = '2026-03-01T09:00:00+08:00';
const claims = readJson('recent-claims.json');
const changes = [];
for (const { claimId, facts } of claims) {
  const before = await pack.evaluate(facts, { asOf, explain: false });
  const after = await pack.evaluate(facts, { asOf, explain: false, parameters: overrides });
  if (canonicalJson(before.outcome) !== canonicalJson(after.outcome)) changes.push({ claimId, facts, before, after });
}
// #endregion impact
console.log(`4. impact on Jinbei's ${claims.length} recent claims: ${changes.length} changed, ${claims.length - changes.length} unchanged`);
const show = (o) => `${o.remedy}${o.loanerCar ? ' + loaner car' : ''} [${o.articles.join(', ')}]`;
for (const { claimId, facts, before, after } of changes) {
  console.log(`   ${claimId} (${facts.faultSystem}, invoiced ${facts.invoiceDate}, ${facts.odometerKm} km)`);
  console.log(`       before: ${show(before.outcome)}`);
  console.log(`       after:  ${show(after.outcome)}`);
  console.log(`               ${after.messages.zh}`);
  console.log(`               ${after.messages.en}`);
}
