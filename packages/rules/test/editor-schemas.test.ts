/**
 * Every bundled pack and suite names its JSON Schema with a `$schema` that an editor resolves offline: a path
 * relative to the file, to the schema `@aftersales/core` ships (`packages/core/schema/` here; in an installed
 * project the same path from `node_modules/@aftersales/rules/packs/<id>/` reaches `node_modules/@aftersales/core`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

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
