/**
 * Writes suite reports as JUnit XML, the report format CI systems (Jenkins, GitLab, GitHub actions' test
 * reporters) read: one `<testsuite>` per pack, one `<testcase>` per case, a `<failure>` with expected vs actual
 * for each failed case, and the coverage as suite properties so an auditor can file the report as it is.
 */
import type { SuiteReport } from '@aftersales/core';

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

/**
 * Renders suite reports as a JUnit XML document.
 *
 * @param reports - one report per pack, in the order run
 * @param timestamp - when the run started (ISO 8601 without offset, as JUnit wants), e.g. `2026-01-15T10:00:00`
 * @returns the XML text, UTF-8, ending with a newline
 * @example
 * ```ts
 * writeFileSync('junit.xml', renderJunit([await runSuite(pack, suite)], '2026-01-15T10:00:00'));
 * ```
 */
export function renderJunit(reports: SuiteReport[], timestamp: string): string {
  const tests = reports.reduce((n, r) => n + r.cases.length, 0);
  const failures = reports.reduce((n, r) => n + r.failed, 0);
  const time = reports.reduce((n, r) => n + r.durationMs, 0);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<testsuites name="aftersales" tests="${tests}" failures="${failures}" errors="0" time="${seconds(time)}">`);
  reports.forEach((report, id) => {
    out.push(
      `  <testsuite name="${escapeXml(report.pack)}" id="${id}" tests="${report.cases.length}" failures="${report.failed}" errors="0" skipped="0" time="${seconds(report.durationMs)}" timestamp="${escapeXml(timestamp)}">`,
    );
    out.push('    <properties>');
    out.push(`      <property name="coverage.percent" value="${report.coverage.percent}"/>`);
    out.push(`      <property name="coverage.covered" value="${report.coverage.covered}"/>`);
    out.push(`      <property name="coverage.total" value="${report.coverage.total}"/>`);
    out.push('    </properties>');
    for (const result of report.cases) {
      const open = `    <testcase name="${escapeXml(result.name)}" classname="${escapeXml(report.pack)}" time="${seconds(result.durationMs)}"`;
      if (result.status === 'pass') {
        out.push(`${open}/>`);
        continue;
      }
      const message = result.failures[0] ?? 'failed';
      const body = [
        ...result.failures,
        `expected: ${JSON.stringify(result.expected)}`,
        `actual: ${JSON.stringify(result.actual)}`,
      ].join('\n');
      out.push(`${open}>`);
      out.push(`      <failure message="${escapeXml(message)}" type="AssertionError">${escapeXml(body)}</failure>`);
      out.push('    </testcase>');
    }
    if (report.coverage.missing.length > 0) {
      out.push(`    <system-out>${escapeXml(['coverage missing:', ...report.coverage.missing].join('\n'))}</system-out>`);
    }
    out.push('  </testsuite>');
  });
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}
