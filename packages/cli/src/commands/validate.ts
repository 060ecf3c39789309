/**
 * `aftersales validate <pack|dir>...`: checks packs against the pack format and their references, printing
 * `OK <file> (<id> <version>)` or each problem with its file:line:column. Exit 2 when any pack is invalid.
 */
import { validatePack } from '@aftersales/core';
import { PLAIN } from '../colour.js';
import { bundledPacks, displayPath, resolvePacks } from '../packs.js';
import { printFailures } from './problems.js';
import { parse, type CliIo, type Command, type OptionSpec } from './shared.js';

const options = {
  json: { type: 'boolean', description: 'machine-readable output / 机器可读输出' },
} satisfies Record<string, OptionSpec>;

async function run(args: string[], io: CliIo): Promise<number> {
  const { positionals } = parse(args, options);
  const { targets, failures } = await resolvePacks(positionals);
  for (const target of targets) {
    // Bundled packs load at start-up; re-check their documents so the command reports the same as for files.
    const problems = target.file ? [] : validatePack(target.pack.document, { registry: await bundledPacks() });
    if (problems.length > 0) failures.push({ file: target.id, problems });
    else io.stdout.write(`${(io.colour ?? PLAIN).green('OK')} ${target.file ? displayPath(target.file) : target.id} (${target.id} ${target.pack.version})\n`);
  }
  printFailures(failures, io.stdout, io.colour);
  return failures.length > 0 ? 2 : 0;
}

/** The `validate` command. */
export const validateCommand: Command = {
  name: 'validate',
  usage: ['validate <pack|dir>...                         check packs; problems with file:line:column (exit 2 if invalid)'],
  summary: 'check packs against the pack format; problems with file:line:column / 校验规则包',
  options,
  examples: ['aftersales validate packages/rules/packs/quality-severity', 'aftersales validate my-pack/pack.json'],
  run,
};
