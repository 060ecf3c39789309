/**
 * An OEM's warranty desk decides a night's export of car warranty claims in bulk. `claims.jsonl` holds one claim
 * a line — the dealer's claim id and the facts of the `warranty-car` pack (SAMR Order 43) — including two broken
 * lines, as real exports do. Each line is decided on the compiled synchronous path (`evaluateSync`, no
 * explanation: a batch is about outcomes); a bad line becomes an error record with its line number and the batch
 * goes on. The decisions are written to `decisions.jsonl` (in a temporary folder) and a summary table of remedies
 * is printed. The same batch from the command line: `aftersales eval warranty-car --input facts.jsonl` (one facts
 * object a line; see docs/testing-and-coverage.md).
 *
 * Usage: pnpm --filter @aftersales/example-03-batch-warranty-claims start
 *        (or `node examples/03-batch-warranty-claims/index.mjs` after `pnpm build`)
 */
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { loadBundledPacks } from '@aftersales/rules';

const pack = loadBundledPacks().get('warranty-car');
// One asOf for the whole run: the night the batch was taken. A claim without `claimDate` is judged on this date.
const asOf = '2026-03-02T23:00:00+08:00';

const dir = mkdtempSync(join(tmpdir(), 'aftersales-batch-'));
const outputFile = join(dir, 'decisions.jsonl');
const output = createWriteStream(outputFile);

// #region batch
const lines = createInterface({ input: createReadStream(new URL('claims.jsonl', import.meta.url)), crlfDelay: Infinity });
const rows = [];
let lineNo = 0;
for await (const line of lines) {
  lineNo++;
  if (line.trim() === '') continue;
  let claim;
  let record;
  try {
    claim = JSON.parse(line);
    const decision = pack.evaluateSync(claim.facts, { asOf, explain: false });
    record = { line: lineNo, claimId: claim.claimId, dealer: claim.dealer, decision };
  } catch (error) {
    // Not JSON, or facts the pack refuses (INVALID_FACTS with a JSON pointer per problem): keep going.
    const code = error.code ?? (error instanceof SyntaxError ? 'INVALID_JSON' : 'INTERNAL');
    record = { line: lineNo, claimId: claim?.claimId, dealer: claim?.dealer, error: { code, message: error.message, problems: error.problems ?? [] } };
  }
  rows.push(record);
  if (!output.write(`${JSON.stringify(record)}\n`)) await once(output, 'drain');
}
output.end();
await once(output, 'finish');
// #endregion batch

const pad = (s, n) => String(s).padEnd(n);
console.log(`warranty-car@${pack.version}, as of ${asOf}: ${rows.length} lines`);
console.log();
console.log(`${pad('line', 5)}${pad('claim', 10)}${pad('dealer', 9)}${pad('remedy', 30)}${pad('loaner', 7)}${pad('comp. ¥', 10)}articles`);
for (const row of rows) {
  if (row.error) {
    console.log(`${pad(row.line, 5)}${pad(row.claimId ?? '?', 10)}${pad(row.dealer ?? '?', 9)}ERROR ${row.error.code}`);
    for (const p of row.error.problems) console.log(`${' '.repeat(24)}${p.path} ${p.message}`);
    continue;
  }
  const o = row.decision.outcome;
  const comp = o.usageCompensationYuan === undefined || o.usageCompensationYuan === null ? '' : o.usageCompensationYuan.toFixed(2);
  const remedy = o.excludedBy.length > 0 ? `none (${o.excludedBy.join(', ')})` : o.remedy;
  console.log(
    `${pad(row.line, 5)}${pad(row.claimId, 10)}${pad(row.dealer, 9)}${pad(remedy, 30)}${pad(o.loanerCar ? 'yes' : '', 7)}${pad(comp, 10)}${o.articles.join(', ')}`,
  );
}

// #region summary
const byRemedy = new Map();
for (const row of rows.filter((r) => !r.error)) {
  const { remedy, freeRepair } = row.decision.outcome;
  const entry = byRemedy.get(remedy) ?? { claims: 0, freeRepair: 0 };
  entry.claims++;
  if (freeRepair) entry.freeRepair++;
  byRemedy.set(remedy, entry);
}
// #endregion summary
const labels = {
  'replacement-or-refund': '换车或退货',
  'assembly-replacement': '更换总成',
  repair: '免费修理',
  none: '无三包责任',
};
console.log();
console.log('Summary by remedy / 按三包责任汇总');
console.log(`${pad('remedy', 23)}${pad('', 12)}${pad('claims', 8)}with free repair`);
for (const remedy of ['replacement-or-refund', 'assembly-replacement', 'repair', 'none']) {
  const entry = byRemedy.get(remedy) ?? { claims: 0, freeRepair: 0 };
  console.log(`${pad(remedy, 23)}${labels[remedy]}${' '.repeat(12 - labels[remedy].length * 2)}${pad(entry.claims, 8)}${entry.freeRepair}`);
}
const errors = rows.filter((r) => r.error).length;
console.log(`${pad('errors', 35)}${errors}   (lines ${rows.filter((r) => r.error).map((r) => r.line).join(', ')})`);
const written = readFileSync(outputFile, 'utf8').trimEnd().split('\n').length;
console.log(`decisions.jsonl: ${written} records, one per input line, in input order`);

rmSync(dir, { recursive: true, force: true });
