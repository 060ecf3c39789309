/**
 * `aftersales docs <pack>`: a pack's rules, parameters and sources as Markdown, in English, Chinese or both (the
 * bundled packs' READMEs are made this way).
 */
import { renderPackDocs } from '@aftersales/core';
import { resolveOnePack } from '../packs.js';
import { reportPackFailures } from './problems.js';
import { lang, parse, writeOutputFile, type CliIo, type Command, type OptionSpec } from './shared.js';

const options = {
  lang: { type: 'string', value: '<zh|en|both>', choices: ['zh', 'en', 'both'], description: 'language (default: zh when LC_ALL or LANG starts with zh, else en; both: English then Chinese) / 语言' },
  output: { type: 'string', short: 'o', value: '<file>', description: 'write the Markdown to a file instead of stdout / 写入文件' },
} satisfies Record<string, OptionSpec>;

async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, options);
  // `both` is the README of a bundled pack: English, a rule, then Chinese.
  const both = values.lang === 'both';
  const language = both ? 'en' : lang(values.lang, io);
  const { target, failures } = await resolveOnePack(positionals[0]);
  if (!target) return reportPackFailures(failures, io);
  const markdown = both
    ? `${renderPackDocs(target.pack, 'en').trimEnd()}\n\n---\n\n${renderPackDocs(target.pack, 'zh').trimEnd()}\n`
    : renderPackDocs(target.pack, language);
  if (values.output) writeOutputFile(values.output as string, markdown);
  else io.stdout.write(markdown);
  return 0;
}

/** The `docs` command. */
export const docsCommand: Command = {
  name: 'docs',
  usage: ['docs <pack> [--lang zh|en|both] [--output <file>]   (both: the pack README, English then Chinese)'],
  summary: 'a pack’s rules and parameters as Markdown / 生成规则包文档',
  options,
  examples: ['aftersales docs quality-severity --lang both --output README.md'],
  run,
};
