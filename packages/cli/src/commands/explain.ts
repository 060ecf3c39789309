/**
 * `aftersales explain <pack> --facts <file|json|->`: the decision for one claim in words (which rules fired, which
 * did not and why), in English or Chinese.
 */
import { describeDecision } from '@aftersales/core';
import { resolveOnePack, UsageError } from '../packs.js';
import { reportPackFailures } from './problems.js';
import { DECISION_OPTIONS, lang, LANG_OPTION, parse, parseParams, readJsonInput, type CliIo, type Command, type OptionSpec } from './shared.js';

const options = {
  ...DECISION_OPTIONS,
  lang: LANG_OPTION,
} satisfies Record<string, OptionSpec>;

async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, options);
  const language = lang(values.lang, io);
  const { target, failures } = await resolveOnePack(positionals[0]);
  if (!target) return reportPackFailures(failures, io);
  if (values.facts === undefined) throw new UsageError('explain needs --facts <file|json|-> / 需要 --facts');
  const facts = await readJsonInput(values.facts as string, io);
  const parameters = parseParams(values.param as string[] | undefined);
  const asOf = (values['as-of'] as string | undefined) ?? new Date().toISOString();
  const decision = await target.pack.evaluate(facts, { asOf, explain: true, ...(parameters ? { parameters } : {}) });
  io.stdout.write(describeDecision(target.pack, decision, language));
  return 0;
}

/** The `explain` command. */
export const explainCommand: Command = {
  name: 'explain',
  usage: ['explain <pack> --facts <file|json|-> [--lang zh|en] [--as-of <ISO>] [--param name=value]...'],
  summary: 'explain one decision in words / 用文字解释一次判定',
  options,
  examples: ['aftersales explain quality-severity --facts claim.json --lang zh'],
  run,
};
