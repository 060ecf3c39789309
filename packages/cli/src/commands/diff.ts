/**
 * `aftersales diff <old-pack> <new-pack>`: where two versions of a pack decide differently (core's `diffPacks`),
 * as Markdown or JSON; `--facts-file` replays past facts (JSONL) on both. Exit codes follow `diff(1)`: 0 when no
 * decision differs, 1 when one does, 2 for invalid input (a pack, a facts file, the command line).
 */
import { readFileSync } from 'node:fs';
import { noteInput } from '../input-files.js';
import { diffPacks, jsonTextNestsDeeperThan, outcomeChanges, type DiffChange, type DiffOutcome, type PackDiff, type TestSuite } from '@aftersales/core';
import { MAX_INPUT_DEPTH } from '../batch.js';
import { displayPath, resolveOnePack, UsageError } from '../packs.js';
import { reportPackFailures } from './problems.js';
import { LANG_OPTION, InputError, parse, type CliIo, type Command, type OptionSpec } from './shared.js';

const options = {
  json: { type: 'boolean', description: 'the difference as JSON / 以 JSON 输出' },
  'facts-file': { type: 'string', value: '<claims.jsonl>', description: 'replay past facts, one JSON object a line / 重放历史事实（JSONL）' },
  'as-of': { type: 'string', value: '<ISO>', description: 'decide replayed facts as of this date-time (default: now) / 重放的判定时间（默认：现在）' },
  lang: LANG_OPTION,
} satisfies Record<string, OptionSpec>;

/** The facts of a JSONL file with their line numbers (blank lines skipped); a line that is not JSON is exit 2. */
function readFactsFile(file: string): { facts: unknown[]; lines: number[] } {
  const out: unknown[] = [];
  const lines: number[] = [];
  noteInput(file);
  readFileSync(file, 'utf8')
    .replace(/^\uFEFF/, '')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      const where = `${displayPath(file)}:${i + 1}`;
      const refuse = (code: string, message: string): never => {
        throw new InputError({ code, message: `${where}: ${message}`, problems: [{ path: '', message, code, line: i + 1 }] });
      };
      if (jsonTextNestsDeeperThan(line, MAX_INPUT_DEPTH)) refuse('INPUT_TOO_DEEP', `nests deeper than ${MAX_INPUT_DEPTH} levels / 嵌套超过 ${MAX_INPUT_DEPTH} 层`);
      try {
        out.push(JSON.parse(line));
        lines.push(i + 1);
      } catch (error) {
        refuse('INVALID_JSON', `not JSON: ${(error as Error).message} / 不是 JSON`);
      }
    });
  return { facts: out, lines };
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
/** A value for a table cell: JSON, cut at {@link CELL_CHARS} characters (`--json` has it whole). */
const json = (value: unknown): string => {
  const text = value === undefined ? '(none)' : JSON.stringify(value);
  return text.length > CELL_CHARS ? `${text.slice(0, CELL_CHARS - 1)}…` : text;
};
const CELL_CHARS = 120;

/** `level: 3 → 2; class: "general" → "major"`, or the error codes. */
function changeText(changed: DiffChange[]): string {
  return changed.map((c) => `${c.key}: ${json(c.old)} → ${json(c.new)}`).join('; ');
}

const outcomeText = (older: DiffOutcome, newer: DiffOutcome): string => changeText(outcomeChanges(older, newer));

/** A difference whose replay examples carry their line in the facts file. */
type LinedDiff = PackDiff & { replay?: PackDiff['replay'] & { examples: Array<{ line?: number }> } };

/** The difference as Markdown: what changed, the regions, the suite cases and the replay. */
export function renderDiffMarkdown(diff: LinedDiff, factsFile?: string): string {
  const lines = [`# ${diff.pack}: ${diff.old.version} → ${diff.new.version}`, ''];
  lines.push(diff.differs ? 'Decisions differ. / 判定有变化。' : 'No decision differs. / 判定没有变化。', '');
  const rules = diff.rules.map((r) => `\`${r.rule}\` (${r.change})`).join(', ') || 'none';
  lines.push(`- Rules / 规则: ${rules}`);
  if (diff.parameters.length > 0) lines.push(`- Parameters / 参数: ${diff.parameters.map((p) => `\`${p.name}\` ${json(p.old)} → ${json(p.new)}`).join(', ')}`);
  if (diff.settings.length > 0) lines.push(`- Settings / 设置: ${diff.settings.map((s) => `\`${s}\``).join(', ')}`);
  lines.push(`- Facts varied / 考察的事实: ${diff.facts.map((f) => `\`${f}\``).join(', ') || 'none'} (${diff.bases} base case(s), ${diff.evaluations} evaluations)`);
  for (const s of diff.skipped) lines.push(`- Not varied / 未考察: \`${s.fact}\` — ${s.reason}`);
  if (diff.regions.length > 0) {
    lines.push('', '## Regions where the outcome changes / 结果变化的区域', '', '| Region | Old → new | Example facts | Base case |', '|---|---|---|---|');
    for (const r of diff.regions) {
      lines.push(`| ${cell(r.text)} | ${cell(changeText(r.changed))} | \`${cell(JSON.stringify(r.example.facts))}\` | ${cell(r.example.base)}${r.bases > 1 ? ` (+${r.bases - 1})` : ''} |`);
    }
  }
  if (diff.cases.length > 0) {
    lines.push('', '## Suite cases whose outcome changes / 结果变化的用例', '', '| Case | Old → new |', '|---|---|');
    for (const c of diff.cases) lines.push(`| ${cell(c.name)} | ${cell(outcomeText(c.old, c.new))} |`);
  }
  if (diff.replay) {
    const { total, changed, examples } = diff.replay;
    lines.push('', `## Replay of ${factsFile ?? 'past facts'} / 历史事实重放`, '', `${changed} of ${total} decision(s) change. / ${total} 条中 ${changed} 条判定变化。`);
    if (examples.length > 0) {
      lines.push('', '| Line | Facts | Old → new |', '|---|---|---|');
      for (const e of examples) lines.push(`| ${e.line ?? e.index + 1} | \`${cell(json(e.facts))}\` | ${cell(outcomeText(e.old, e.new))} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, options);
  if (positionals.length !== 2) throw new UsageError('diff needs <old-pack> <new-pack> / 需要 <旧规则包> <新规则包>');
  const [older, newer] = [await resolveOnePack(positionals[0]), await resolveOnePack(positionals[1])];
  if (!older.target || !newer.target) return reportPackFailures([...older.failures, ...newer.failures], io);
  const factsFile = values['facts-file'] as string | undefined;
  const replayed = factsFile === undefined ? undefined : readFactsFile(factsFile);
  const suites = [older.target.suite, newer.target.suite].filter((s): s is TestSuite => s !== undefined);
  const diff = diffPacks(older.target.pack, newer.target.pack, {
    suite: suites,
    asOf: (values['as-of'] as string | undefined) ?? new Date().toISOString(),
    ...(replayed ? { replay: replayed.facts } : {}),
  });
  const lined: LinedDiff = diff.replay && replayed ? { ...diff, replay: { ...diff.replay, examples: diff.replay.examples.map((e) => ({ ...e, line: replayed.lines[e.index] })) } } : diff;
  io.stdout.write(values.json ? `${JSON.stringify(lined, null, 2)}\n` : renderDiffMarkdown(lined, factsFile === undefined ? undefined : displayPath(factsFile)));
  return diff.differs ? 1 : 0;
}

/** The `diff` command. */
export const diffCommand: Command = {
  name: 'diff',
  usage: ['diff <old-pack> <new-pack> [--facts-file <claims.jsonl>] [--as-of <ISO>] [--json]   (exit 1 when decisions differ)'],
  summary: 'where two versions of a pack decide differently (exit 1 when they do) / 两个版本的判定差异',
  options,
  examples: ['aftersales diff quality-severity ./quality-severity/pack.json', 'aftersales diff old/pack.json new/pack.json --facts-file claims.jsonl --json'],
  run,
};
