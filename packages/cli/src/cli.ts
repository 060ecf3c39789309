/**
 * The `aftersales` command: the dispatcher. Each command lives in `commands/<name>.ts` as a {@link Command} (its
 * usage, options, examples and runner); this file finds the command, prints usage, and turns the errors commands
 * throw into messages and exit codes, so the bin stays a two-line adapter. Exit codes: 0 success; 1 a test, a lint
 * or a batch line failed; 2 invalid input (a pack, facts, parameters or the command line itself).
 */
import { toErrorBody } from '@aftersales/core';
import { docsCommand } from './commands/docs.js';
import { evalCommand } from './commands/eval.js';
import { explainCommand } from './commands/explain.js';
import { importCommandSpec } from './commands/import-jre.js';
import { lintCommand } from './commands/lint.js';
import { InputError, type CliIo, type Command } from './commands/shared.js';
import { testCommand } from './commands/test.js';
import { typesCommandSpec } from './commands/types.js';
import { validateCommand } from './commands/validate.js';
import { UsageError } from './packs.js';

export type { CliIo } from './commands/shared.js';

/** Every command, in the order the usage lists them. */
const COMMANDS: readonly Command[] = [validateCommand, testCommand, evalCommand, explainCommand, docsCommand, lintCommand, importCommandSpec, typesCommandSpec];

const USAGE = `Usage: aftersales <command> [options]

Commands / 命令:
${COMMANDS.flatMap((c) => c.usage.map((line) => `  ${line}`)).join('\n')}

<pack> is a bundled pack id or a path to a pack.json (its suite is <dir>/<id>.test.json).
Exit codes: 0 ok; 1 test/lint/batch-line failure; 2 invalid pack, facts, parameters or usage.
`;

/**
 * Runs the `aftersales` command line.
 *
 * @param argv - the arguments after the program name, e.g. `['test', '--coverage']`
 * @param io - the streams to use (the process's by default)
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
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    (name ? io.stdout : io.stderr).write(USAGE);
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`unknown command ${name} / 未知命令\n\n${USAGE}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(USAGE);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof InputError) {
      io.stderr.write(`${JSON.stringify(toErrorBody(error.body), null, 2)}\n`);
      return 2;
    }
    const e = error as { code?: unknown; message?: string; problems?: unknown; toJSON?: () => unknown };
    if (error instanceof UsageError || (e && typeof e.code === 'string' && e.code.startsWith('ERR_PARSE_ARGS'))) {
      io.stderr.write(`${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (e && typeof e.code === 'string' && Array.isArray(e.problems)) {
      // A typed aftersales error (INVALID_FACTS, INVALID_PARAMETERS, NOT_EFFECTIVE, …): core's one body, exit 2.
      io.stderr.write(`${JSON.stringify(toErrorBody(error), null, 2)}\n`);
      return 2;
    }
    if (e && (e.code === 'ENOENT' || e.code === 'EISDIR' || e.code === 'EACCES')) {
      io.stderr.write(`${JSON.stringify(toErrorBody({ code: 'FILE', message: e.message, problems: [] }), null, 2)}\n`);
      return 2;
    }
    throw error;
  }
}
