/**
 * Every gate `aftersales test` enforces shows in every reporter, so a CI test tab never reads green for a red job:
 * coverage below `--threshold`, lint findings with `--lint`, and a suite that does not load. For each reporter
 * (pretty, json, junit) the exit code and the report agree: a JUnit report counts a failure (or an error) exactly
 * when the run exits non-zero, a JSON report carries the same exit code and the failed gate.
 */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, fixtures, runCli, runInProcess } from './run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'aftersales-gates-'));
const asOf = '2026-01-15T10:00:00+08:00';

/** A copy of the claim-severity fixture whose suite holds only `cases` (or the raw text given). */
function withSuite(name: string, suite: unknown): string {
  const dir = join(tmp, name);
  cpSync(join(fixtures, 'claim-severity'), dir, { recursive: true });
  writeFileSync(join(dir, 'claim-severity.test.json'), typeof suite === 'string' ? suite : JSON.stringify({ pack: 'claim-severity', asOf, cases: suite }));
  return join(dir, 'pack.json');
}

let halfCovered: string;
let full: string;
let lintGaps: string;
let unloadable: string;

beforeAll(() => {
  assertBuilt();
  // One passing case that fires no rule: every case passes, coverage is far below 100 %.
  halfCovered = withSuite('half', [{ name: 'a small claim is general', facts: { claimAmountYuan: 1 }, expect: { outcome: { level: null } } }]);
  full = join(fixtures, 'claim-severity/pack.json');
  // Every case passes and every rule fires, but no case sits at or just above the 10,000 and 50,000 lines.
  lintGaps = withSuite('lint', [
    { name: 'small', facts: { claimAmountYuan: 1 }, expect: { outcome: { level: null } } },
    { name: 'level 3', facts: { claimAmountYuan: 20000 }, expect: { outcome: { level: 3 } } },
    { name: 'level 2', facts: { claimAmountYuan: 90000 }, expect: { outcome: { level: 2 } } },
    { name: 'breakdown', facts: { claimAmountYuan: 1, breakdown: true }, expect: { outcome: { level: 3 } } },
  ]);
  unloadable = withSuite('unloadable', '{ "pack": "claim-severity", "cases": [ }');
});

/** The failures + errors a JUnit report counts on its root element. */
function junitFailures(xml: string): number {
  const m = /<testsuites [^>]*failures="(\d+)" errors="(\d+)"/.exec(xml);
  expect(m, xml).not.toBeNull();
  return Number(m![1]) + Number(m![2]);
}

describe.each(['pretty', 'json', 'junit'] as const)('the %s reporter agrees with the exit code', (reporter) => {
  // In this process (the same code and exit code as the bin, without a Node start-up a call); the bin itself
  // runs once a reporter below.
  const run = (...args: string[]) => runInProcess(['test', ...args, '--reporter', reporter]);
  /** Whether the report itself says the run failed. */
  const reportFails = (stdout: string): boolean => {
    if (reporter === 'junit') return junitFailures(stdout) > 0;
    if (reporter === 'json') return (JSON.parse(stdout) as { exitCode: number }).exitCode !== 0;
    return /below the threshold|^lint |ERROR|FAIL|GATES FAILED/m.test(stdout);
  };

  it('coverage below the threshold fails the run and the report', async () => {
    const r = await run(halfCovered, '--threshold', '100');
    expect(r.code).toBe(1);
    expect(reportFails(r.stdout)).toBe(true);
    if (reporter === 'junit') expect(r.stdout).toMatch(/<testcase name="gate: coverage"[^>]*>\s*<failure message="coverage \d+(\.\d+)?% &lt; 100%/);
    if (reporter === 'json') {
      const gate = (JSON.parse(r.stdout) as { packs: Array<{ status: string; gates: Array<{ gate: string; ok: boolean }> }> }).packs[0]!;
      expect(gate.status).toBe('fail');
      expect(gate.gates).toEqual([expect.objectContaining({ gate: 'coverage', ok: false })]);
    }
    // The bin: the same exit code and a report that agrees with it.
    const spawned = await runCli(['test', halfCovered, '--threshold', '100', '--reporter', reporter]);
    expect(spawned.code).toBe(1);
    expect(reportFails(spawned.stdout)).toBe(true);
  });

  it('coverage at the threshold passes the run and the report', async () => {
    const r = await run(full, '--threshold', '100');
    expect(r.code).toBe(0);
    expect(reportFails(r.stdout)).toBe(false);
    if (reporter === 'junit') expect(r.stdout).toContain('<testcase name="gate: coverage" classname="claim-severity@');
  });

  it('lint findings fail the run and the report with --lint, and only with it', async () => {
    const without = await run(lintGaps);
    expect(without.code).toBe(0);
    expect(reportFails(without.stdout)).toBe(false);
    const r = await run(lintGaps, '--lint');
    expect(r.code).toBe(1);
    expect(reportFails(r.stdout)).toBe(true);
    if (reporter === 'junit') expect(r.stdout).toMatch(/<testcase name="gate: lint"[^>]*>\s*<failure [^>]*type="LintFindings">[^<]*claimAmountYuan greaterThanInclusive/);
  });

  it('a suite that does not load fails the run and the report', async () => {
    const r = await run(unloadable);
    expect(r.code).toBe(2);
    expect(reportFails(r.stdout)).toBe(true);
  });
});
