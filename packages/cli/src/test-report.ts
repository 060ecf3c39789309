/**
 * What `aftersales test` reports, in one model read by each reporter (pretty, JSON, JUnit), so that the three
 * and the exit code always agree: the suites that ran, and the packs that could not be tested — a pack or a
 * suite that does not load (invalid input, exit 2) or a pack without a suite (exit 1). The summary line never
 * says `PASS: 0/0` for a run that tested nothing.
 */
import type { CaseResult, SuiteReport } from '@aftersales/core';
import { PLAIN, type Palette } from './colour.js';
import type { GateResult, UnloadableEntry } from './junit.js';

export type { GateResult } from './junit.js';
import { displayPath, type PackFileFailure, type PackTarget } from './packs.js';
import { formatProblem } from './commands/problems.js';

/** A suite that ran, with the pack it ran against and the gates checked on it. */
export interface SuiteRun {
  target: PackTarget;
  report: SuiteReport;
  gates?: GateResult[];
}

/** Everything one `aftersales test` found. */
export interface TestRun {
  runs: SuiteRun[];
  /** Packs and suites that could not be tested (`NO_SUITE` for a pack without a suite). */
  notRun: UnloadableEntry[];
  threshold?: number;
}

/** The code of a pack without a suite: a gap (exit 1), not invalid input. */
export const NO_SUITE = 'NO_SUITE';

/** A pack file that did not load, as a report entry. */
export function packFailureEntry(failure: PackFileFailure, lang: 'zh' | 'en' = 'en'): UnloadableEntry {
  const file = displayPath(failure.file);
  const syntax = failure.problems.some((p) => p.code === 'INVALID_JSON');
  return {
    name: file,
    file,
    code: syntax ? 'INVALID_JSON' : 'INVALID_PACK',
    message: `${file}: ${syntax ? 'not JSON' : 'invalid pack'}: ${failure.problems.length} problem(s) / 规则包无法加载`,
    details: failure.problems.map((p) => formatProblem(p, lang)),
  };
}

/** A suite file that did not parse or is not a valid suite of its pack, as a report entry. */
export function suiteFailureEntry(target: PackTarget, failure: PackFileFailure, lang: 'zh' | 'en' = 'en'): UnloadableEntry {
  const file = displayPath(failure.file);
  const syntax = failure.problems.some((p) => p.code === 'INVALID_JSON');
  return {
    name: `${target.id}@${target.pack.version}`,
    file,
    code: syntax ? 'INVALID_JSON' : 'INVALID_SUITE',
    message: `${file}: ${syntax ? 'not JSON' : 'invalid test suite'}: ${failure.problems.length} problem(s) / 测试用例集无法加载`,
    details: failure.problems.map((p) => formatProblem(p, lang)),
  };
}

/** A pack without a suite, as a report entry. */
export function noSuiteEntry(target: PackTarget): UnloadableEntry {
  const where = target.file ? displayPath(target.file) : target.id;
  return {
    name: `${target.id}@${target.pack.version}`,
    ...(target.file ? { file: where } : {}),
    code: NO_SUITE,
    message: `${target.id}: no test suite (${target.id}.test.json beside ${where}) / 没有测试用例集`,
    details: [],
  };
}

/** Counts of a run: cases passed, failed (assertions), errored (engine errors), and packs not run. */
export function counts(run: TestRun): { passed: number; failed: number; errors: number; total: number; notRun: number } {
  const passed = run.runs.reduce((n, r) => n + r.report.passed, 0);
  const total = run.runs.reduce((n, r) => n + r.report.cases.length, 0);
  const errors = run.runs.reduce((n, r) => n + r.report.errors, 0);
  return { passed, failed: total - passed - errors, errors, total, notRun: run.notRun.length };
}

/** The coverage gate of a suite at a threshold. */
export function coverageGate(report: SuiteReport, threshold: number): GateResult {
  const ok = report.coverage.percent >= threshold;
  return {
    gate: 'coverage',
    ok,
    message: `coverage ${pct(report.coverage.percent)} ${ok ? '>=' : '<'} ${threshold}% / 覆盖率${ok ? '达到' : '低于'}阈值`,
    details: ok ? [] : report.coverage.missing,
  };
}

/** The gates of a run that are not met, with the suite they belong to. */
export function failedGates(run: TestRun): Array<{ run: SuiteRun; gate: GateResult }> {
  return run.runs.flatMap((r) => (r.gates ?? []).filter((g) => !g.ok).map((gate) => ({ run: r, gate })));
}

/** The suites whose coverage is below the threshold. */
export function belowThreshold(run: TestRun): SuiteRun[] {
  const threshold = run.threshold;
  return threshold === undefined ? [] : run.runs.filter((r) => r.report.coverage.percent < threshold);
}

/**
 * The exit code the docs promise: 2 for invalid input (a pack or suite that does not load), else 1 when a case
 * failed or errored, a pack has no suite, coverage is below the threshold or no case ran, else 0.
 */
export function exitCode(run: TestRun): number {
  if (run.notRun.some((e) => e.code !== NO_SUITE)) return 2;
  const c = counts(run);
  // A run that tested nothing (`--run` matching no case) is not a pass.
  return c.total > 0 && c.passed === c.total && c.notRun === 0 && belowThreshold(run).length === 0 && failedGates(run).length === 0 ? 0 : 1;
}

/** The summary lines after the separator: PASS/FAIL/ERROR over the cases run, then what was not run. */
export function summaryLines(run: TestRun): string[] {
  const c = counts(run);
  const lines: string[] = [];
  if (c.total > 0) {
    lines.push(`PASS: ${c.passed}/${c.total}`);
    if (c.failed > 0) lines.push(`FAIL: ${c.failed}/${c.total}`);
    if (c.errors > 0) lines.push(`ERROR: ${c.errors}/${c.total}`);
  }
  if (c.notRun > 0) {
    const invalid = run.notRun.filter((e) => e.code !== NO_SUITE).length;
    const parts = [invalid > 0 ? `${invalid} invalid pack or suite file(s)` : '', c.notRun - invalid > 0 ? `${c.notRun - invalid} pack(s) without a suite` : ''];
    lines.push(`NOT RUN: ${c.notRun} (${parts.filter(Boolean).join(', ')}) / 未运行`);
  }
  const gates = failedGates(run);
  if (gates.length > 0) lines.push(`GATES FAILED: ${gates.map(({ run: r, gate }) => `${r.report.pack} ${gate.gate}`).join(', ')} / 未通过的门槛`);
  if (c.total === 0 && c.notRun === 0) lines.push('NO CASES: nothing was tested / 没有运行任何用例');
  return lines;
}

/** The JSON report: counts, then one entry per pack — its suite's results, or why it was not run. */
export function renderJsonReport(run: TestRun): string {
  const c = counts(run);
  const report = {
    passed: c.passed,
    failed: c.failed + c.errors,
    errors: c.errors,
    total: c.total,
    notRun: c.notRun,
    gatesFailed: failedGates(run).length,
    ...(run.threshold !== undefined ? { threshold: run.threshold } : {}),
    exitCode: exitCode(run),
    packs: [
      ...run.runs.map(({ target, report: r, gates = [] }) => ({
        pack: r.pack,
        version: r.version,
        ...(target.file ? { file: displayPath(target.file) } : {}),
        ...(target.suiteFile ? { suiteFile: displayPath(target.suiteFile) } : {}),
        status: r.failed > 0 || gates.some((g) => !g.ok) ? 'fail' : 'pass',
        passed: r.passed,
        failed: r.failed,
        errors: r.errors,
        durationMs: r.durationMs,
        coverage: r.coverage,
        gates,
        cases: r.cases.map(({ decision: _decision, ...rest }: CaseResult) => rest),
      })),
      ...run.notRun.map((e) => ({
        pack: e.name,
        ...(e.file ? { file: e.file } : {}),
        status: 'error',
        error: { code: e.code, message: e.message, problems: e.details },
      })),
    ],
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** Options of the pretty report. */
export interface PrettyOptions {
  /** Print each pack's coverage and what it misses. */
  coverage?: boolean;
  /** Failures, errors and the summary only. */
  quiet?: boolean;
  /** Colours (off by default). */
  paint?: Palette;
}

const SEPARATOR = '--------------------------------------------------------------------------------';
const ms = (x: number) => `${x < 10 ? x.toFixed(2) : x.toFixed(1)} ms`;
/** Percent with two decimals at most. */
export const pct = (n: number): string => `${Math.round(n * 100) / 100}%`;

/** The lines of a case that did not pass: what differs, the facts, the rules that fired and where it is written. */
function failingCase({ target, report }: SuiteRun, c: CaseResult, paint: Palette): string[] {
  const status = c.error ? 'ERROR' : 'FAIL';
  const lines = [`${report.pack}: ${c.name}: ${paint.red(status)} (${ms(c.durationMs)})`];
  if (c.error) lines.push(`    ${c.error.code}: ${c.error.message}`);
  else for (const f of c.failures) lines.push(`    ${f}`);
  const testCase = target.suite?.cases.find((k) => k.name === c.name);
  lines.push(`    expected: ${JSON.stringify(c.expected)}`, `    actual:   ${JSON.stringify(c.actual)}`);
  if (testCase) lines.push(`    facts:    ${JSON.stringify(testCase.facts)}`);
  if (c.decision) lines.push(`    fired:    ${c.decision.fired.map((f) => f.rule).join(', ') || '(none)'}`);
  const index = target.suite?.cases.findIndex((k) => k.name === c.name) ?? -1;
  if (target.suiteFile && index >= 0) {
    const at = target.suiteLocations?.locate(`/cases/${index}`);
    lines.push(paint.dim(`    at ${displayPath(target.suiteFile)}${at ? `:${at.line}:${at.column}` : ''}`));
  }
  return lines;
}

/**
 * The pretty report, OPA style: cases that did not pass first (with their facts, the rules that fired and their
 * line in the suite file), then passes (unless quiet), then what could not be tested, coverage, and the summary.
 */
export function renderPrettyReport(run: TestRun, options: PrettyOptions = {}): string {
  const paint = options.paint ?? PLAIN;
  const lines: string[] = [];
  const cases = run.runs.flatMap((r) => r.report.cases.map((c) => ({ r, c })));
  for (const { r, c } of cases.filter(({ c }) => c.status !== 'pass')) lines.push(...failingCase(r, c, paint));
  if (!options.quiet) {
    for (const { r, c } of cases.filter(({ c }) => c.status === 'pass')) lines.push(`${r.report.pack}: ${c.name}: ${paint.green('PASS')} (${ms(c.durationMs)})`);
  }
  for (const entry of run.notRun) {
    lines.push(`${paint.red('ERROR')} ${entry.message}`);
    for (const d of entry.details) lines.push(`    ${d}`);
  }
  const below = belowThreshold(run);
  if (options.coverage || run.threshold !== undefined) {
    if (!options.quiet) {
      lines.push('');
      for (const { report: r } of run.runs) {
        lines.push(`coverage ${r.pack}: ${pct(r.coverage.percent)} (${r.coverage.covered}/${r.coverage.total})`);
        for (const m of r.coverage.missing) lines.push(`    ${m}`);
      }
    }
    for (const { report: r } of below) {
      lines.push(paint.red(`coverage ${r.pack} ${pct(r.coverage.percent)} is below the threshold ${run.threshold}% / 覆盖率低于阈值`));
    }
  }
  for (const { run: r, gate } of failedGates(run)) {
    if (gate.gate !== 'lint') continue;
    lines.push(paint.red(`lint ${r.report.pack}: ${gate.message}`));
    for (const d of gate.details) lines.push(`    ${d}`);
  }
  const ok = exitCode(run) === 0;
  lines.push(SEPARATOR, ...summaryLines(run).map((line) => (ok ? paint.green(line) : line.startsWith('PASS') ? line : paint.red(line))));
  return `${lines.join('\n')}\n`;
}
