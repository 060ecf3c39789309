/**
 * Writes suite reports as JUnit XML, the report format CI systems (Jenkins, GitLab, GitHub actions' test
 * reporters) read: one `<testsuite>` per pack named `id@version` (two versions of a pack stay two suites when
 * reports are merged), one `<testcase>` per case, a `<failure>` with expected vs actual for a case whose
 * assertion failed, an `<error>` for a case where evaluation threw instead of deciding, and the pack and suite
 * files and the coverage as suite properties so an auditor can file the report as it is. A pack or suite that
 * could not be loaded is a suite of one `<error>` test case: a dashboard never shows green for a run that
 * tested nothing. Every gate the run enforces (coverage at `--threshold`, `--lint`) is a test case of its pack's
 * suite, failed when the gate is not met: the report's counts agree with the exit code.
 */
import type { CaseResult, SuiteReport } from '@aftersales/core';

/** Escapes text for XML content and attribute values; drops characters XML 1.0 cannot carry. */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(6);
}

/** Where a report's pack and suite came from (paths as the user should read them). */
export interface ReportFiles {
  /** The `pack.json` (absent for a bundled pack). */
  packFile?: string;
  /** The suite file (absent for a bundled pack). */
  suiteFile?: string;
  /** The gates the run checked on this pack (coverage threshold, lint): each one test case. */
  gates?: GateResult[];
}

/**
 * A gate the run enforces on a pack beyond its cases: coverage at or above `--threshold`, no finding of the
 * threshold lint with `--lint`. Each reporter shows every gate (JUnit: a test case, with a `<failure>` when the
 * gate is not met), so a report never reads green for a run whose exit code is not 0.
 */
export interface GateResult {
  gate: 'coverage' | 'lint';
  ok: boolean;
  /** One line, e.g. `coverage 50% >= 100%`. */
  message: string;
  /** What is missing: uncovered conditions or lint findings, one line each. */
  details: string[];
}

/** A pack or a suite that could not be loaded, so nothing of it ran. */
export interface UnloadableEntry {
  /** The pack id (or `id@version`) when known, else the file. */
  name: string;
  /** The file that did not load. */
  file?: string;
  /** The error code, e.g. `INVALID_PACK`, `INVALID_SUITE`, `NO_SUITE`. */
  code: string;
  /** One line saying what went wrong. */
  message: string;
  /** Every problem, one line each (`file:line:col /pointer message [code]`). */
  details: string[];
}

/** The counts of a run: cases plus one test per unloadable entry; failures exclude errors, as JUnit counts them. */
export function junitCounts(
  reports: ReadonlyArray<SuiteReport & ReportFiles>,
  unloadable: readonly UnloadableEntry[] = [],
): { tests: number; failures: number; errors: number } {
  return {
    tests: reports.reduce((n, r) => n + r.cases.length + (r.gates?.length ?? 0), 0) + unloadable.length,
    failures: reports.reduce((n, r) => n + r.failed - (r.errors ?? 0) + gateFailures(r), 0),
    errors: reports.reduce((n, r) => n + (r.errors ?? 0), 0) + unloadable.length,
  };
}

function gateFailures(report: ReportFiles): number {
  return (report.gates ?? []).filter((g) => !g.ok).length;
}

function property(name: string, value: string | number): string {
  return `      <property name="${escapeXml(name)}" value="${escapeXml(String(value))}"/>`;
}

function caseBody(result: CaseResult): string {
  return [...result.failures, `expected: ${JSON.stringify(result.expected)}`, `actual: ${JSON.stringify(result.actual)}`].join('\n');
}

/**
 * Renders suite reports as a JUnit XML document.
 *
 * @param reports - one report per pack, in the order run, each with the files it came from when on disk
 * @param timestamp - when the run started (ISO 8601 without offset, as JUnit wants), e.g. `2026-01-15T10:00:00`
 * @param unloadable - packs and suites that could not be loaded: each becomes a suite with one `<error>` case
 * @returns the XML text, UTF-8, ending with a newline
 * @example
 * ```ts
 * writeFileSync('junit.xml', renderJunit([await runSuite(pack, suite)], '2026-01-15T10:00:00'));
 * ```
 */
export function renderJunit(
  reports: ReadonlyArray<SuiteReport & ReportFiles>,
  timestamp: string,
  unloadable: readonly UnloadableEntry[] = [],
): string {
  const counts = junitCounts(reports, unloadable);
  const time = reports.reduce((n, r) => n + r.durationMs, 0);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<testsuites name="aftersales" tests="${counts.tests}" failures="${counts.failures}" errors="${counts.errors}" time="${seconds(time)}">`);
  let id = 0;
  for (const report of reports) {
    const name = escapeXml(report.version ? `${report.pack}@${report.version}` : report.pack);
    const errors = report.errors ?? 0;
    out.push(
      `  <testsuite name="${name}" id="${id++}" tests="${report.cases.length + (report.gates?.length ?? 0)}" failures="${report.failed - errors + gateFailures(report)}" errors="${errors}" skipped="0" time="${seconds(report.durationMs)}" timestamp="${escapeXml(timestamp)}">`,
    );
    out.push('    <properties>');
    out.push(property('pack', report.pack));
    if (report.version) out.push(property('pack.version', report.version));
    if (report.packFile) out.push(property('pack.file', report.packFile));
    if (report.suiteFile) out.push(property('suite.file', report.suiteFile));
    out.push(property('coverage.percent', report.coverage.percent));
    out.push(property('coverage.covered', report.coverage.covered));
    out.push(property('coverage.total', report.coverage.total));
    out.push('    </properties>');
    for (const result of report.cases) {
      const open = `    <testcase name="${escapeXml(result.name)}" classname="${name}" time="${seconds(result.durationMs)}"`;
      if (result.status === 'pass') {
        out.push(`${open}/>`);
        continue;
      }
      out.push(`${open}>`);
      if (result.error) {
        const message = `${result.error.code}: ${result.error.message}`;
        out.push(`      <error message="${escapeXml(message)}" type="${escapeXml(result.error.code)}">${escapeXml(caseBody(result))}</error>`);
      } else {
        out.push(`      <failure message="${escapeXml(result.failures[0] ?? 'failed')}" type="AssertionError">${escapeXml(caseBody(result))}</failure>`);
      }
      out.push('    </testcase>');
    }
    for (const gate of report.gates ?? []) {
      const open = `    <testcase name="${escapeXml(`gate: ${gate.gate}`)}" classname="${name}" time="0.000000"`;
      if (gate.ok) out.push(`${open}/>`);
      else {
        out.push(`${open}>`);
        out.push(`      <failure message="${escapeXml(gate.message)}" type="${gate.gate === 'coverage' ? 'CoverageBelowThreshold' : 'LintFindings'}">${escapeXml(gate.details.join('\n'))}</failure>`);
        out.push('    </testcase>');
      }
    }
    if (report.coverage.missing.length > 0) {
      out.push(`    <system-out>${escapeXml(['coverage missing:', ...report.coverage.missing].join('\n'))}</system-out>`);
    }
    out.push('  </testsuite>');
  }
  for (const entry of unloadable) {
    const name = escapeXml(entry.name);
    out.push(`  <testsuite name="${name}" id="${id++}" tests="1" failures="0" errors="1" skipped="0" time="0.000000" timestamp="${escapeXml(timestamp)}">`);
    if (entry.file) out.push('    <properties>', property('file', entry.file), '    </properties>');
    out.push(`    <testcase name="${escapeXml(`load ${entry.file ?? entry.name}`)}" classname="${name}" time="0.000000">`);
    out.push(`      <error message="${escapeXml(entry.message)}" type="${escapeXml(entry.code)}">${escapeXml(entry.details.join('\n'))}</error>`);
    out.push('    </testcase>');
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}
