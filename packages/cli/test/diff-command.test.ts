/**
 * `aftersales diff <old-pack> <new-pack>`: exit 0 when no decision differs, 1 when one does (as `diff(1)`), 2 for
 * invalid input with a structured error; the Markdown report (region, suite cases, replay with file lines) and the
 * `--json` shape. The bundled quality-severity pack against copies written here with the level-2 threshold moved.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, root, runCli, runInProcess } from './run-cli.js';

const asOf = '2026-01-15T10:00:00+08:00';
const tmp = mkdtempSync(join(tmpdir(), 'aftersales-diff-'));
const shipped = readFileSync(join(root, 'packages/rules/packs/quality-severity/pack.json'), 'utf8');

/** Writes a copy of quality-severity with `change` applied; returns its path. */
function copy(name: string, change: (doc: Record<string, any>) => void): string {
  const doc = JSON.parse(shipped);
  change(doc);
  const file = join(tmp, `${name}.json`);
  writeFileSync(file, JSON.stringify(doc, null, 2));
  return file;
}
const same = copy('same', () => {});
const moved = copy('moved', (doc) => {
  doc.version = '2.1.0';
  doc.parameters.level2ClaimYuan.value = 30000;
});
const claims = join(tmp, 'claims.jsonl');
writeFileSync(claims, ['{"claimAmountYuan": 40000}', '{"claimAmountYuan": 5000}', '', '{"claimAmountYuan": 30000, "breakdown": true}', ''].join('\n'));

beforeAll(() => assertBuilt());

describe('aftersales diff', () => {
  it('exits 0 and says so when no decision differs', async () => {
    const r = await runCli(['diff', 'quality-severity', same]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No decision differs.');
    expect(r.stdout).not.toContain('## Regions');
  });

  it('exits 1 with the region between the old and the new threshold, an example, and the suite cases that change', async () => {
    const r = await runInProcess(['diff', 'quality-severity', moved]);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')).toEqual(
      expect.arrayContaining([
        '# quality-severity: 2.0.0 → 2.1.0',
        '- Parameters / 参数: `level2ClaimYuan` 50000 → 30000',
        expect.stringMatching(/^\| claimAmountYuan in \[30000, 50000\) \| level: 3 → 2 \| `\{"claimAmountYuan":30000\}` \| no facts: general information/),
        '| claim 49,999 (below 50,000): level 3 | level: 3 → 2 |',
      ]),
    );
  });

  it('replays a facts file and names the changed decisions by their line in it', async () => {
    const r = await runInProcess(['diff', 'quality-severity', moved, '--facts-file', claims, '--as-of', asOf]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('2 of 3 decision(s) change.');
    expect(r.stdout).toContain('| 1 | `{"claimAmountYuan":40000}` | level: 3 → 2 |');
    expect(r.stdout).toContain('| 4 | `{"claimAmountYuan":30000,"breakdown":true}` | level: 3 → 2 |');
  });

  it('prints the difference as JSON with --json', async () => {
    const r = await runInProcess(['diff', 'quality-severity', moved, '--json', '--facts-file', claims, '--as-of', asOf]);
    expect(r.code).toBe(1);
    const diff = JSON.parse(r.stdout);
    expect(Object.keys(diff)).toEqual(['pack', 'old', 'new', 'differs', 'rules', 'parameters', 'settings', 'facts', 'skipped', 'bases', 'evaluations', 'regions', 'cases', 'replay']);
    expect(diff).toMatchObject({
      pack: 'quality-severity',
      old: { version: '2.0.0', packHash: expect.stringMatching(/^sha256:/) },
      new: { version: '2.1.0' },
      differs: true,
      rules: [{ rule: 'level-2-claim-amount', change: 'changed' }],
      parameters: [{ name: 'level2ClaimYuan', old: 50000, new: 30000 }],
      facts: ['claimAmountYuan'],
    });
    expect(diff.regions).toEqual([
      {
        fact: 'claimAmountYuan',
        min: { value: 30000, inclusive: true },
        max: { value: 50000, inclusive: false },
        text: 'claimAmountYuan in [30000, 50000)',
        changed: [{ key: 'level', old: 3, new: 2 }],
        old: { class: 'major', level: 3 },
        new: { class: 'major', level: 2 },
        example: { base: 'no facts: general information', facts: { claimAmountYuan: 30000 }, asOf },
        bases: expect.any(Number),
      },
    ]);
    expect(diff.replay).toMatchObject({ total: 3, changed: 2, examples: [{ index: 0, line: 1 }, { index: 2, line: 4 }] });
  });

  it('exits 2 with a structured error for an invalid pack, a facts line that is not JSON, two different packs, or a missing argument', async () => {
    const broken = copy('broken', (doc) => {
      doc.parameters.level2ClaimYuan.value = -1;
    });
    const invalid = await runInProcess(['diff', 'quality-severity', broken]);
    expect(invalid.code).toBe(2);
    expect(JSON.parse(invalid.stderr)).toMatchObject({ code: 'INVALID_PACK', problems: [{ path: '/parameters/level2ClaimYuan/value', found: -1 }] });

    const badLines = join(tmp, 'bad.jsonl');
    writeFileSync(badLines, '{"claimAmountYuan": 1}\n{"claimAmountYuan": \n');
    const notJson = await runInProcess(['diff', 'quality-severity', moved, '--facts-file', badLines]);
    expect(notJson.code).toBe(2);
    expect(JSON.parse(notJson.stderr)).toMatchObject({ code: 'INVALID_JSON', problems: [{ code: 'INVALID_JSON', line: 2 }] });

    const other = await runInProcess(['diff', 'quality-severity', 'warranty-car']);
    expect(other.code).toBe(2);
    expect(JSON.parse(other.stderr)).toMatchObject({ code: 'INVALID_PACK', problems: [{ path: '/id', expected: 'quality-severity', found: 'warranty-car' }] });

    const usage = await runCli(['diff', 'quality-severity']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('diff needs <old-pack> <new-pack>');
  });
});
