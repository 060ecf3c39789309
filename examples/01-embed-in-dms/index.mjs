/**
 * A small dealer-management system (DMS) that embeds aftersales in its own process. A quality report arrives
 * from a service centre; the `quality-severity` pack grades it, the `escalation` pack says who must do what by
 * when, and the DMS stores both decisions next to its own record (here a JSON file), so that anyone can later
 * see which pack version decided, as of when, and why — and re-run the decision to check it.
 *
 * Usage: pnpm --filter @aftersales/example-01-embed-in-dms start
 *        (or `node examples/01-embed-in-dms/index.mjs` after `pnpm build`; `pnpm examples` checks OUTPUT.txt)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson } from '@aftersales/core';
import { loadBundledPacks } from '@aftersales/rules';

// #region load
// Load every bundled pack once at start-up: validated and compiled, then shared by every request.
const registry = loadBundledPacks();
const severity = registry.get('quality-severity');
const escalation = registry.get('escalation');
// #endregion load

/** The DMS's own store: one JSON document per quality report, in a file. */
class JsonFileStore {
  constructor(file) {
    this.file = file;
    writeFileSync(file, '{}');
  }
  put(record) {
    const all = JSON.parse(readFileSync(this.file, 'utf8'));
    all[record.reportId] = record;
    writeFileSync(this.file, `${JSON.stringify(all, null, 2)}\n`);
  }
  get(reportId) {
    return JSON.parse(readFileSync(this.file, 'utf8'))[reportId];
  }
}

/** What the host keeps of a decision: enough to audit it and to replay it. */
// #region keep
function keep(decision, facts) {
  return {
    pack: decision.pack,
    version: decision.version,
    packHash: decision.packHash,
    asOf: decision.asOf,
    parameters: decision.parameters,
    facts,
    outcome: decision.outcome,
    fired: decision.fired.map((f) => ({ rule: f.rule, source: f.source })),
    messages: decision.messages,
  };
}
// #endregion keep

/** Handles one incoming report: grade it, escalate it, store everything with the report. */
async function receiveQualityReport(store, report) {
  // The DMS's fields mapped onto the pack's facts (names from packages/rules/packs/quality-severity/README.md).
  // #region grade
  const severityFacts = {
    claimAmountYuan: report.claimYuan,
    breakdown: report.vehicleStranded,
    complaintFrequency: report.complaintFrequency,
  };
  // `asOf` is the instant the decision is taken as of: the engine never reads a clock.
  const graded = await severity.evaluate(severityFacts, { asOf: report.receivedAt });
  // graded.outcome -> { class: 'major', level: 2 }
  // #endregion grade

  // #region escalate
  const escalationFacts = {
    kind: 'quality-information',
    level: graded.outcome.level,
    receivedAt: report.receivedAt,
    receivedBy: 'service-center',
  };
  const escalated = await escalation.evaluate(escalationFacts, { asOf: report.receivedAt });
  // escalated.outcome.actions -> [{ id, owner, dueAt, text: { zh, en } }, ...]
  // #endregion escalate

  store.put({ ...report, aftersales: { severity: keep(graded, severityFacts), escalation: keep(escalated, escalationFacts) } });
  return { graded, escalated };
}

const dir = mkdtempSync(join(tmpdir(), 'aftersales-dms-'));
const store = new JsonFileStore(join(dir, 'quality-reports.json'));

const reports = [
  {
    reportId: 'QR-2026-0042',
    dealer: 'SY-017 沈阳北站服务中心',
    vin: 'LSJA24U69MS000042',
    summary: 'Clutch failure on the motorway, vehicle towed; customer claims 60,000 yuan.',
    claimYuan: 60000,
    vehicleStranded: true,
    complaintFrequency: 'low',
    receivedAt: '2026-03-02T09:30:00+08:00',
  },
  {
    reportId: 'QR-2026-0043',
    dealer: 'DL-004 大连开发区服务中心',
    vin: 'LSJA24U61MS000043',
    summary: 'Rattle from the rear door trim, fixed at the first visit.',
    claimYuan: 0,
    vehicleStranded: false,
    complaintFrequency: 'low',
    receivedAt: '2026-03-02T16:10:00+08:00',
  },
];

for (const report of reports) {
  const { graded, escalated } = await receiveQualityReport(store, report);
  console.log(`== ${report.reportId} (${report.dealer})`);
  console.log(`grade: ${JSON.stringify(graded.outcome)} by ${graded.pack}@${graded.version}`);
  console.log(`  ${graded.messages.zh}`);
  console.log(`  ${graded.messages.en}`);
  for (const f of graded.fired) console.log(`  fired ${f.rule} — ${f.source}`);
  console.log(`lead: ${escalated.outcome.lead}; departments: ${escalated.outcome.departments.join(', ')}`);
  for (const action of escalated.outcome.actions) {
    console.log(`  [${action.owner}] due ${action.dueAt ?? '(no deadline)'}  ${action.id}`);
    console.log(`      ${action.text.zh}`);
    console.log(`      ${action.text.en}`);
  }
  console.log();
}

// Later — an auditor opens the report and re-runs the stored decision against the same pack version.
// #region replay
const stored = store.get('QR-2026-0042').aftersales.severity;
const pack = registry.get(stored.pack);
if (pack.packHash !== stored.packHash) throw new Error('the pack changed since the decision: load the recorded version');
const again = await pack.evaluate(stored.facts, { asOf: stored.asOf, parameters: stored.parameters });
const identical = canonicalJson(again.outcome) === canonicalJson(stored.outcome);
// #endregion replay
console.log(`stored with QR-2026-0042: ${Object.keys(store.get('QR-2026-0042').aftersales).join(' + ')}`);
console.log(`  severity decided by ${stored.pack}@${stored.version} as of ${stored.asOf}, packHash kept: ${/^sha256:[0-9a-f]{64}$/.test(stored.packHash)}`);
console.log(`  replayed: ${identical ? 'identical outcome' : 'DIFFERENT outcome'}`);

rmSync(dir, { recursive: true, force: true });
