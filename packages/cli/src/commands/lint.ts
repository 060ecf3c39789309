/**
 * `aftersales lint [pack|dir]...`: the gaps a pack's suite leaves (rules never fired, outcomes never expected,
 * boundaries not tested) and suggestions. Exit 1 when there are gaps, 2 when a pack is invalid.
 */
import { lintPack, type TestSuite } from '@aftersales/core';
import { PLAIN } from '../colour.js';
import { resolvePacks } from '../packs.js';
import { failuresJson, printFailures } from './problems.js';
import { lang, LANG_OPTION, parse, type CliIo, type Command, type OptionSpec } from './shared.js';

const options = {
  lang: LANG_OPTION,
  json: { type: 'boolean', description: 'the lint reports, and the packs that did not load, as JSON / 以 JSON 输出' },
} satisfies Record<string, OptionSpec>;

async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, options);
  const language = lang(values.lang, io);
  const { targets, failures } = await resolvePacks(positionals);
  let gaps = 0;
  const reports = [];
  for (const target of targets) {
    if (target.suiteFailure) {
      failures.push(target.suiteFailure);
      continue;
    }
    const suite: TestSuite = target.suite ?? { pack: target.id, cases: [] };
    const report = await lintPack(target.pack, suite);
    reports.push(report);
    const count = report.messages.length + (target.suite ? 0 : 1);
    gaps += count;
    if (values.json) continue;
    const paint = io.colour ?? PLAIN;
    io.stdout.write(`${report.ok && target.suite ? paint.green('OK ') : paint.yellow('GAPS')} ${target.id}${count ? `: ${count} gap(s) / 处缺口` : ''}\n`);
    if (!target.suite) io.stdout.write(`    no test suite / 没有测试用例集\n`);
    for (const m of report.messages) io.stdout.write(`    ${m[language]}\n`);
    for (const m of report.suggestions ?? []) io.stdout.write(`    ${m[language]}\n`);
  }
  // The JSON report always has both lists: a pack that does not load is in `invalid`, never silently absent.
  if (values.json) io.stdout.write(`${JSON.stringify({ packs: reports, invalid: failuresJson(failures) }, null, 2)}\n`);
  printFailures(failures, io.stderr, undefined, language);
  if (failures.length > 0) return 2;
  return gaps > 0 ? 1 : 0;
}

/** The `lint` command. */
export const lintCommand: Command = {
  name: 'lint',
  usage: ['lint [pack|dir]... [--lang zh|en]'],
  summary: 'report the gaps a pack’s test suite leaves / 检查测试用例集的缺口',
  options,
  examples: ['aftersales lint', 'aftersales lint packages/rules/packs/quality-severity --lang zh'],
  run,
};
