/**
 * The help texts: the global usage (every command's synopsis) and one command's help (synopsis, what it does,
 * every option with its value, choices and default, and examples), both read from the {@link Command} tables so
 * that a new option cannot be left out of `--help` or of shell completion.
 */
import { PLAIN, type Palette } from './colour.js';
import type { Command, OptionSpec } from './commands/shared.js';

/** The options every command takes beside its own. */
export const COMMON_OPTIONS: Record<string, OptionSpec> = {
  help: { type: 'boolean', short: 'h', description: 'this help / 显示帮助' },
  'no-color': { type: 'boolean', description: 'no colours even on a terminal (also NO_COLOR=1) / 不使用颜色' },
};

/** A synopsis line without the note some lines carry after three or more spaces. */
export const synopsis = (line: string): string => line.split(/\s{3,}/)[0]!;

/** `-o, --output <file>` as the help and the completion name it. */
export function optionLabel(name: string, option: OptionSpec): string {
  return `${option.short ? `-${option.short}, ` : '    '}--${name}${option.type === 'string' ? ` ${option.value ?? '<value>'}` : ''}`;
}

/**
 * The global usage: every command's synopsis, the global options and the exit codes.
 *
 * @param commands - the commands, in the order to list them
 * @param colour - the palette (plain by default)
 * @returns the text, ending with a newline
 * @example
 * ```ts
 * process.stdout.write(renderUsage(commands));
 * ```
 */
export function renderUsage(commands: readonly Command[], colour: Palette = PLAIN): string {
  return `${colour.bold('Usage: aftersales <command> [options]')}

Commands / 命令:
${commands.flatMap((c) => c.usage.map((line) => `  ${line}`)).join('\n')}

  <command> --help                               the same as help <command> / 同 help <command>
  --version, -v                                  the CLI's version / 版本
  --no-color (or NO_COLOR=1)                     no colours on a terminal / 不使用颜色

<pack> is a bundled pack id or a path to a pack.json (its suite is <dir>/<id>.test.json).
Exit codes: 0 ok; 1 test/lint/batch-line failure, or diff found a difference; 2 invalid pack, facts, parameters or usage.
`;
}

/**
 * One command's help: synopsis, summary, every option (with its choices and default) and examples.
 *
 * @param command - the command
 * @param colour - the palette (plain by default)
 * @returns the text, ending with a newline
 * @example
 * ```ts
 * process.stdout.write(renderCommandHelp(testCommand));
 * ```
 */
export function renderCommandHelp(command: Command, colour: Palette = PLAIN): string {
  const options = Object.entries({ ...command.options, ...COMMON_OPTIONS });
  const labels = options.map(([name, o]) => optionLabel(name, o));
  const width = Math.min(36, Math.max(...labels.map((l) => l.length)) + 2);
  const optionLines = options.map(([, o], i) => {
    const label = labels[i]!;
    const extra = [
      o.choices ? `one of ${o.choices.join(', ')}` : '',
      o.default !== undefined ? `default ${o.default}` : '',
      o.multiple ? 'repeatable' : '',
    ].filter(Boolean);
    const text = `${o.description}${extra.length ? ` (${extra.join('; ')})` : ''}`;
    return label.length + 2 > width ? `  ${label}\n  ${' '.repeat(width)}${text}` : `  ${label.padEnd(width)}${text}`;
  });
  return `${colour.bold('Usage:')}
${command.usage.map((u) => `  aftersales ${synopsis(u)}`).join('\n')}

${command.summary}

${colour.bold('Options / 选项:')}
${optionLines.join('\n')}

${colour.bold('Examples / 示例:')}
${command.examples.map((e) => `  ${e}`).join('\n')}
`;
}
