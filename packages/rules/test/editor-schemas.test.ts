/**
 * Every bundled pack and suite names its JSON Schema with a `$schema` that an editor resolves offline: a path
 * relative to the file, to the schema `@aftersales/core` ships (`packages/core/schema/` here; in an installed
 * project the same path from `node_modules/@aftersales/rules/packs/<id>/` reaches `node_modules/@aftersales/core`).
 * Each pack's own editor schema (core's `editorSchema`, what `aftersales schema` writes) accepts the pack as written.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import type { Pack } from '@aftersales/core';

const packsDir = resolve(dirname(fileURLToPath(import.meta.url)), '../packs');
const folders = readdirSync(packsDir, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);
const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { $schema?: string; $id?: string };

describe.each(folders)('packs/%s', (folder) => {
  const cases = [
    ['pack.json', 'https://aftersales.dev/schema/rule-pack.schema.json'],
    [`${folder}.test.json`, 'https://aftersales.dev/schema/test-suite.schema.json'],
  ] as const;
  it.each(cases)('%s: $schema is a relative path to the shipped schema %s', (file, id) => {
    const ref = read(join(packsDir, folder, file)).$schema;
    expect(ref).toMatch(/^\.\.\/\.\.\/\.\.\/core\/schema\/[a-z-]+\.schema\.json$/);
    const target = resolve(packsDir, folder, ref!);
    expect(existsSync(target), target).toBe(true);
    expect(read(target).$id).toBe(id);
  });
});

// The ajv core validates with (rules has no dependency of its own on it).
const { Ajv2020 } = createRequire(resolve(packsDir, '../../core/package.json'))('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');

describe.each(folders)('packs/%s editor schema', (folder) => {
  it('compiles as JSON Schema 2020-12 and accepts the pack it was made from', async () => {
    const { loadBundledPacks } = await import('../src/index.js');
    const { editorSchema } = await import('@aftersales/core');
    const pack = loadBundledPacks().get(folder) as Pack;
    const validate = new Ajv2020({ strict: false, allErrors: true, validateFormats: false }).compile(editorSchema(pack));
    const document = read(join(packsDir, folder, 'pack.json'));
    expect(validate(document) ? [] : validate.errors).toEqual([]);
  });
});
