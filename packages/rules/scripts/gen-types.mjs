/**
 * Writes `src/pack-types/<id>.ts` and its index: for every pack folder under `packs/`, the TypeScript types of its facts, its
 * outcome and its parameter overrides, generated from the pack's own JSON Schemas with json-schema-to-typescript,
 * and `BundledPackTypes`, the map from pack id to those three types that types `loadBundledPacks().get(id)`.
 * The package's build runs it first, so a change to a pack's schema is in the next build's types;
 * `test/pack-types.test.ts` fails when a committed file is stale.
 *
 * Usage: node packages/rules/scripts/gen-types.mjs
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from 'json-schema-to-typescript';
import { packFolders } from './gen-bundled.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** `quality-severity` → `QualitySeverity`. */
export const typeName = (id) => id.replace(/(^|-)([a-z0-9])/g, (_, __, c) => c.toUpperCase());

/**
 * A copy of a schema without `title` and `$id`, which json-schema-to-typescript turns into named declarations
 * (two packs titling a sub-schema alike would declare one name twice in the file).
 */
function untitled(schema) {
  if (Array.isArray(schema)) return schema.map(untitled);
  if (schema === null || typeof schema !== 'object') return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'title' || key === '$id' || key === '$schema') continue;
    out[key] = key === 'enum' || key === 'const' || key === 'default' || key === 'examples' ? value : untitled(value);
  }
  return out;
}

/** The JSON Schema of a pack's parameter overrides: each parameter optional, of its type and bounds. */
export function parametersSchema(parameters = {}) {
  const properties = {};
  for (const [name, p] of Object.entries(parameters)) {
    const schema = { type: p.type };
    for (const key of ['minimum', 'maximum', 'enum']) if (p[key] !== undefined) schema[key] = p[key];
    const what = (p.description?.en ?? name).trim().replace(/\.$/, '');
    schema.description = `${what}${p.unit ? ` (${p.unit})` : ''}. Default ${JSON.stringify(p.value)}${p.notPublished ? ' (not published by the source)' : ''}.`;
    properties[name] = schema;
  }
  return { type: 'object', additionalProperties: false, properties };
}

const OPTIONS = { bannerComment: '', declareExternallyReferenced: true, additionalProperties: true, strictIndexSignatures: false };

/**
 * The declarations of one pack: `<Name>Facts`, `<Name>Outcome` and `<Name>Parameters`.
 *
 * @param document - a pack document
 * @param name - the type-name prefix (default: from the pack id)
 * @returns TypeScript source
 */
export async function renderPackTypes(document, name = typeName(document.id)) {
  const { schemas, declarations } = nameSharedEnums([untitled(document.facts), untitled(document.outcome)], name);
  const facts = await compile({ description: `The facts of ${document.id} ${document.version}.`, ...schemas[0] }, `${name}Facts`, OPTIONS);
  const outcome = await compile({ description: `The outcome of ${document.id} ${document.version}.`, ...schemas[1] }, `${name}Outcome`, OPTIONS);
  const parameters = await compile(
    { description: `Parameter overrides of ${document.id} ${document.version}.`, ...parametersSchema(document.parameters) },
    `${name}Parameters`,
    OPTIONS,
  );
  return [...declarations, ...[facts, outcome, parameters].map(asTypeAlias)].join('\n\n') + '\n';
}

/**
 * An enum of three or more values that a pack's schemas list more than once (escalation's departments are its
 * `lead`, its `departments` and each action's `owner`) becomes one named union, `<Name><Key>` after the first
 * property that lists it, so the generated file states the values once and a host can name the type.
 *
 * @returns the schemas with `tsType` set on each such enum, and the union declarations to put before them
 */
function nameSharedEnums(schemas, name) {
  const seen = new Map();
  const visit = (node, key, replace) => {
    if (Array.isArray(node)) return node.forEach((item) => visit(item, key, replace));
    if (node === null || typeof node !== 'object') return;
    if (replace === undefined && Array.isArray(node.enum) && node.enum.length >= 3) {
      const text = JSON.stringify(node.enum);
      const entry = seen.get(text) ?? { key, count: 0, values: node.enum };
      entry.count++;
      seen.set(text, entry);
    }
    if (replace !== undefined && Array.isArray(node.enum) && replace.has(JSON.stringify(node.enum))) node.tsType = replace.get(JSON.stringify(node.enum));
    for (const [k, v] of Object.entries(node)) if (k !== 'enum' && k !== 'default' && k !== 'examples' && k !== 'const') visit(v, k === 'properties' || k === 'items' ? key : k, replace);
  };
  schemas.forEach((schema) => visit(schema, 'value'));
  const names = new Map();
  const declarations = [];
  for (const [text, { key, count, values }] of seen) {
    if (count < 2) continue;
    let typeName = `${name}${key.charAt(0).toUpperCase()}${key.slice(1)}`;
    while ([...names.values()].includes(typeName)) typeName += 'Value';
    names.set(text, typeName);
    declarations.push(`/** The values of \`${key}\`, listed ${count} times in the schemas of this pack. */\nexport type ${typeName} = ${values.map((v) => JSON.stringify(v)).join(' | ')};`);
  }
  const copies = schemas.map((schema) => structuredClone(schema));
  if (names.size > 0) copies.forEach((schema) => visit(schema, 'value', names));
  return { schemas: copies, declarations };
}

/**
 * `export interface X { … }` → `export type X = { … };`: an object type alias, unlike an interface, is assignable
 * to `Record<string, unknown>`, so a typed pack still passes wherever core takes an untyped `Pack`
 * (`runSuite`, `PackRegistry#add`).
 */
function asTypeAlias(source) {
  return source
    .trim()
    .replace(/^export interface (\w+) \{\}$/gm, 'export type $1 = Record<string, never>;')
    .replace(/^export interface (\w+) \{$/gm, 'export type $1 = {')
    .replace(/^\}$/gm, '};');
}

const HEADER = [
  '/**',
  ' * GENERATED by scripts/gen-types.mjs from the schemas of the packs under packs/ — do not edit; run',
  " * `node packages/rules/scripts/gen-types.mjs` (the package build does) after changing a pack's schemas.",
];

/** Every generated file (path relative to the package root → text): one a pack, and the index. */
export async function renderTypesFiles(ids) {
  const files = {};
  for (const id of ids) {
    const document = JSON.parse(readFileSync(join(root, 'packs', id, 'pack.json'), 'utf8'));
    files[`src/pack-types/${id}.ts`] = [...HEADER, ` * The facts, outcome and parameter overrides of the pack ${id}.`, ' */', '', await renderPackTypes(document)].join('\n');
  }
  const index = [...HEADER, ' * The facts, outcome and parameter overrides of every bundled pack, as TypeScript types.', ' */'];
  for (const id of ids) {
    const n = typeName(id);
    index.push(`import type { ${n}Facts, ${n}Outcome, ${n}Parameters } from './${id}.js';`);
  }
  index.push('');
  for (const id of ids) index.push(`export type * from './${id}.js';`);
  index.push('');
  index.push('/** The facts, outcome and parameter overrides of every bundled pack, by pack id. */');
  index.push('export interface BundledPackTypes {');
  for (const id of ids) {
    const n = typeName(id);
    index.push(`  '${id}': { facts: ${n}Facts; outcome: ${n}Outcome; parameters: ${n}Parameters };`);
  }
  index.push('}');
  index.push('');
  index.push('/** The id of a bundled pack. */');
  index.push('export type BundledPackId = keyof BundledPackTypes;');
  files['src/pack-types/index.ts'] = `${index.join('\n')}\n`;
  return files;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const ids = packFolders();
  mkdirSync(join(root, 'src', 'pack-types'), { recursive: true });
  let written = 0;
  for (const [path, text] of Object.entries(await renderTypesFiles(ids))) {
    const file = join(root, path);
    if (existsSync(file) && readFileSync(file, 'utf8') === text) continue;
    writeFileSync(file, text);
    written++;
  }
  console.log(`gen-types: ${ids.length} packs, ${written} file(s) of src/pack-types/ rewritten`);
}
