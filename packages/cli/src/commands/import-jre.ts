/**
 * `aftersales import json-rules-engine <rules.json | dir> --id <id> --out <dir>`: reads a rule array, an engine
 * export (`{ rules, conditions }`) or a folder of them (one rule per file works too) and writes a pack folder:
 * `pack.json`, `<id>.test.json` (a suite skeleton) and `IMPORT-REPORT.md` (what was not carried over and how to
 * express it). The conversion itself is {@link importJsonRulesEngine}; this file is only its file-system edge.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { noteInput } from '../input-files.js';
import { parseArgs } from 'node:util';
import { importJsonRulesEngine, renderImportReport, type ImportInput } from '../jre-import.js';
import { UsageError } from '../packs.js';
import { schemaPath } from './init.js';
import { LANG_OPTION, refuseInput, type Command } from './shared.js';

/** The streams the command writes. */
interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** The usage line of the command. */
export const IMPORT_USAGE =
  '  import json-rules-engine <rules.json|dir> --id <pack-id> --out <dir> [--conditions conditions.json] [--effective-from YYYY-MM-DD] [--allow-undefined-facts] [--replace-facts-in-event-params] [--force]';

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

function readJson(file: string): unknown {
  noteInput(file);
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw Object.assign(new Error(`${file}: ${(error as Error).message}`), { code: 'INVALID_JSON', problems: [{ path: '', message: (error as Error).message, code: 'INVALID_JSON' }] });
  }
}

/** The shared conditions a host registers with engine.setCondition, from `--conditions`: `{ name: condition }`. */
function readConditions(file: string): Record<string, unknown> {
  const json = readJson(file);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new UsageError(`--conditions ${file}: expected an object of shared conditions by name ({ "name": { "all": [...] } }) / 应为按名称给出的共享条件对象`);
  }
  return json as Record<string, unknown>;
}

function readInputs(target: string): ImportInput[] {
  const files = statSync(target).isDirectory()
    ? readdirSync(target)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => join(target, f))
    : [target];
  if (files.length === 0) throw new UsageError(`${target}: no .json file / 目录中没有 .json 文件`);
  return files.map((file) => ({ file, json: readJson(file) }));
}

/**
 * Runs the import command.
 *
 * @param args - the arguments after `import`
 * @param io - where to write the summary
 * @param today - the default `effective.from` (the caller's date, YYYY-MM-DD)
 * @returns the exit code: 0 written (notes may remain, see the report), 2 bad usage or input
 * @throws {@link UsageError} on bad usage
 * @example
 * ```ts
 * await importCommand(['json-rules-engine', 'rules.json', '--id', 'returns', '--out', 'packs/returns'], io, '2026-01-01');
 * ```
 */
export async function importCommand(args: string[], io: Io, today: string): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      id: { type: 'string' },
      out: { type: 'string' },
      'effective-from': { type: 'string' },
      'allow-undefined-facts': { type: 'boolean' },
      'replace-facts-in-event-params': { type: 'boolean' },
      conditions: { type: 'string' },
      force: { type: 'boolean' },
      // The language of problems: read by the dispatcher, which words the error bodies.
      lang: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.lang !== undefined && values.lang !== 'zh' && values.lang !== 'en') throw new UsageError(`--lang ${values.lang}: expected zh or en / 应为 zh 或 en`);
  const [format, target, ...extra] = positionals;
  if (format !== 'json-rules-engine') throw new UsageError(`import: unknown format ${format ?? '(none)'}; expected json-rules-engine / 未知格式`);
  if (!target || extra.length > 0) throw new UsageError('import json-rules-engine: give one file or directory / 请给出一个文件或目录');
  const id = values.id;
  if (!id || !KEBAB.test(id)) throw new UsageError(`--id ${id ?? ''}: a kebab-case pack id is required / 需要 kebab-case 的规则包 id`);
  const out = values.out;
  if (!out) throw new UsageError('--out <dir> is required / 需要 --out <目录>');
  const effectiveFrom = values['effective-from'] ?? today;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(effectiveFrom)) throw new UsageError(`--effective-from ${effectiveFrom}: expected YYYY-MM-DD / 应为 YYYY-MM-DD`);
  const packFile = join(out, 'pack.json');
  if (existsSync(packFile) && !values.force) throw new UsageError(`${packFile} exists; --force to overwrite / 文件已存在，使用 --force 覆盖`);

  const result = importJsonRulesEngine(readInputs(target), {
    id,
    effectiveFrom,
    allowUndefinedFacts: values['allow-undefined-facts'] ?? false,
    replaceFactsInEventParams: values['replace-facts-in-event-params'] ?? false,
    ...(values.conditions !== undefined ? { conditions: readConditions(values.conditions) } : {}),
  });
  mkdirSync(out, { recursive: true });
  // The schemas an editor finds offline from the folder, as `aftersales init` writes them (see init.ts).
  const pack = { ...result.pack, $schema: schemaPath(out, 'rule-pack.schema.json').path };
  const suite = { $schema: schemaPath(out, 'test-suite.schema.json').path, ...result.suite };
  // Check every file first: none may be written when one of them is an input.
  const outputs: Array<[string, string]> = [
    [packFile, `${JSON.stringify(pack, null, 2)}\n`],
    [join(out, `${id}.test.json`), `${JSON.stringify(suite, null, 2)}\n`],
    [join(out, 'IMPORT-REPORT.md'), renderImportReport(result)],
  ];
  for (const [file] of outputs) refuseInput(file, '--out');
  for (const [file, text] of outputs) writeFileSync(file, text);
  const excluded = result.notes.filter((n) => n.excluded).length;
  io.stdout.write(
    `imported ${result.counts.carried}/${result.counts.found} rules into ${packFile}, ${result.counts.cases} suite cases; ` +
      `${excluded} not carried over, ${result.notes.length - excluded} to review: see ${join(out, 'IMPORT-REPORT.md')}\n` +
      `已导入 ${result.counts.carried}/${result.counts.found} 条规则，${result.counts.cases} 个测试用例；未导入 ${excluded} 项，待复核 ${result.notes.length - excluded} 项\n`,
  );
  return 0;
}

/** The `import` command, as the dispatcher, `--help` and completion read it. */
export const importCommandSpec: Command = {
  name: 'import',
  usage: [IMPORT_USAGE.trimStart()],
  summary: 'convert json-rules-engine rules into a pack folder / 导入 json-rules-engine 规则',
  options: {
    id: { type: 'string', value: '<pack-id>', description: 'the new pack’s kebab-case id (required) / 新规则包 id' },
    out: { type: 'string', value: '<dir>', description: 'the pack folder to write (required) / 输出目录' },
    'effective-from': { type: 'string', value: '<YYYY-MM-DD>', description: 'the pack’s effective.from (default today) / 生效日期' },
    'allow-undefined-facts': { type: 'boolean', description: 'keep json-rules-engine’s allowUndefinedFacts / 允许未定义事实' },
    'replace-facts-in-event-params': { type: 'boolean', description: 'the engine ran with replaceFactsInEventParams / 事件参数中的事实引用按值替换' },
    conditions: { type: 'string', value: '<file.json>', description: 'shared conditions the host registers with engine.setCondition, { name: condition } / 共享条件文件' },
    force: { type: 'boolean', description: 'overwrite an existing pack.json / 覆盖已有文件' },
    lang: LANG_OPTION,
  },
  examples: [
    'aftersales import json-rules-engine rules.json --id returns --out packs/returns',
    'aftersales import json-rules-engine rules/ --conditions shared-conditions.json --id returns --out packs/returns',
  ],
  run: (args, io) => importCommand(args, io, new Date().toISOString().slice(0, 10)),
};
