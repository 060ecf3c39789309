/**
 * `aftersales types`: the declarations it writes for a pack of one's own compile and type the pack (a misspelt
 * fact is refused by tsc), its output for each bundled pack equals what `@aftersales/rules` ships (two generators,
 * one result), and bad usage or an invalid pack exits 2 with a structured error.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPackDocument, bundledPackIds } from '@aftersales/rules';
import { renderPackTypes } from '../src/commands/types.js';
import { assertBuilt, fixtures, root, runCli } from './run-cli.js';

// Inside the package, so that the written file's `import type … from '@aftersales/core'` resolves.
let dir: string;
beforeAll(() => {
  assertBuilt();
  dir = mkdtempSync(join(root, 'packages/cli/test/.types-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function compileErrors(files: string[]): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
  };
  return ts.getPreEmitDiagnostics(ts.createProgram(files, options)).map((d) => `${d.file?.fileName ?? ''} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
}

describe('aftersales types', () => {
  it('writes types that make a pack of one\'s own typed: a misspelt fact fails to compile', async () => {
    const out = join(dir, 'claim-grade.d.ts');
    const run = await runCli(['types', join(root, 'docs/examples/claim-grade'), '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('ClaimGradePack');
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('export type ClaimGradeFacts = {');
    expect(text).toContain('export type ClaimGradePack = Pack<ClaimGradeFacts, ClaimGradeOutcome, ClaimGradeParameters>;');
    const use = join(dir, 'use.mts');
    const body = (misspelt: string) => `import type { ClaimGradePack } from './claim-grade.js';
declare const pack: ClaimGradePack;
export async function run(): Promise<void> {
  await pack.evaluate({ claimAmountYuan: 60000, casualties: 0 }, { asOf: '2026-03-01T09:00:00+08:00', parameters: { level2ClaimYuan: 1 } });
  ${misspelt}await pack.evaluate({ claimAmountYaun: 60000 }, { asOf: '2026-03-01T09:00:00+08:00' });
}
`;
    writeFileSync(use, body('// @ts-expect-error a misspelt fact\n  '));
    expect(compileErrors([use])).toEqual([]);
    writeFileSync(use, body(''));
    expect(compileErrors([use]).join('\n')).toMatch(/claimAmountYaun/);
  }, 120_000);

  it('prints the same declarations @aftersales/rules ships for every bundled pack', async () => {
    for (const id of bundledPackIds) {
      const shipped = readFileSync(join(root, `packages/rules/src/pack-types/${id}.ts`), 'utf8');
      expect(shipped, id).toContain(await renderPackTypes(getPackDocument(id)!));
    }
    const run = await runCli(['types', 'quality-severity']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(await renderPackTypes(getPackDocument('quality-severity')!));
    expect(run.stdout).toContain("import type { Pack } from '@aftersales/core';");
  }, 60_000);

  it('exits 2 with a structured error on an invalid pack, and on bad usage', async () => {
    const invalid = await runCli(['types', join(fixtures, 'broken')]);
    expect(invalid.code).toBe(2);
    expect(JSON.parse(invalid.stderr.slice(invalid.stderr.indexOf('{')))).toMatchObject({ code: 'INVALID_PACK', problems: expect.any(Array) });
    const none = await runCli(['types']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('types <pack>');
    const badName = await runCli(['types', 'quality-severity', '--name', 'not-pascal']);
    expect(badName.code).toBe(2);
    expect(badName.stderr).toContain('--name not-pascal');
  }, 60_000);
});
