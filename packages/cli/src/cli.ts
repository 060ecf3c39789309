/**
 * The `aftersales` command: the dispatcher. Each command lives in `commands/<name>.ts` as a {@link Command} (its
 * usage, options, examples and runner); this file finds the command, answers `--help`, `help <command>` and
 * `--version`, turns colour on for a terminal (off with `NO_COLOR` or `--no-color`), and turns the errors commands
 * throw into messages and exit codes, so the bin stays a two-line adapter. Exit codes: 0 success; 1 a test, a lint
 * or a batch line failed; 2 invalid input (a pack, facts, parameters or the command line itself).
 */
import { readFileSync } from 'node:fs';
import { toErrorBody } from '@aftersales/core';
import { colourWanted, palette, type Palette } from './colour.js';
import { auditCommand } from './commands/audit.js';
import { completionCommand } from './commands/completion.js';
import { diffCommand } from './commands/diff.js';
import { docsCommand } from './commands/docs.js';
import { evalCommand } from './commands/eval.js';
import { explainCommand } from './commands/explain.js';
import { importCommandSpec } from './commands/import-jre.js';
import { initCommand } from './commands/init.js';
import { lintCommand } from './commands/lint.js';
import { publishCommand } from './commands/publish.js';
import { schemaCommand } from './commands/schema.js';
import { localizeBody } from './commands/problems.js';
import { envLang, InputError, parse, type CliIo, type Command } from './commands/shared.js';
import { testCommand } from './commands/test.js';
import { typesCommandSpec } from './commands/types.js';
import { validateCommand } from './commands/validate.js';
import { renderCommandHelp, renderUsage, synopsis } from './help.js';
import { forgetInputs } from './input-files.js';
import { UsageError } from './packs.js';

export type { CliIo } from './commands/shared.js';

/** `help [command]`: the global usage, or one command's help. */
const helpCommand: Command = {
  name: 'help',
  usage: [`${'help [command]'.padEnd(47)}a command's options and examples / 命令的选项与示例`],
  summary: 'the usage of aftersales, or of one command / 显示用法',
  options: {},
  examples: ['aftersales help test', 'aftersales test --help'],
  async run(args, io) {
    const { positionals } = parse(args, {});
    const paint = io.colour ?? palette(false);
    if (positionals.length === 0) {
      io.stdout.write(renderUsage(COMMANDS, paint));
      return 0;
    }
    const command = COMMANDS.find((c) => c.name === positionals[0]);
    if (!command || positionals.length > 1) throw new UsageError(`help ${positionals.join(' ')}: no such command / 没有此命令`);
    io.stdout.write(renderCommandHelp(command, paint));
    return 0;
  },
};

/** Every command, in the order the usage lists them. */
const COMMANDS: readonly Command[] = [
  validateCommand,
  testCommand,
  evalCommand,
  explainCommand,
  docsCommand,
  lintCommand,
  diffCommand,
  importCommandSpec,
  typesCommandSpec,
  schemaCommand,
  initCommand,
  publishCommand,
  auditCommand,
  completionCommand(() => COMMANDS),
  helpCommand,
];

/** The version of this package (`@aftersales/cli`), read from its package.json beside `src/` and `dist/`. */
function cliVersion(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** The arguments without the global `--no-color` (before a `--`), and whether it was there. */
function withoutNoColor(argv: string[]): { args: string[]; noColor: boolean } {
  const end = argv.indexOf('--');
  const head = end === -1 ? argv : argv.slice(0, end);
  const args = [...head.filter((a) => a !== '--no-color'), ...(end === -1 ? [] : argv.slice(end))];
  return { args, noColor: args.length !== argv.length };
}

/**
 * The language of problems and results: `--lang zh|en` (before a `--`; a value that is neither is left to the
 * command, which refuses it), else the environment's ({@link envLang}).
 */
function langWanted(args: string[]): 'zh' | 'en' {
  const end = args.indexOf('--');
  const head = end === -1 ? args : args.slice(0, end);
  for (let i = head.length - 1; i >= 0; i--) {
    const arg = head[i]!;
    const value = arg === '--lang' ? head[i + 1] : arg.startsWith('--lang=') ? arg.slice('--lang='.length) : undefined;
    if (value === 'zh' || value === 'en') return value;
  }
  return envLang(process.env);
}

/**
 * Runs the `aftersales` command line.
 *
 * @param argv - the arguments after the program name, e.g. `['test', '--coverage']`
 * @param io - the streams to use (the process's by default); colour follows `io.colour`, else stdout being a
 *   terminal, `NO_COLOR` and `--no-color`
 * @returns the exit code
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv.slice(2));
 * ```
 */
export async function runCli(
  argv: string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin },
): Promise<number> {
  const { args, noColor } = withoutNoColor(argv);
  const colour: Palette = io.colour ?? palette(colourWanted(io.stdout as { isTTY?: boolean }, process.env, noColor));
  io = { ...io, colour, lang: io.lang ?? langWanted(args) };
  const [name, ...rest] = args;
  if (!name) {
    io.stderr.write(renderUsage(COMMANDS));
    return 2;
  }
  if (name === '--help' || name === '-h') return helpCommand.run([], io);
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${cliVersion()}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`unknown command ${name} / 未知命令\n\n${renderUsage(COMMANDS)}`);
    return 2;
  }
  const end = rest.indexOf('--');
  if ((end === -1 ? rest : rest.slice(0, end)).some((a) => a === '--help' || a === '-h')) {
    io.stdout.write(renderCommandHelp(command, colour));
    return 0;
  }
  // Each run remembers the files it reads afresh, so that no output overwrites one of them.
  forgetInputs();
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof InputError) {
      io.stderr.write(`${JSON.stringify(localizeBody(toErrorBody(error.body), io.lang), null, 2)}\n`);
      return 2;
    }
    const e = error as { code?: unknown; message?: string; problems?: unknown; toJSON?: () => unknown };
    if (error instanceof UsageError || (e && typeof e.code === 'string' && e.code.startsWith('ERR_PARSE_ARGS'))) {
      io.stderr.write(`${e.message}\n\n${command.usage.map((u) => `  aftersales ${synopsis(u)}`).join('\n')}\n\nRun \`aftersales ${command.name} --help\` for every option and an example. / 查看全部选项：aftersales ${command.name} --help\n`);
      return 2;
    }
    if (e && typeof e.code === 'string' && Array.isArray(e.problems)) {
      // A typed aftersales error (INVALID_FACTS, INVALID_PARAMETERS, NOT_EFFECTIVE, …): core's one body, exit 2.
      io.stderr.write(`${JSON.stringify(localizeBody(toErrorBody(error), io.lang), null, 2)}\n`);
      return 2;
    }
    if (e && (e.code === 'ENOENT' || e.code === 'EISDIR' || e.code === 'EACCES')) {
      io.stderr.write(`${JSON.stringify(toErrorBody({ code: 'FILE', message: e.message, problems: [] }), null, 2)}\n`);
      return 2;
    }
    throw error;
  }
}
