/**
 * The `aftersales` command end to end: every command and exit code, run as a child process on the built bin,
 * on fixture packs (a passing, a failing and a broken one) written for these tests. Variations of a command that
 * already ran as a child process run in-process (`runInProcess`: the same `runCli`, captured streams), which
 * spares a Node start-up each.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, fixtures, runCli, runInProcess } from './run-cli.js';

const good = join(fixtures, 'claim-severity/pack.json');
const goodDir = join(fixtures, 'claim-severity');
const failing = join(fixtures, 'failing/pack.json');
const broken = join(fixtures, 'broken/pack.json');
const asOf = '2026-01-15T10:00:00+08:00';
const tmp = mkdtempSync(join(tmpdir(), 'aftersales-cli-'));
const factsFile = (facts: unknown, name = 'facts.json'): string => {
  const file = join(tmp, name);
  writeFileSync(file, JSON.stringify(facts));
  return file;
};

beforeAll(() => assertBuilt());

describe('aftersales validate', () => {
  it('exits 0 on a valid pack file and a directory holding one', async () => {
    const r = await runCli(['validate', good, goodDir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('OK packages/cli/test/fixtures/claim-severity/pack.json (claim-severity 1.0.0)');
  });

  it('exits 2 and gives file, line, column and JSON pointer of every problem', async () => {
    const r = await runCli(['validate', good, broken]);
    expect(r.code).toBe(2);
    const lines = r.stdout.split('\n');
    expect(lines).toContain('  packages/cli/test/fixtures/broken/pack.json:84:19 /rules/1/priority must be >= 0 [schema.minimum] (found -1)');
    expect(lines.some((l) => l.includes('broken/pack.json:62:25 /rules/0/conditions/all/0/operator'))).toBe(true);
    expect(lines.some((l) => l.includes("broken/pack.json:1:1 /version must have required property 'version'"))).toBe(true);
  });

  it('exits 2 with the position of a JSON syntax error', async () => {
    const file = join(tmp, 'syntax/pack.json');
    (await import('node:fs')).mkdirSync(join(tmp, 'syntax'), { recursive: true });
    writeFileSync(file, '{\n  "id": "x",\n  "version": 1.0.0\n}\n');
    const r = await runCli(['validate', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/pack\.json:3:17 \/ .*\[INVALID_JSON\]/);
  });

  it('exits 2 on an argument that names no pack', async () => {
    const r = await runCli(['validate', 'no-such-pack']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no-such-pack: neither a bundled pack');
  });
});

describe('aftersales test', () => {
  it('prints one line per case and PASS: n/m, exit 0 when all pass', async () => {
    const r = await runCli(['test', good]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^claim-severity: claim of 50,000 yuan is level 2: PASS \(\d+\.\d+ ms\)$/m);
    expect(r.stdout).toMatch(/^PASS: 8\/8$/m);
  });

  it('lists failures first with expected vs actual, exit 1', async () => {
    const r = await runCli(['test', failing]);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^claim-severity: claim of 30,000 yuan is level 2 \(wrong on purpose\): FAIL/);
    expect(lines[1]).toBe('    outcome.level: expected 2, got 3');
    expect(r.stdout).toContain('    actual:   {"class":"major","level":3}');
    expect(r.stdout).toMatch(/^PASS: 1\/2$/m);
  });

  it('reports coverage and fails below --threshold', async () => {
    const full = await runCli(['test', good, '--coverage', '--threshold', '100']);
    expect(full.code).toBe(0);
    expect(full.stdout).toContain('coverage claim-severity: 100% (10/10)');
    const partial = await runInProcess(['test', goodDir, '--threshold', '100', '--reporter', 'json']);
    expect(partial.code).toBe(0);
    const below = await runInProcess(['test', join(fixtures, 'failing'), '--coverage', '--threshold', '90']);
    expect(below.code).toBe(1);
    expect(below.stdout).toMatch(/coverage claim-severity: \d+(\.\d+)?% \(\d+\/10\)/);
    expect(below.stdout).toContain('rule level-3: never not fired');
    expect(below.stdout).toContain('is below the threshold 90%');
  });

  it('writes a JSON report for machines', async () => {
    const r = await runCli(['test', failing, '--reporter', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ passed: 1, failed: 1, total: 2 });
    expect(report.packs[0].cases[0]).toMatchObject({ status: 'fail', actual: { class: 'major', level: 3 } });
  });

  it('writes JUnit XML to a file with --output (its schema check is in test-reports.test.ts)', async () => {
    const out = join(tmp, 'junit.xml');
    const r = await runCli(['test', good, failing, '--reporter', 'junit', '--output', out]);
    expect(r.code).toBe(1);
    const xml = readFileSync(out, 'utf8');
    expect(xml).toContain('<testsuites name="aftersales" tests="10" failures="1" errors="0"');
    expect(xml).toContain('<failure message="outcome.level: expected 2, got 3" type="AssertionError">');
    expect(r.stderr).toContain(`PASS: 9/10; FAIL: 1/10 — report written to ${out}`);
  });
});

describe('aftersales eval', () => {
  it('prints the decision JSON with the asOf given, byte-identical across runs', async () => {
    const facts = factsFile({ claimAmountYuan: 50000 });
    const a = await runCli(['eval', good, '--facts', facts, '--as-of', asOf]);
    const b = await runCli(['eval', good, '--facts', facts, '--as-of', asOf]);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const decision = JSON.parse(a.stdout);
    expect(decision).toMatchObject({ pack: 'claim-severity', asOf, outcome: { class: 'major', level: 2 } });
    expect(decision.packHash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('defaults --as-of to now and records it; reads facts from stdin and takes --param overrides', async () => {
    const r = await runCli(['eval', good, '--facts', '-', '--param', 'level2ClaimYuan=20000'], { stdin: '{"claimAmountYuan": 30000}' });
    expect(r.code).toBe(0);
    const decision = JSON.parse(r.stdout);
    expect(Number.isNaN(Date.parse(decision.asOf))).toBe(false);
    expect(decision.parameters).toEqual({ level2ClaimYuan: 20000 });
    expect(decision.outcome.level).toBe(2);
  });

  it('exits 2 with the structured error list on stderr for invalid facts', async () => {
    const r = await runCli(['eval', good, '--facts', factsFile({ claimAmountYuan: -1, colour: 'red' }), '--as-of', asOf]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const error = JSON.parse(r.stderr);
    expect(error.code).toBe('INVALID_FACTS');
    expect(error.problems.map((p: { path: string }) => p.path)).toContain('/claimAmountYuan');
  });

  it('exits 2 for facts that are not JSON, with line and column', async () => {
    const file = join(tmp, 'bad.json');
    writeFileSync(file, '{"claimAmountYuan": }');
    const r = await runCli(['eval', good, '--facts', file]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr).problems[0]).toMatchObject({ code: 'INVALID_JSON', line: 1, column: 21 });
  });

  it('exits 2 with the structured error list for an invalid pack and for bad parameters', async () => {
    const r = await runCli(['eval', broken, '--facts', factsFile({})]);
    expect(r.code).toBe(2);
    const error = JSON.parse(r.stderr);
    expect(error.code).toBe('INVALID_PACK');
    expect(error.problems).toContainEqual(expect.objectContaining({ path: '/rules/1/priority', line: 84, column: 19 }));
    const p = await runCli(['eval', good, '--facts', factsFile({}), '--param', 'level2ClaimYuan=lots']);
    expect(p.code).toBe(2);
    expect(JSON.parse(p.stderr).code).toBe('INVALID_PARAMETERS');
  });

  it('runs a small batch from stdin to stdout, in order, with an error record per bad line', async () => {
    const input = ['{"claimAmountYuan": 60000}', 'nope', '{"claimAmountYuan": 5}', '{"claimAmountYuan": -2}', ''].join('\n');
    const r = await runCli(['eval', good, '--input', '-', '--as-of', asOf], { stdin: input });
    expect(r.code).toBe(1);
    const records = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(records).toHaveLength(4);
    expect(records[0].outcome).toEqual({ class: 'major', level: 2 });
    expect(records[1]).toMatchObject({ line: 2, error: { code: 'INVALID_JSON' } });
    expect(records[2].outcome).toEqual({ class: 'general', level: null });
    expect(records[3]).toMatchObject({ line: 4, error: { code: 'INVALID_FACTS' } });
    expect(r.stderr).toContain('batch: 4 lines, 2 decided, 2 errors');
    expect(r.stderr).toContain('class=major level=2: 1');
    expect(r.stderr).toContain('errors on lines / 出错的行: 2, 4');
    // Not a terminal: no progress bar.
    expect(r.stderr).not.toContain('\r');
  });

  it('exits 2 on usage errors', async () => {
    expect((await runCli(['eval', good])).code).toBe(2);
    expect((await runInProcess(['eval', good, '--facts', 'x', '--nonsense'])).code).toBe(2);
    expect((await runInProcess(['frobnicate'])).code).toBe(2);
    expect((await runInProcess([])).code).toBe(2);
    expect((await runInProcess(['--help'])).code).toBe(0);
    for (const bad of [['--workers', '0'], ['--workers', 'many'], ['--max-line-bytes', '-1'], ['--max-line-bytes', '1.5']]) {
      const r = await runInProcess(['eval', good, '--input', '-', ...bad]);
      expect(r.code, bad.join(' ')).toBe(2);
      expect(r.stderr).toContain(bad[0]);
    }
  });
});

describe('aftersales explain', () => {
  it('says why, in English, with the claim at which the outcome would change', async () => {
    const r = await runCli(['explain', good, '--facts', factsFile({ claimAmountYuan: 30000 }), '--as-of', asOf]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Outcome: class: major, level: 3');
    expect(r.stdout).toContain('- level-2-claim — failed: claimAmountYuan ≥ level2ClaimYuan (50,000 yuan) (seen 30,000)');
    expect(r.stdout).toContain('would be class: major, level: 2 (rule level-2-claim) at claimAmountYuan ≥ 50,000 yuan (now 30,000)');
  });

  it('speaks Chinese and exits 2 on invalid facts', async () => {
    const r = await runInProcess(['explain', good, '--facts', factsFile({ claimAmountYuan: 30000 }), '--lang', 'zh', '--as-of', asOf]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('若 claimAmountYuan ≥ 50,000 yuan（当前 30,000），结果将为 class: major, level: 2（规则 level-2-claim）');
    const bad = await runInProcess(['explain', good, '--facts', factsFile({ claimAmountYuan: 'x' }), '--as-of', asOf]);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stderr).code).toBe('INVALID_FACTS');
  });
});

describe('aftersales docs', () => {
  it('prints the Markdown documentation in either language', async () => {
    const en = await runCli(['docs', good]);
    expect(en.code).toBe(0);
    expect(en.stdout).toContain('# Claim severity');
    expect(en.stdout).toContain('| `level2ClaimYuan` | 50,000 | yuan |');
    expect(en.stdout).toContain('## Decision table');
    const zh = await runInProcess(['docs', good, '--lang', 'zh']);
    expect(zh.stdout).toContain('# 索赔分级');
    expect((await runInProcess(['docs', good, '--lang', 'fr'])).code).toBe(2);
  });
});

describe('aftersales lint', () => {
  it('exits 0 when every threshold is tested below, at and above', async () => {
    const r = await runCli(['lint', good]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('OK  claim-severity');
  });

  it('exits 1 with the list of gaps', async () => {
    const r = await runCli(['lint', failing]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('GAPS claim-severity');
    expect(r.stdout).toContain('rule level-2-claim condition 0: claimAmountYuan greaterThanInclusive 50000 (param level2ClaimYuan): no case above');
    expect(r.stdout).toContain('rule level-3 condition 0: claimAmountYuan greaterThanInclusive 10000: no case below, at');
  });
});

describe('the bundled packs', () => {
  it('validate, pass their suites with 100 % coverage, and lint clean', async () => {
    const v = await runCli(['validate']);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain('OK quality-severity');
    const t = await runCli(['test', '--coverage', '--threshold', '100']);
    expect(t.stdout.split('\n').filter((l) => / FAIL \(/.test(l))).toEqual([]);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/^coverage quality-severity: 100% /m);
    const l = await runCli(['lint']);
    expect(l.stdout.split('\n').filter((x) => x.startsWith('GAPS') || x.startsWith('    '))).toEqual([]);
    expect(l.code).toBe(0);
  });

  it('evaluate and explain by id: a claim of 30,000 yuan would be level 2 at 50,000', async () => {
    const facts = factsFile({ claimAmountYuan: 30000 }, 'severity.json');
    const e = await runCli(['eval', 'quality-severity', '--facts', facts, '--as-of', asOf]);
    expect(e.code).toBe(0);
    expect(JSON.parse(e.stdout).outcome).toMatchObject({ class: 'major', level: 3 });
    const x = await runCli(['explain', 'quality-severity', '--facts', facts, '--as-of', asOf]);
    expect(x.code).toBe(0);
    expect(x.stdout).toMatch(/would be class: major, level: 2 \(rule [a-z0-9-]+\) at claimAmountYuan ≥ 50,000/);
  });

  it('have READMEs that `aftersales docs --lang both` reproduces', async () => {
    const { readdirSync, existsSync } = await import('node:fs');
    const packsDir = join(fixtures, '../../../rules/packs');
    const ids = readdirSync(packsDir).filter((id) => existsSync(join(packsDir, id, 'README.md')));
    expect(ids.length).toBeGreaterThan(0);
    for (const [i, id] of ids.entries()) {
      const r = await (i === 0 ? runCli : runInProcess)(['docs', id, '--lang', 'both']);
      expect(r.code, id).toBe(0);
      expect(r.stdout, `${id}/README.md`).toBe(readFileSync(join(packsDir, id, 'README.md'), 'utf8'));
    }
  });
});
