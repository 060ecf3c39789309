/**
 * `aftersales schema <pack> [--output file]`: the editor schema of one pack — the pack format narrowed to the
 * pack's own fact names, fact paths, parameters and outcome fields (core's `editorSchema`) — on stdout or in a
 * file. Point the pack's `$schema` at the file (`init` does, with `pack.schema.json`) and an editor completes
 * `"fact": "|"` with the pack's facts and underlines a misspelt one. It is a snapshot: write it again after adding
 * a fact or a parameter. Exit 2 when the pack is invalid (the problems as core's error body on stderr).
 */
import { editorSchema } from '@aftersales/core';
import { resolveOnePack } from '../packs.js';
import { reportPackFailures } from './problems.js';
import { LANG_OPTION, parse, writeOutputFile, type CliIo, type Command, type OptionSpec } from './shared.js';

const options = {
  output: { type: 'string', short: 'o', value: '<file>', description: 'write the schema to a file (default stdout) / 写入文件' },
  lang: LANG_OPTION,
} satisfies Record<string, OptionSpec>;

async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, options);
  const { target, failures } = await resolveOnePack(positionals[0]);
  if (!target) return reportPackFailures(failures, io);
  const text = `${JSON.stringify(editorSchema(target.pack), null, 2)}\n`;
  const output = values.output as string | undefined;
  if (output === undefined || output === '-') io.stdout.write(text);
  else {
    writeOutputFile(output, text);
    io.stderr.write(`${output}: editor schema of ${target.id} ${target.pack.version} / 规则包 ${target.id} 的编辑器模式\n`);
  }
  return 0;
}

/** The `schema` command. */
export const schemaCommand: Command = {
  name: 'schema',
  usage: ['schema <pack> [--output <file>]                 the pack format narrowed to a pack’s own names, for editors'],
  summary: 'an editor schema with the pack’s facts, paths, parameters and outcome fields / 生成规则包的编辑器模式',
  options,
  examples: ['aftersales schema packs/claim-review --output packs/claim-review/pack.schema.json'],
  run,
};
