/**
 * No command writes its output over one of its inputs: `test` (report over the pack or its suite), `docs`, `types`
 * and `eval` (batch decisions over the pack or the claims) refuse an output path that is an input — the same path,
 * another spelling, a symbolic link or a hard link — with exit 2 and `SAME_FILE`, and the input stays byte for
 * byte as it was. An output elsewhere is still written. In process (the same `runCli` as the bin).
 */
import { copyFileSync, linkSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runInProcess } from './run-cli.js';

const packs = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'rules', 'packs', 'quality-severity');
const asOf = '2026-01-15T10:00:00+08:00';

/** A copy of quality-severity in a fresh folder, and the ways to name its pack, suite and a claims file again. */
function fixture() {
  const dir = mkdtempSync(join(tmpdir(), 'aftersales-same-'));
  const pack = join(dir, 'pack.json');
  const suite = join(dir, 'quality-severity.test.json');
  copyFileSync(join(packs, 'pack.json'), pack);
  copyFileSync(join(packs, 'quality-severity.test.json'), suite);
  const claims = join(dir, 'claims.jsonl');
  writeFileSync(claims, `${JSON.stringify({ claimAmountYuan: 50000 })}\n`);
  const facts = join(dir, 'facts.json');
  writeFileSync(facts, JSON.stringify({ claimAmountYuan: 50000 }));
  const spellings = (file: string, name: string): string[] => {
    const sym = join(dir, `${name}-symlink`);
    const hard = join(dir, `${name}-hardlink`);
    symlinkSync(file, sym);
    linkSync(file, hard);
    return [file, join(dir, '.', '..', dir.split('/').pop() as string, file.split('/').pop() as string), sym, hard];
  };
  return { dir, pack, suite, claims, facts, spellings };
}

const snapshot = (files: string[]): string[] => files.map((f) => readFileSync(f, 'utf8'));

describe('an output path that is one of the inputs', () => {
  it('is refused by every command that writes a file, exit 2, the input untouched', async () => {
    const f = fixture();
    const before = snapshot([f.pack, f.suite, f.claims, f.facts]);
    const cases: Array<{ argv: (out: string) => string[]; outputs: string[] }> = [
      { argv: (out) => ['test', f.pack, '--reporter', 'junit', '--output', out], outputs: [...f.spellings(f.pack, 'pack'), ...f.spellings(f.suite, 'suite')] },
      { argv: (out) => ['test', f.dir, '--reporter', 'json', '--output', out], outputs: [f.pack, f.suite] },
      { argv: (out) => ['docs', f.pack, '--lang', 'en', '--output', out], outputs: [f.pack, join(f.dir, 'pack-symlink'), join(f.dir, 'pack-hardlink')] },
      { argv: (out) => ['types', f.pack, '--out', out], outputs: [f.pack, join(f.dir, 'pack-hardlink')] },
      { argv: (out) => ['eval', f.pack, '--input', f.claims, '--output', out, '--as-of', asOf], outputs: [f.pack, join(f.dir, 'pack-symlink'), ...f.spellings(f.claims, 'claims')] },
    ];
    for (const { argv, outputs } of cases) {
      for (const out of outputs) {
        const res = await runInProcess(argv(out));
        const label = `${argv(out).join(' ')}`;
        expect(res.code, label).toBe(2);
        expect(res.stderr, label).toContain('SAME_FILE');
        expect(snapshot([f.pack, f.suite, f.claims, f.facts]), label).toEqual(before);
      }
    }
  });

  it('still writes an output that is not an input', async () => {
    const f = fixture();
    for (const argv of [
      ['test', f.pack, '--reporter', 'junit', '--output', join(f.dir, 'junit.xml')],
      ['docs', f.pack, '--output', join(f.dir, 'README.md')],
      ['types', f.pack, '--out', join(f.dir, 'types.ts')],
      ['eval', f.pack, '--input', f.claims, '--output', join(f.dir, 'decisions.jsonl'), '--as-of', asOf],
    ]) {
      const res = await runInProcess(argv);
      expect(res.code, argv.join(' ')).toBe(0);
    }
    expect(readFileSync(join(f.dir, 'junit.xml'), 'utf8')).toContain('<testsuite');
  });
});
