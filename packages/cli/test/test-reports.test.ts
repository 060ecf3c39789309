/**
 * `aftersales test` reports as CI reads them, and the input checks before a run: JUnit XML validated with
 * Debian's xmllint against a JUnit schema (fixtures/junit.xsd, after the Jenkins xUnit plugin's junit-10.xsd)
 * for passing, failing, erroring and unloadable cases; the JSON report's entries; the exit codes of
 * docs/testing-and-coverage.md (invalid input 2, failing cases 1); suites checked like packs, with file, line
 * and column; `validate --json` and `lint --json`. Fixture packs are copied into a temporary folder and changed
 * there. Without xmllint (package libxml2-utils) the schema test skips, saying so.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, fixtures, runCli, runInProcess } from './run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'aftersales-reports-'));
const schema = join(fixtures, 'junit.xsd');
const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;

/** A copy of a fixture pack folder under tmp, with its suite replaced by `suite` (text or JSON) when given. */
function packCopy(name: string, from: string, suite?: unknown): string {
  const dir = join(tmp, name);
  cpSync(join(fixtures, from), dir, { recursive: true });
  if (suite !== undefined) writeFileSync(join(dir, 'claim-severity.test.json'), typeof suite === 'string' ? suite : JSON.stringify(suite, null, 2));
  return join(dir, 'pack.json');
}

const asOf = '2026-01-15T10:00:00+08:00';
const good = join(fixtures, 'claim-severity/pack.json');
const failing = join(fixtures, 'failing/pack.json');
const broken = join(fixtures, 'broken/pack.json');
let erroring: string;
let typo: string;
let otherPack: string;
let syntax: string;

beforeAll(() => {
  assertBuilt();
  // A case whose facts break the fact schema while it expects a decision: an engine error, not an assertion.
  erroring = packCopy('erroring', 'claim-severity', {
    pack: 'claim-severity',
    asOf,
    cases: [
      { name: 'a claim of 50,000 yuan is level 2', facts: { claimAmountYuan: 50000 }, expect: { outcome: { level: 2 } } },
      { name: 'an amount in words', facts: { claimAmountYuan: 'fifty thousand' }, expect: { outcome: { level: 2 } } },
    ],
  });
  typo = packCopy('typo', 'claim-severity', {
    pack: 'claim-severity',
    asOf,
    cases: [{ name: 'level 2', facts: { claimAmountYuan: 50000 }, expect: { outcom: { level: 3 } } }],
  });
  otherPack = packCopy('other-pack', 'claim-severity', {
    pack: 'quality-severity',
    asOf,
    cases: [{ name: 'level 2', facts: { claimAmountYuan: 50000 }, expect: { outcome: { level: 2 } } }],
  });
  syntax = packCopy('syntax', 'claim-severity', `{\n  "pack": "claim-severity",\n  "cases": [\n    { "name": "x", }\n  ]\n}\n`);
  mkdirSync(join(tmp, 'out'), { recursive: true });
});

/** xmllint's verdict on a file against the JUnit schema. */
function xmllint(file: string): { valid: boolean; output: string } {
  const r = spawnSync('xmllint', ['--noout', '--schema', schema, file], { encoding: 'utf8' });
  return { valid: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

describe('JUnit report', () => {
  it.skipIf(!hasXmllint)('validates against the JUnit schema with passing, failing, erroring and unloadable cases (xmllint)', async () => {
    const out = join(tmp, 'out/junit.xml');
    const r = await runCli(['test', good, failing, erroring, broken, typo, '--reporter', 'junit', '--output', out]);
    expect(r.code).toBe(2);
    const xml = readFileSync(out, 'utf8');
    // 8 + 2 + 2 cases run, one unloadable pack and one unloadable suite; 1 assertion failed, 1 case and 2 files errored.
    expect(xml).toContain('<testsuites name="aftersales" tests="14" failures="1" errors="3"');
    expect(xml).toContain('<testsuite name="claim-severity@1.0.0" id="0" tests="8" failures="0" errors="0"');
    expect(xml).toContain('<property name="pack.file" value="packages/cli/test/fixtures/claim-severity/pack.json"/>');
    expect(xml).toContain('<property name="suite.file" value="packages/cli/test/fixtures/claim-severity/claim-severity.test.json"/>');
    expect(xml).toContain('<failure message="outcome.level: expected 2, got 3" type="AssertionError">');
    expect(xml).toMatch(/<testcase name="an amount in words" classname="claim-severity@1.0.0" time="[\d.]+">\n {6}<error message="INVALID_FACTS: [^"]*" type="INVALID_FACTS">/);
    expect(xml).toMatch(/<testcase name="load packages\/cli\/test\/fixtures\/broken\/pack.json"[^>]*>\n {6}<error message="[^"]*invalid pack[^"]*" type="INVALID_PACK">[^<]*broken\/pack.json:84:19 \/rules\/1\/priority must be &gt;= 0/);
    expect(xml).toMatch(/<error message="[^"]*typo\/claim-severity.test.json: invalid test suite[^"]*" type="INVALID_SUITE">[^<]*claim-severity.test.json:\d+:\d+ \/cases\/0\/expect\/outcom unknown key &quot;outcom&quot;: did you mean &quot;outcome&quot;\?/);
    const verdict = xmllint(out);
    expect(verdict.output).toContain('validates');
    expect(verdict.valid).toBe(true);
    // The schema does reject what CI would not read: a failure without a type, a testcase without a name.
    for (const [name, bad] of [
      ['no-type.xml', xml.replace(' type="AssertionError"', '')],
      ['no-name.xml', xml.replace(/<testcase name="[^"]*"/, '<testcase')],
    ] as const) {
      writeFileSync(join(tmp, 'out', name), bad);
      expect(xmllint(join(tmp, 'out', name)).valid, name).toBe(false);
    }
  });

  it.skipIf(hasXmllint)('is not checked against the JUnit schema: xmllint is not installed (apt-get install libxml2-utils)', () => {
    expect(hasXmllint).toBe(false);
  });
});

describe('exit codes and summary', () => {
  it('exits 2 for an invalid pack, reporting it with file:line:column and no PASS: 0/0', async () => {
    const r = await runCli(['test', broken]);
    expect(r.code).toBe(2);
    expect(r.stdout).not.toContain('PASS: 0/0');
    expect(r.stdout).toContain('ERROR packages/cli/test/fixtures/broken/pack.json: invalid pack');
    expect(r.stdout).toContain('    packages/cli/test/fixtures/broken/pack.json:84:19 /rules/1/priority must be >= 0 [schema.minimum]');
    expect(r.stdout).toMatch(/^NOT RUN: 1 \(1 invalid pack or suite file\(s\)\)/m);
  });

  it('exits 2 when one pack of several is invalid, still running the others', async () => {
    const r = await runInProcess(['test', good, broken]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^PASS: 8\/8$/m);
  });

  it('exits 1 for an engine error where a decision was expected, shown as ERROR with its code', async () => {
    const r = await runInProcess(['test', erroring]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^claim-severity: an amount in words: ERROR \(/m);
    expect(r.stdout).toContain('    INVALID_FACTS: ');
    expect(r.stdout).toMatch(/^PASS: 1\/2\nERROR: 1\/2$/m);
  });

  it('exits 2 for a suite with a misspelt expect key, which would otherwise have passed testing nothing', async () => {
    const r = await runInProcess(['test', typo]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/typo\/claim-severity\.test\.json:11:19 \/cases\/0\/expect\/outcom unknown key "outcom": did you mean "outcome"\? \(allowed: outcome, fired, error\) \[UNKNOWN_KEY\]/);
    expect(r.stdout).not.toMatch(/PASS/);
  });

  it("exits 2 for a suite naming another pack", async () => {
    const r = await runInProcess(['test', otherPack]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/other-pack\/claim-severity\.test\.json:2:\d+ \/pack names pack "quality-severity", but runs against pack "claim-severity" \[PACK_MISMATCH\]/);
  });

  it('prints a syntax error of a suite file with its file, line and column, not the usage text', async () => {
    const r = await runInProcess(['test', syntax]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/syntax\/claim-severity\.test\.json:4:\d+ \/ .* \[INVALID_JSON\]/);
    expect(`${r.stdout}${r.stderr}`).not.toContain('Usage:');
  });
});

describe('JSON report', () => {
  it('has an entry for every pack, an error entry for one that did not load, and engine errors counted apart', async () => {
    const r = await runInProcess(['test', good, erroring, broken, '--reporter', 'json']);
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ passed: 9, failed: 1, errors: 1, total: 10, notRun: 1, exitCode: 2 });
    expect(report.packs.map((p: { pack: string; status: string }) => [p.pack, p.status])).toEqual([
      ['claim-severity', 'pass'],
      ['claim-severity', 'fail'],
      ['packages/cli/test/fixtures/broken/pack.json', 'error'],
    ]);
    expect(report.packs[0]).toMatchObject({ version: '1.0.0', file: 'packages/cli/test/fixtures/claim-severity/pack.json' });
    expect(report.packs[1].cases[1]).toMatchObject({ status: 'fail', error: { code: 'INVALID_FACTS' } });
    expect(report.packs[2].error.code).toBe('INVALID_PACK');
    expect(report.packs[2].error.problems).toContain('packages/cli/test/fixtures/broken/pack.json:84:19 /rules/1/priority must be >= 0 [schema.minimum] (found -1)');
  });
});

describe('validate and lint', () => {
  it('validate --json prints one JSON document, valid and invalid packs and suites with their problems located', async () => {
    const ok = await runInProcess(['validate', good, '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({
      valid: true,
      packs: [{ pack: 'claim-severity', version: '1.0.0', file: 'packages/cli/test/fixtures/claim-severity/pack.json', suiteFile: 'packages/cli/test/fixtures/claim-severity/claim-severity.test.json' }],
      invalid: [],
    });
    const bad = await runInProcess(['validate', broken, typo, '--json']);
    expect(bad.code).toBe(2);
    const report = JSON.parse(bad.stdout);
    expect(report.valid).toBe(false);
    expect(report.invalid[0].problems).toContainEqual(expect.objectContaining({ path: '/rules/1/priority', line: 84, column: 19 }));
    expect(report.invalid[1].problems).toEqual([expect.objectContaining({ path: '/cases/0/expect/outcom', code: 'UNKNOWN_KEY', suggestion: 'outcome', line: 11, column: 19 })]);
  });

  it('validate checks the suite beside a pack and refuses a misspelt key, exit 2', async () => {
    const r = await runInProcess(['validate', typo]);
    expect(r.code).toBe(2);
    expect(r.stdout).not.toMatch(/^OK /m);
    expect(r.stdout).toMatch(/^INVALID .*typo\/claim-severity\.test\.json: 1 problem/m);
  });

  it('lint --json on an invalid pack prints its load errors, exit 2', async () => {
    const r = await runInProcess(['lint', broken, '--json']);
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout);
    expect(report.packs).toEqual([]);
    expect(report.invalid[0].file).toBe('packages/cli/test/fixtures/broken/pack.json');
    expect(report.invalid[0].problems).toContainEqual(expect.objectContaining({ path: '/rules/1/priority', code: 'schema.minimum', line: 84 }));
  });
});
