/**
 * `aftersales init <dir>`: a new pack folder that works in an editor from the first keystroke — `pack.json` with
 * one rule and one parameter, `<id>.test.json` with cases below, at and above the rule's threshold and a refused
 * input, and a README — which passes `validate`, `test --coverage --threshold 100` and `lint` as written.
 *
 * `pack.json`'s `$schema` is `./pack.schema.json`, written beside it: the pack format narrowed to the new pack's own
 * facts, parameters and outcome fields (`aftersales schema` writes it again after the pack grows). The suite's
 * `$schema` is a path relative to the file, to the JSON Schema `@aftersales/core` ships. A relative
 * path, not a URL, because editors (VS Code, JetBrains, the YAML/JSON language servers) resolve it offline and it
 * names the schema of the core version the project installed, so completion and checks match what `validate` runs.
 * Where it points, first found wins: `node_modules/@aftersales/core/schema/` in the folder or one above it (a
 * project that installed `@aftersales/cli` or `@aftersales/core`); this repository's `packages/core/schema/`; else
 * the copy beside the running CLI (a note says so: install `@aftersales/core` in the project to make it stable).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { editorSchema, loadPack } from '@aftersales/core';
import { UsageError } from '../packs.js';
import { parse, type CliIo, type Command, type OptionSpec } from './shared.js';

/** The pack's editor schema, written beside it and named by its `$schema`. */
const PACK_SCHEMA_FILE = './pack.schema.json';

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const options = {
  id: { type: 'string', value: '<pack-id>', description: 'the pack id, kebab-case (default: the folder name) / 规则包 id' },
  'effective-from': { type: 'string', value: '<YYYY-MM-DD>', description: 'the pack’s effective.from (default today) / 生效日期' },
  force: { type: 'boolean', description: 'overwrite the files if the folder already holds a pack / 覆盖已有文件' },
} satisfies Record<string, OptionSpec>;

/** Where a schema shipped by `@aftersales/core` is, as seen from `dir`, and whether it is the project's own. */
export function schemaPath(dir: string, file: 'rule-pack.schema.json' | 'test-suite.schema.json'): { path: string; fromProject: boolean } {
  const toPosix = (p: string) => p.split(sep).join('/');
  for (let at = resolve(dir); ; at = dirname(at)) {
    for (const candidate of [join(at, 'node_modules/@aftersales/core/schema', file), join(at, 'packages/core/schema', file)]) {
      if (existsSync(candidate)) return { path: toPosix(relative(dir, candidate)), fromProject: true };
    }
    if (dirname(at) === at) break;
  }
  const own = createRequire(import.meta.url).resolve(`@aftersales/core/schema/${file}`);
  return { path: toPosix(relative(dir, own)), fromProject: false };
}

/** The files of a new pack. */
export function scaffold(id: string, effectiveFrom: string, packSchema: string, suiteSchema: string): Record<string, string> {
  const pack = {
    $schema: packSchema,
    id,
    version: '0.1.0',
    title: { zh: '大额索赔复核（示例）', en: 'Large claims go to review (starter)' },
    description: {
      zh: '由 aftersales init 生成的起步规则包：索赔金额达到阈值即转人工复核。请改成你的政策。',
      en: 'A starter pack made by aftersales init: a claim at or above a threshold goes to review. Make it your policy.',
    },
    sources: [{ id: 'POLICY', document: 'Your after-sales policy (name the document here)', clause: '§1', kind: 'practice' }],
    effective: { from: effectiveFrom },
    timeZone: 'Asia/Shanghai',
    hitPolicy: 'first',
    parameters: {
      reviewFromYuan: {
        type: 'number',
        value: 10000,
        unit: 'CNY',
        minimum: 0,
        description: { zh: '索赔金额达到此数（含）转人工复核。', en: 'A claim of this amount or more (inclusive) goes to review.' },
        source: 'POLICY §1',
      },
    },
    facts: {
      type: 'object',
      additionalProperties: false,
      properties: {
        claimAmountYuan: { type: 'number', minimum: 0, default: 0, description: '索赔金额（元）/ the claim in yuan' },
      },
    },
    rules: [
      {
        name: 'review-large-claim',
        source: 'POLICY §1',
        priority: 1,
        conditions: { all: [{ fact: 'claimAmountYuan', operator: 'greaterThanInclusive', value: { param: 'reviewFromYuan' } }] },
        event: { type: 'review', params: { decision: 'review' } },
        message: { zh: '大额索赔，转人工复核', en: 'A large claim: to review' },
      },
    ],
    default: { decision: 'approve' },
    defaultMessage: { zh: '自动批准', en: 'Approved automatically' },
    outcome: {
      type: 'object',
      additionalProperties: false,
      required: ['decision'],
      properties: { decision: { enum: ['approve', 'review'] } },
    },
  };
  const suite = {
    $schema: suiteSchema,
    pack: id,
    asOf: `${effectiveFrom}T12:00:00+08:00`,
    cases: [
      { name: 'a claim just below the threshold is approved', facts: { claimAmountYuan: 9999 }, expect: { outcome: { decision: 'approve' }, fired: [] } },
      { name: 'a claim at the threshold goes to review', facts: { claimAmountYuan: 10000 }, expect: { outcome: { decision: 'review' }, fired: ['review-large-claim'] } },
      { name: 'a claim above the threshold goes to review', facts: { claimAmountYuan: 10001 }, expect: { outcome: { decision: 'review' } } },
      { name: 'a lower threshold for one tenant', facts: { claimAmountYuan: 5000 }, parameters: { reviewFromYuan: 5000 }, expect: { outcome: { decision: 'review' } } },
      { name: 'a negative claim is refused', facts: { claimAmountYuan: -1 }, expect: { error: 'INVALID_FACTS' } },
    ],
  };
  const readme = `# ${id}

A rule pack made by \`aftersales init\`: a claim of \`reviewFromYuan\` (10,000 yuan) or more goes to review, any
other is approved. Edit \`pack.json\` into your policy and \`${id}.test.json\` into the cases that show it.

Your editor completes and checks both files. \`pack.json\`'s \`$schema\` is \`pack.schema.json\`, the pack format
narrowed to this pack's own facts, parameters and outcome fields: write it again after adding a fact or a
parameter (\`npx aftersales schema . --output pack.schema.json\`). The suite's \`$schema\` points at the JSON Schema
of \`@aftersales/core\` (${suiteSchema.includes('node_modules') ? 'in this project\'s node_modules' : 'see the path in the file'}).

\`\`\`sh
npx aftersales validate .                                # the pack's problems with file:line:column
npx aftersales test . --coverage --threshold 100         # the suite, and which rules no case reaches
npx aftersales lint .                                    # cases below, at and above every threshold
npx aftersales explain ./pack.json --facts '{"claimAmountYuan": 12000}'
\`\`\`
`;
  return {
    'pack.json': `${JSON.stringify(pack, null, 2)}\n`,
    [`${id}.test.json`]: `${JSON.stringify(suite, null, 2)}\n`,
    'README.md': readme,
  };
}

async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, options);
  if (positionals.length !== 1) throw new UsageError('init takes one folder / 需要一个目录');
  const dir = positionals[0]!;
  const id = (values.id as string | undefined) ?? basename(resolve(dir));
  if (!KEBAB.test(id)) throw new UsageError(`pack id ${id}: kebab-case, e.g. claim-review; give one with --id / 应为 kebab-case`);
  const effectiveFrom = (values['effective-from'] as string | undefined) ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(effectiveFrom)) throw new UsageError(`--effective-from ${effectiveFrom}: expected YYYY-MM-DD / 应为 YYYY-MM-DD`);
  if (existsSync(join(dir, 'pack.json')) && !values.force) throw new UsageError(`${join(dir, 'pack.json')} exists; --force to overwrite / 文件已存在，使用 --force 覆盖`);
  mkdirSync(dir, { recursive: true });
  const suite = schemaPath(dir, 'test-suite.schema.json');
  const files = scaffold(id, effectiveFrom, PACK_SCHEMA_FILE, suite.path);
  // The pack's own editor schema, beside it: the pack's $schema names it, so its facts and parameters complete.
  files[PACK_SCHEMA_FILE.slice(2)] = `${JSON.stringify(editorSchema(loadPack(JSON.parse(files['pack.json']!))), null, 2)}\n`;
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  io.stdout.write(`created ${Object.keys(files).map((f) => join(dir, f)).join(', ')}\n$schema: ${PACK_SCHEMA_FILE} (pack), ${suite.path} (suite)\n`);
  if (!suite.fromProject) {
    io.stderr.write(
      'note: no node_modules/@aftersales/core above this folder; $schema points at the CLI\'s own copy. ' +
        'Install @aftersales/core (or @aftersales/cli) in the project and run init again for a path that stays put. / ' +
        '提示：项目中未安装 @aftersales/core，$schema 指向 CLI 自带的副本\n',
    );
  }
  io.stdout.write(`next: aftersales validate ${dir} && aftersales test ${dir} && aftersales lint ${dir}\n`);
  return 0;
}

/** The `init` command. */
export const initCommand: Command = {
  name: 'init',
  usage: ['init <dir> [--id <pack-id>] [--effective-from YYYY-MM-DD] [--force]'],
  summary: 'a new pack folder: pack.json with a first rule, its suite and a README, $schema set for editors / 新建规则包',
  options,
  examples: ['aftersales init packs/claim-review', 'aftersales init my-pack --id claim-review --effective-from 2026-01-01'],
  run,
};
