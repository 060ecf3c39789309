/**
 * `aftersales test` as a policy owner lives in it: `--run <regex>` picks cases by name, `--quiet` prints failures
 * and the summary only, a failing case shows its facts, the rules that fired and its line in the suite file, and
 * `--watch` runs again when a pack or suite file changes (the built bin spawned on a temporary copy of a fixture,
 * the suite edited, the second run read, the process killed).
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, bin, fixtures, root, runInProcess } from './run-cli.js';

const good = join(fixtures, 'claim-severity/pack.json');
const failing = join(fixtures, 'failing/pack.json');

beforeAll(() => assertBuilt());

describe('aftersales test --run and --quiet', () => {
  it('--run runs only the cases whose name matches the regular expression', async () => {
    const r = await runInProcess(['test', good, '--run', 'level 2$']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l.includes(': PASS ('))).toEqual([
      expect.stringMatching(/^claim-severity: claim of 50,000 yuan is level 2: PASS/),
      expect.stringMatching(/^claim-severity: claim of 50,001 yuan is level 2: PASS/),
    ]);
    expect(r.stdout).toMatch(/^PASS: 2\/2$/m);
  });

  it('--run matching no case says nothing was tested and exits 1; a pattern that is not a regex is a usage error', async () => {
    const none = await runInProcess(['test', good, '--run', 'no such case']);
    expect(none.code).toBe(1);
    expect(none.stdout).toContain('NO CASES: nothing was tested');
    expect(none.stdout).not.toContain('PASS: 0/0');
    const bad = await runInProcess(['test', good, '--run', '(']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--run (: not a regular expression');
  });

  it('--quiet prints the failing cases and the summary, no passing case', async () => {
    const r = await runInProcess(['test', failing, '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain(': PASS (');
    expect(r.stdout).toMatch(/^claim-severity: claim of 30,000 yuan is level 2 \(wrong on purpose\): FAIL/m);
    expect(r.stdout).toMatch(/^PASS: 1\/2\nFAIL: 1\/2$/m);
  });

  it('shows a failing case with its facts, the rules that fired and its line in the suite file', async () => {
    const r = await runInProcess(['test', failing]);
    const lines = r.stdout.split('\n');
    const at = lines.findIndex((l) => l.includes('(wrong on purpose): FAIL'));
    expect(lines.slice(at + 1, at + 7)).toEqual([
      '    outcome.level: expected 2, got 3',
      '    expected: {"outcome":{"level":2}}',
      '    actual:   {"class":"major","level":3}',
      '    facts:    {"claimAmountYuan":30000}',
      '    fired:    level-3',
      '    at packages/cli/test/fixtures/failing/claim-severity.test.json:5:5',
    ]);
  });
});

/** Collects a child's stdout and resolves when it holds `count` occurrences of `marker`. */
function waitFor(child: ReturnType<typeof spawn>, marker: string, count: number, seen: { text: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (seen.text.split(marker).length - 1 >= count) {
        child.stdout!.off('data', check);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`exited ${code} before "${marker}" x${count}:\n${seen.text}`)));
    check();
  });
}

describe('aftersales test --watch', () => {
  it('runs again when the suite changes, printing the new result', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aftersales-watch-'));
    cpSync(join(fixtures, 'claim-severity'), dir, { recursive: true });
    const child = spawn(process.execPath, [bin, 'test', join(dir, 'pack.json'), '--watch', '--quiet'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const seen = { text: '' };
    child.stdout.on('data', (chunk: Buffer) => (seen.text += chunk.toString('utf8')));
    try {
      await waitFor(child, 'waiting for changes', 1, seen);
      expect(seen.text).toMatch(/^PASS: 8\/8$/m);
      const suiteFile = join(dir, 'claim-severity.test.json');
      writeFileSync(suiteFile, readFileSync(suiteFile, 'utf8').replace('"name": "claim of 50,000 yuan is level 2"', '"name": "claim of 50,000 yuan is level 2 (now wrong)", "asOf": "2026-01-15T10:00:00+08:00", "parameters": { "level2ClaimYuan": 60000 }'));
      await waitFor(child, 'waiting for changes', 2, seen);
      const second = seen.text.slice(seen.text.indexOf('[watch] claim-severity.test.json changed: running again'));
      expect(second).toMatch(/^\[watch\] claim-severity\.test\.json changed: running again/);
      expect(second).toMatch(/^claim-severity: claim of 50,000 yuan is level 2 \(now wrong\): FAIL/m);
      expect(second).toMatch(/^PASS: 7\/8\nFAIL: 1\/8$/m);
    } finally {
      child.kill();
    }
  });
});
