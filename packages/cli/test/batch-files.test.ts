/**
 * The files of `aftersales eval`: an output that is the input itself (by the same path, another spelling or a
 * hard link) is refused with exit 2 and the input left byte for byte as it was; an output in a missing folder or
 * naming a directory is a typed error with exit 2 (no stack trace); a facts file nested 500,000 deep is a typed
 * input error with exit 2, not an internal error; `--param` refuses names every object inherits (`__proto__`,
 * `constructor`, `toString`) instead of ignoring them. In process (the same `runCli` as the bin).
 */
import { linkSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from './run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'aftersales-files-'));
const asOf = '2026-01-15T10:00:00+08:00';
const claims = `${JSON.stringify({ claimAmountYuan: 50000 })}\n${JSON.stringify({ claimAmountYuan: 1 })}\n`;

describe('eval input and output files', () => {
  it('refuses an output that is the input, leaving the input untouched', async () => {
    const input = join(tmp, 'claims.jsonl');
    writeFileSync(input, claims);
    const link = join(tmp, 'claims-link.jsonl');
    linkSync(input, link);
    for (const output of [input, join(tmp, '.', 'claims.jsonl'), link]) {
      const res = await runInProcess(['eval', 'quality-severity', '--input', input, '--output', output, '--as-of', asOf]);
      expect(res.code, output).toBe(2);
      expect(JSON.parse(res.stderr)).toMatchObject({ code: 'SAME_FILE', problems: [{ path: '/output', code: 'SAME_FILE' }] });
      expect(readFileSync(input, 'utf8')).toBe(claims);
    }
    const ok = await runInProcess(['eval', 'quality-severity', '--input', input, '--output', join(tmp, 'out.jsonl'), '--as-of', asOf]);
    expect(ok.code).toBe(0);
    expect(readFileSync(join(tmp, 'out.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('answers an output in a missing folder or naming a directory with a typed error and exit 2', async () => {
    const input = join(tmp, 'claims2.jsonl');
    writeFileSync(input, claims);
    for (const output of [join(tmp, 'no', 'such', 'dir', 'out.jsonl'), tmp]) {
      const res = await runInProcess(['eval', 'quality-severity', '--input', input, '--output', output, '--as-of', asOf]);
      expect(res.code, output).toBe(2);
      expect(JSON.parse(res.stderr)).toMatchObject({ code: 'OUTPUT_UNWRITABLE' });
      expect(res.stderr).not.toMatch(/\n\s+at /);
    }
    expect(existsSync(join(tmp, 'no'))).toBe(false);
  });

  it('refuses a facts file nested 500,000 deep as input, exit 2', async () => {
    const deep = join(tmp, 'deep.json');
    writeFileSync(deep, `${'{"a":'.repeat(500_000)}1${'}'.repeat(500_000)}`);
    const res = await runInProcess(['eval', 'quality-severity', '--facts', deep, '--as-of', asOf]);
    expect(res.code).toBe(2);
    expect(JSON.parse(res.stderr)).toMatchObject({ code: 'INPUT_TOO_DEEP' });
  });

  it('refuses --param names every object inherits', async () => {
    const facts = join(tmp, 'facts.json');
    writeFileSync(facts, JSON.stringify({ claimAmountYuan: 1 }));
    for (const name of ['__proto__', 'constructor', 'toString']) {
      const res = await runInProcess(['eval', 'quality-severity', '--facts', facts, '--as-of', asOf, '--param', `${name}=1`]);
      expect(res.code, name).toBe(2);
      expect(res.stderr).toContain(`--param ${name}`);
    }
  });
});
