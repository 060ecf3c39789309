/**
 * What every command shares: the {@link Command} shape the dispatcher, `--help` and shell completion read, the
 * streams a command is given ({@link CliIo}), argument parsing from a command's option table, and the readers of
 * facts and `--param` overrides. A command file exports one {@link Command}; nothing here writes to a stream.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { inputAt, noteInput } from '../input-files.js';
import type { Readable, Writable } from 'node:stream';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { jsonTextNestsDeeperThan } from '@aftersales/core';
import { MAX_INPUT_DEPTH } from '../batch.js';
import type { Palette } from '../colour.js';
import { locateJson, JsonSyntaxError } from '../json-locator.js';
import { UsageError } from '../packs.js';

/** The streams a command reads and writes. */
export interface CliIo {
  stdout: Writable;
  stderr: Writable & { isTTY?: boolean };
  stdin: Readable;
  /** Colours for stdout; the dispatcher sets it (a TTY without NO_COLOR or --no-color), plain when absent. */
  colour?: Palette;
  /**
   * The language of problems and results: the dispatcher sets it from `--lang`, else from the environment
   * ({@link envLang}); English when absent.
   */
  lang?: 'zh' | 'en';
}

/** One option of a command: its `parseArgs` type and what `--help` and completion say of it. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  default?: string;
  /** The value's placeholder in the help, e.g. `<file|->`. */
  value?: string;
  /** The values the option takes, offered by shell completion. */
  choices?: readonly string[];
  /** What the option does (English / 中文). */
  description: string;
}

/** A command of `aftersales`: its usage, options and examples (read by help and completion) and its runner. */
export interface Command {
  name: string;
  /** The synopsis lines of the global usage, without indentation. */
  usage: readonly string[];
  /** One line saying what the command does. */
  summary: string;
  options: Record<string, OptionSpec>;
  /** Example command lines, each starting with `aftersales`. */
  examples: readonly string[];
  /** Runs the command on the arguments after its name; returns the exit code. */
  run(args: string[], io: CliIo): Promise<number>;
}

/** Parses a command's arguments against its option table (strict: an unknown option is a usage error). */
export function parse(args: string[], options: Record<string, OptionSpec>): { values: Record<string, unknown>; positionals: string[] } {
  const config: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, o] of Object.entries(options)) {
    config[name] = {
      type: o.type,
      ...(o.short ? { short: o.short } : {}),
      ...(o.multiple ? { multiple: true } : {}),
      ...(o.default !== undefined ? { default: o.default } : {}),
    } as NonNullable<ParseArgsConfig['options']>[string];
  }
  const parsed = parseArgs({ args, options: config, allowPositionals: true, strict: true });
  const language = (parsed.values as Record<string, unknown>).lang;
  const choices = options.lang?.choices;
  if (language !== undefined && choices && !choices.includes(String(language))) {
    throw new UsageError(`--lang ${String(language)}: expected ${choices.join(' or ')} / 应为 ${choices.join(' 或 ')}`);
  }
  return { values: parsed.values as Record<string, unknown>, positionals: parsed.positionals };
}

/** A structured error of the input, printed as JSON on stderr with exit 2. */
export class InputError extends Error {
  constructor(readonly body: { code: string; message: string; problems: unknown[] }) {
    super(body.message);
  }
}

/** How an input is named in messages: `stdin`, `inline JSON` or the file. */
const source = (path: string): string => (path === '-' ? 'stdin' : path.trimStart().startsWith('{') ? 'inline JSON' : path);

/**
 * Reads JSON given on the command line: inline when it starts with `{` (after blanks), stdin for `-`, else a file.
 * A syntax error is reported with its line and column.
 */
export async function readJsonInput(path: string, io: CliIo): Promise<unknown> {
  let text: string;
  const inline = path.trimStart().startsWith('{');
  if (inline) text = path;
  else if (path === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    text = Buffer.concat(chunks).toString('utf8');
  } else {
    noteInput(path);
    text = readFileSync(path, 'utf8');
  }
  if (jsonTextNestsDeeperThan(text, MAX_INPUT_DEPTH)) {
    const message = `${source(path)}: nests deeper than ${MAX_INPUT_DEPTH} levels / 嵌套超过 ${MAX_INPUT_DEPTH} 层`;
    throw new InputError({ code: 'INPUT_TOO_DEEP', message, problems: [{ path: '', message, code: 'INPUT_TOO_DEEP' }] });
  }
  try {
    locateJson(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) {
      throw new InputError({
        code: 'INVALID_JSON',
        message: `${source(path)}: ${error.message}`,
        problems: [{ path: '', message: error.message, code: 'INVALID_JSON', ...error.position }],
      });
    }
    throw error;
  }
  return JSON.parse(text.replace(/^\uFEFF/, ''));
}

/** `--param name=value` to an override: JSON when it parses (numbers, booleans), else the string. */
export function parseParams(values: string[] | undefined): Record<string, unknown> | undefined {
  if (!values || values.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const item of values) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param ${item}: expected name=value / 应为 名称=取值`);
    if (item.slice(0, eq) in Object.prototype) throw new UsageError(`--param ${item.slice(0, eq)}: not a parameter name / 不是参数名`);
    const raw = item.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw;
    }
    out[item.slice(0, eq)] = value;
  }
  return out;
}

/** The `--lang` option of every command that prints problems or results. */
export const LANG_OPTION = {
  type: 'string',
  value: '<zh|en>',
  choices: ['zh', 'en'],
  description: 'language of problems and results (default: LC_ALL/LANG, zh if it starts with zh) / 语言（默认随 LC_ALL/LANG）',
} as const satisfies OptionSpec;

/**
 * The language the environment asks for: `zh` when `LC_ALL` (or, unset, `LANG`) starts with `zh`, else `en`.
 *
 * @example
 * ```ts
 * envLang({ LANG: 'zh_CN.UTF-8' }) // 'zh'
 * ```
 */
export function envLang(env: NodeJS.ProcessEnv): 'zh' | 'en' {
  const locale = env.LC_ALL || env.LANG || '';
  return /^zh/i.test(locale) ? 'zh' : 'en';
}

/** `--lang`: `zh` or `en`; absent, the dispatcher's choice (`io.lang`, from the environment), else `en`. */
export function lang(value: unknown, io?: Pick<CliIo, 'lang'>): 'zh' | 'en' {
  if (value === undefined) return io?.lang ?? 'en';
  if (value === 'en') return 'en';
  if (value === 'zh') return 'zh';
  throw new UsageError(`--lang ${String(value)}: expected zh or en / 应为 zh 或 en`);
}

/** The options `eval` and `explain` share. */
export const DECISION_OPTIONS = {
  facts: {
    type: 'string',
    value: '<file|json|->',
    description: 'the facts: a JSON file, inline JSON starting with {, or - for stdin / 事实：JSON 文件、以 { 开头的 JSON 或 - （标准输入）',
  },
  'as-of': { type: 'string', value: '<ISO>', description: 'decide as of this date-time (default: now) / 按此时间判定（默认：现在）' },
  param: {
    type: 'string',
    multiple: true,
    value: '<name=value>',
    description: 'override a pack parameter; repeatable / 覆盖规则包参数，可重复',
  },
} as const satisfies Record<string, OptionSpec>;

/**
 * Writes a command's output file, refusing a path that is one of the command's inputs (through any spelling, a
 * symbolic or a hard link): the input is left untouched.
 *
 * @param path - the output file
 * @param text - what to write
 * @param option - the option that named it, for the message (default `--output`)
 * @throws InputError `SAME_FILE` (exit 2)
 * @example
 * ```ts
 * writeOutputFile(values.output as string, report);
 * ```
 */
export function writeOutputFile(path: string, text: string, option = '--output'): void {
  refuseInput(path, option);
  writeFileSync(path, text);
}

/**
 * Refuses an output path that is one of the command's inputs (see {@link writeOutputFile}).
 *
 * @throws InputError `SAME_FILE` (exit 2)
 * @example
 * ```ts
 * refuseInput('out/pack.json', '--out');
 * ```
 */
export function refuseInput(path: string, option = '--output'): void {
  const input = inputAt(path);
  if (input !== undefined) {
    const message = `${option} ${path} is the input ${input}: writing it would replace the input / 输出文件就是输入文件 ${input}，拒绝覆盖`;
    throw new InputError({ code: 'SAME_FILE', message, problems: [{ path: `/${option.replace(/^--/, '')}`, message, code: 'SAME_FILE', found: path }] });
  }
}
