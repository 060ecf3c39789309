/**
 * `aftersales validate <pack|dir>...`: checks packs against the pack format and their references, and the suite
 * beside each against the suite format, printing `OK <file> (<id> <version>)` or each problem with its
 * file:line:column (`--json`: the same as one JSON document). Exit 2 when any pack or suite is invalid.
 */
import { validatePack } from '@aftersales/core';
import { PLAIN } from '../colour.js';
import { bundledPacks, displayPath, resolvePacks } from '../packs.js';
import { failuresJson, printFailures } from './problems.js';
import { lang, LANG_OPTION, parse, type CliIo, type Command, type OptionSpec } from './shared.js';

const options = {
  json: { type: 'boolean', description: 'print {valid, packs, invalid} as JSON / 以 JSON 输出' },
  lang: LANG_OPTION,
} satisfies Record<string, OptionSpec>;

async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, options);
  const { targets, failures } = await resolvePacks(positionals);
  const valid: Array<{ pack: string; version: string; file?: string; suiteFile?: string }> = [];
  for (const target of targets) {
    // Bundled packs load at start-up; re-check their documents so the command reports the same as for files.
    const problems = target.file ? [] : validatePack(target.pack.document, { registry: await bundledPacks() });
    if (problems.length > 0) failures.push({ file: target.id, problems });
    // The suite beside the pack is checked too: a misspelt key there would make a case test nothing.
    if (target.suiteFailure) failures.push(target.suiteFailure);
    if (problems.length > 0 || target.suiteFailure) continue;
    const file = target.file ? displayPath(target.file) : undefined;
    valid.push({ pack: target.id, version: target.pack.version, ...(file ? { file } : {}), ...(target.suiteFile ? { suiteFile: displayPath(target.suiteFile) } : {}) });
    if (!values.json) io.stdout.write(`${(io.colour ?? PLAIN).green('OK')} ${file ?? target.id} (${target.id} ${target.pack.version})\n`);
  }
  if (values.json) io.stdout.write(`${JSON.stringify({ valid: failures.length === 0, packs: valid, invalid: failuresJson(failures) }, null, 2)}\n`);
  else printFailures(failures, io.stdout, io.colour, lang(values.lang, io));
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
