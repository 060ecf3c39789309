/**
 * `aftersales types <pack> [--out file.d.ts] [--name Prefix]`: the TypeScript types of a pack's facts, outcome and
 * parameter overrides, generated from the pack's own JSON Schemas with json-schema-to-typescript, and a
 * `<Prefix>Pack` type (`Pack<Facts, Outcome, Parameters>` of `@aftersales/core`) to give a pack loaded with
 * `loadPack` its types. `<pack>` is a pack folder, a `pack.json` or a bundled id; the pack is validated first.
 * The bundled packs' types are made the same way by `@aftersales/rules`' build (`scripts/gen-types.mjs`); a test
 * holds the two equal.
 */
import { parseArgs } from 'node:util';
import type { RulePackDocument } from '@aftersales/core';
import { compile, type JSONSchema } from 'json-schema-to-typescript';
import { resolveOnePack, UsageError } from '../packs.js';
import { writeOutputFile, type Command } from './shared.js';

/** The streams the command writes. */
interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** The usage line of the command. */
export const TYPES_USAGE = '  types <pack> [--out file.d.ts] [--name TypePrefix]    TypeScript types of the facts, outcome, parameters';

/** `quality-severity` → `QualitySeverity`. */
export const typeName = (id: string): string => id.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());

/** A copy of a schema without `title`, `$id` and `$schema` (json-schema-to-typescript names titled sub-schemas). */
function untitled(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(untitled);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'title' || key === '$id' || key === '$schema') continue;
    out[key] = key === 'enum' || key === 'const' || key === 'default' || key === 'examples' ? value : untitled(value);
  }
  return out;
}

/** The JSON Schema of a pack's parameter overrides: each parameter optional, of its type and bounds. */
function parametersSchema(parameters: RulePackDocument['parameters'] = {}): JSONSchema {
  const properties: Record<string, JSONSchema> = {};
  for (const [name, p] of Object.entries(parameters)) {
    const schema: Record<string, unknown> = { type: p.type };
    for (const key of ['minimum', 'maximum', 'enum'] as const) if (p[key] !== undefined) schema[key] = p[key];
    const what = (p.description?.en ?? name).trim().replace(/\.$/, '');
    schema.description = `${what}${p.unit ? ` (${p.unit})` : ''}. Default ${JSON.stringify(p.value)}${p.notPublished ? ' (not published by the source)' : ''}.`;
    properties[name] = schema as JSONSchema;
  }
  return { type: 'object', additionalProperties: false, properties };
}

const OPTIONS = { bannerComment: '', declareExternallyReferenced: true, additionalProperties: true, strictIndexSignatures: false };

/** `export interface X {…}` → `export type X = {…};` (an alias is assignable to `Record<string, unknown>`). */
const asTypeAlias = (source: string): string =>
  source
    .trim()
    .replace(/^export interface (\w+) \{\}$/gm, 'export type $1 = Record<string, never>;')
    .replace(/^export interface (\w+) \{$/gm, 'export type $1 = {')
    .replace(/^\}$/gm, '};');

/**
 * The type declarations of one pack: `<Name>Facts`, `<Name>Outcome` and `<Name>Parameters`.
 *
 * @param document - a valid pack document
 * @param name - the type-name prefix (default: the pack id in PascalCase)
 * @returns TypeScript source
 * @example
 * ```ts
 * await renderPackTypes(document); // 'export type ClaimGradeFacts = { … };\n\n…'
 * ```
 */
export async function renderPackTypes(document: RulePackDocument, name: string = typeName(document.id)): Promise<string> {
  const schemaOf = (schema: unknown, what: string): JSONSchema =>
    ({ description: `The ${what} of ${document.id} ${document.version}.`, ...(untitled(schema) as object) }) as JSONSchema;
  const facts = await compile(schemaOf(document.facts, 'facts'), `${name}Facts`, OPTIONS);
  const outcome = await compile(schemaOf(document.outcome, 'outcome'), `${name}Outcome`, OPTIONS);
  const parameters = await compile(
    { description: `Parameter overrides of ${document.id} ${document.version}.`, ...parametersSchema(document.parameters) },
    `${name}Parameters`,
    OPTIONS,
  );
  return `${[facts, outcome, parameters].map(asTypeAlias).join('\n\n')}\n`;
}

/**
 * Runs the types command.
 *
 * @param args - the arguments after `types`
 * @param io - where to write the declarations (without `--out`) and errors
 * @returns the exit code: 0 written, 2 an invalid pack (the problems as JSON on stderr)
 * @throws {@link UsageError} on bad usage
 * @example
 * ```ts
 * await typesCommand(['packs/claim-grade', '--out', 'claim-grade.d.ts'], io);
 * ```
 */
export async function typesCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { out: { type: 'string', short: 'o' }, name: { type: 'string' } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError(`types takes one <pack> / 需要一个规则包\n${TYPES_USAGE}`);
  if (values.name !== undefined && !/^[A-Z][A-Za-z0-9]*$/.test(values.name)) {
    throw new UsageError(`--name ${values.name}: a PascalCase identifier, e.g. ClaimGrade / 应为大驼峰标识符`);
  }
  const { target, failures } = await resolveOnePack(positionals[0]);
  if (!target) {
    const problems = failures.flatMap((f) => f.problems);
    io.stderr.write(`${JSON.stringify({ code: 'INVALID_PACK', message: 'the pack is invalid / 规则包无效', problems }, null, 2)}\n`);
    return 2;
  }
  const document = target.pack.document;
  const name = values.name ?? typeName(document.id);
  const text = [
    `/** Types of the rule pack ${document.id} ${document.version}, generated by \`aftersales types\` from its schemas. */`,
    "import type { Pack } from '@aftersales/core';",
    '',
    (await renderPackTypes(document, name)).trim(),
    '',
    `/** The pack with its types: \`loadPack(document) as ${name}Pack\`. */`,
    `export type ${name}Pack = Pack<${name}Facts, ${name}Outcome, ${name}Parameters>;`,
    '',
  ].join('\n');
  if (values.out === undefined || values.out === '-') io.stdout.write(text);
  else {
    writeOutputFile(values.out, text, '--out');
    io.stderr.write(`${values.out}: types of ${document.id} ${document.version} (${name}Facts, ${name}Outcome, ${name}Parameters, ${name}Pack)\n`);
  }
  return 0;
}

/** The `types` command, as the dispatcher, `--help` and completion read it. */
export const typesCommandSpec: Command = {
  name: 'types',
  usage: [TYPES_USAGE.trimStart()],
  summary: 'TypeScript types of a pack’s facts, outcome and parameters / 生成 TypeScript 类型',
  options: {
    out: { type: 'string', short: 'o', value: '<file.d.ts>', description: 'write the declarations to a file (default stdout) / 写入文件' },
    name: { type: 'string', value: '<TypePrefix>', description: 'the type-name prefix (default: the pack id in PascalCase) / 类型名前缀' },
  },
  examples: ['aftersales types packages/rules/packs/quality-severity --out quality-severity.d.ts'],
  run: typesCommand,
};
