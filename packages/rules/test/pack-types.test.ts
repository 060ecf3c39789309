/**
 * The generated pack types: `src/pack-types/` is what `scripts/gen-types.mjs` makes of the packs' schemas today
 * (the package build regenerates it; after changing a schema without building, run
 * `node packages/rules/scripts/gen-types.mjs`), it declares the three types of every pack, and
 * `test/types/typed-packs.ts` compiles with no error: the typed `get`, the misspelt fact and the wrong types it
 * expects to be refused (`@ts-expect-error`), the outcome types (`expectTypeOf`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { bundledPackIds } from '../src/index.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Compiles one file with the package's compiler options, its text optionally replaced; the diagnostics as
 * `file:line message`.
 */
function compileErrors(file: string, text?: string): string[] {
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const options = { ...ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT).options, noEmit: true };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  if (text !== undefined) host.readFile = (f) => (f === file ? text : readFile(f));
  return ts.getPreEmitDiagnostics(ts.createProgram([file], options, host)).map((d) => {
    const where = d.file ? `${d.file.fileName.slice(ROOT.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

const TYPED = join(ROOT, 'test', 'types', 'typed-packs.ts');

describe('generated pack types', () => {
  it('are up to date with the packs\' schemas (run: node packages/rules/scripts/gen-types.mjs)', async () => {
    const { renderTypesFiles } = (await import(pathToFileURL(join(ROOT, 'scripts', 'gen-types.mjs')).href)) as {
      renderTypesFiles: (ids: readonly string[]) => Promise<Record<string, string>>;
    };
    const files = await renderTypesFiles(bundledPackIds);
    expect(Object.keys(files).sort()).toEqual(readdirSync(join(ROOT, 'src', 'pack-types')).map((f) => `src/pack-types/${f}`).sort());
    for (const [path, text] of Object.entries(files)) expect(readFileSync(join(ROOT, path), 'utf8'), path).toBe(text);
  }, 60_000);

  it('declare facts, outcome and parameters for every bundled pack', () => {
    const index = readFileSync(join(ROOT, 'src', 'pack-types', 'index.ts'), 'utf8');
    for (const id of bundledPackIds) {
      const text = readFileSync(join(ROOT, 'src', 'pack-types', `${id}.ts`), 'utf8');
      const name = id.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
      for (const part of ['Facts', 'Outcome', 'Parameters']) expect(text, id).toContain(`export type ${name}${part} = `);
      expect(index).toContain(`'${id}': { facts: ${name}Facts; outcome: ${name}Outcome; parameters: ${name}Parameters };`);
    }
  });

  it('type loadBundledPacks().get(id) and refuse a misspelt fact at compile time', () => {
    expect(compileErrors(TYPED)).toEqual([]);
  }, 120_000);

  it('report the misspelt fact when it is not marked as expected (the check can fail)', () => {
    const text = readFileSync(TYPED, 'utf8').replace('// @ts-expect-error a misspelt fact', '// a misspelt fact');
    expect(compileErrors(TYPED, text).join('\n')).toMatch(/typed-packs\.ts:\d+ .*claimAmountYaun/);
  }, 120_000);

  it('report a misspelt parameter name when it is not marked as expected', () => {
    const text = readFileSync(TYPED, 'utf8').replace('// @ts-expect-error a misspelt parameter name', '// a misspelt parameter name');
    expect(compileErrors(TYPED, text).join('\n')).toMatch(/typed-packs\.ts:\d+ .*level2ClaimYaun/);
  }, 120_000);
});
