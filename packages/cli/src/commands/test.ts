/**
 * `aftersales test [pack|dir]...`: runs each pack's suite (`<id>.test.json` beside it), OPA style: failures first,
 * then passes, then `PASS: n/m`; with coverage and a threshold, and JSON or JUnit reports for CI. A pack or suite
 * that does not load is reported in every format (an `<error>` test case in JUnit) and exits 2; a failing or
 * erroring case, a pack without a suite, coverage below the threshold or (with `--lint`) a lint finding exits 1,
 * and every such gate is a failed test case in the JUnit report and a failed gate in the JSON one.
 */
import { existsSync, statSync, watch } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { AftersalesError, lintPack, runSuite, type TestSuite, type WorkingDayCalendar } from '@aftersales/core';
import { PLAIN } from '../colour.js';
import { renderJunit } from '../junit.js';
import { displayPath, resolvePacks, UsageError, type PackTarget } from '../packs.js';
import {
  coverageGate,
  exitCode,
  noSuiteEntry,
  packFailureEntry,
  pct,
  renderJsonReport,
  renderPrettyReport,
  suiteFailureEntry,
  summaryLines,
  belowThreshold,
  failedGates,
  type TestRun,
} from '../test-report.js';
import { CALENDAR_OPTION, readCalendarOption } from './calendar-option.js';
import { lang, LANG_OPTION, parse, writeOutputFile, type CliIo, type Command, type OptionSpec } from './shared.js';

const options = {
  lint: { type: 'boolean', description: 'also lint each pack against its suite; a finding fails the run / 同时检查阈值用例，有发现则失败' },
  coverage: { type: 'boolean', description: 'print each pack’s rule coverage and what is not covered / 打印覆盖率' },
  threshold: { type: 'string', value: '<percent>', description: 'fail when a pack’s coverage is below this percentage / 覆盖率低于此值则失败' },
  reporter: {
    type: 'string',
    default: 'pretty',
    value: '<name>',
    choices: ['pretty', 'json', 'junit'],
    description: 'the report format / 报告格式',
  },
  output: { type: 'string', short: 'o', value: '<file>', description: 'write the report to a file instead of stdout / 报告写入文件' },
  run: { type: 'string', value: '<regex>', description: 'run only the cases whose name matches / 只运行名称匹配的用例' },
  quiet: { type: 'boolean', short: 'q', description: 'print failures and the summary only / 只打印失败和汇总' },
  lang: LANG_OPTION,
  watch: { type: 'boolean', short: 'w', description: 're-run when a pack or suite file under the arguments changes / 文件更改时重新运行' },
  ...CALENDAR_OPTION,
} satisfies Record<string, OptionSpec>;

/** The suite with only the cases whose name matches, or undefined when none does. */
function selectCases(suite: TestSuite, pattern: RegExp | undefined): TestSuite | undefined {
  if (!pattern) return suite;
  const cases = suite.cases.filter((c) => pattern.test(c.name));
  return cases.length > 0 ? { ...suite, cases } : undefined;
}

/** Runs the suites of the packs that the arguments name. */
async function collect(
  positionals: string[],
  threshold: number | undefined,
  pattern?: RegExp,
  lint = false,
  calendar?: WorkingDayCalendar,
  language: 'zh' | 'en' = 'en',
): Promise<TestRun> {
  const { targets, failures } = await resolvePacks(positionals, calendar ? { calendar } : {});
  const run: TestRun = { runs: [], notRun: failures.map((f) => packFailureEntry(f, language)), ...(threshold !== undefined ? { threshold } : {}) };
  const runOne = async (target: PackTarget): Promise<void> => {
    if (target.suiteFailure) return void run.notRun.push(suiteFailureEntry(target, target.suiteFailure, language));
    if (!target.suite) return void run.notRun.push(noSuiteEntry(target));
    const suite = selectCases(target.suite, pattern);
    if (!suite) return;
    try {
      const report = await runSuite(target.pack, suite);
      const gates = threshold === undefined ? [] : [coverageGate(report, threshold)];
      if (lint) {
        const found = await lintPack(target.pack, suite);
        const details = found.messages.map((m) => m[language]);
        gates.push({ gate: 'lint', ok: found.ok, message: found.ok ? 'lint: no finding / 无发现' : `lint: ${details.length} finding(s) / 项发现`, details });
      }
      run.runs.push({ target, report, ...(gates.length > 0 ? { gates } : {}) });
    } catch (error) {
      if (!(error instanceof AftersalesError)) throw error;
      const file = target.suiteFile ?? target.file ?? target.id;
      run.notRun.push(suiteFailureEntry(target, { file, problems: error.problems.length > 0 ? error.problems : [{ path: '', message: error.message, code: error.code }] }, language));
    }
  };
  for (const target of targets) await runOne(target);
  return run;
}

/** The `--run` pattern, compiled; a pattern that does not compile is a usage error. */
function casePattern(source: unknown): RegExp | undefined {
  if (source === undefined) return undefined;
  try {
    return new RegExp(String(source), 'u');
  } catch (error) {
    throw new UsageError(`--run ${String(source)}: not a regular expression (${(error as Error).message}) / 不是正则表达式`);
  }
}

/**
 * `--watch`: the folders to watch — each folder argument (recursively), each file argument's folder — and whether
 * a changed file name concerns a run (a pack or a suite: a JSON file).
 */
function watchTargets(positionals: string[]): Array<{ dir: string; recursive: boolean }> {
  return positionals
    .filter((arg) => existsSync(arg))
    .map((arg) => (statSync(arg).isDirectory() ? { dir: resolve(arg), recursive: true } : { dir: dirname(resolve(arg)), recursive: false }));
}

/** Runs once, then again after every change of a JSON file under the arguments, until the process is stopped. */
function watchAndRerun(positionals: string[], once: () => Promise<number>, io: CliIo): Promise<number> {
  const targets = watchTargets(positionals);
  if (targets.length === 0) throw new UsageError('--watch needs pack files or folders to watch (bundled packs do not change) / --watch 需要规则包文件或目录');
  const waiting = () => io.stdout.write('[watch] waiting for changes (Ctrl-C to stop) / 等待文件更改\n');
  let running: Promise<unknown> = once().then(waiting);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const changed = new Set<string>();
  for (const { dir, recursive } of targets) {
    watch(dir, { recursive }, (_event, name) => {
      if (!name || !String(name).endsWith('.json')) return;
      changed.add(String(name));
      // Editors write a file in several steps: re-run once they are done, and never two runs at a time.
      clearTimeout(timer);
      timer = setTimeout(() => {
        const names = [...changed].join(', ');
        changed.clear();
        running = running.then(() => {
          io.stdout.write(`\n[watch] ${names} changed: running again / 文件已更改，重新运行\n`);
          return once().then(waiting);
        });
      }, 150);
    });
  }
  return new Promise<number>(() => undefined);
}

async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, options);
  const pattern = casePattern(values.run);
  if (values.watch && values.output) throw new UsageError('--watch prints to the terminal: leave out --output / --watch 不能与 --output 同用');
  const once = () => runOnce(values, positionals, pattern, io);
  return values.watch ? watchAndRerun(positionals, once, io) : once();
}

async function runOnce(values: Record<string, unknown>, positionals: string[], pattern: RegExp | undefined, io: CliIo): Promise<number> {
  const reporter = values.reporter as string;
  if (!['pretty', 'json', 'junit'].includes(reporter)) throw new UsageError(`--reporter ${reporter}: pretty, json or junit`);
  const threshold = values.threshold === undefined ? undefined : Number(values.threshold);
  if (threshold !== undefined && !(threshold >= 0 && threshold <= 100)) {
    throw new UsageError(`--threshold ${String(values.threshold)}: a percentage 0-100 / 应为 0-100 的百分比`);
  }
  const startedAt = new Date().toISOString().slice(0, 19);
  const calendar = await readCalendarOption(values.calendar as string | undefined, io);
  const result = await collect(positionals, threshold, pattern, values.lint === true, calendar, lang(values.lang, io));
  let text: string;
  if (reporter === 'junit') {
    const reports = result.runs.map(({ target, report, ...r }) => ({
      ...report,
      ...(target.file ? { packFile: displayPath(target.file) } : {}),
      ...(target.suiteFile ? { suiteFile: displayPath(target.suiteFile) } : {}),
      ...(r.gates ? { gates: r.gates } : {}),
    }));
    text = renderJunit(reports, startedAt, result.notRun);
  } else if (reporter === 'json') text = renderJsonReport(result);
  // A report file holds no escape codes.
  else {
    text = renderPrettyReport(result, {
      coverage: values.coverage === true,
      quiet: values.quiet === true,
      paint: values.output ? PLAIN : (io.colour ?? PLAIN),
    });
  }
  if (values.output) {
    writeOutputFile(values.output as string, text);
    io.stderr.write(`${summaryLines(result).join('; ')} — report written to ${values.output as string}\n`);
  } else io.stdout.write(text);
  if (reporter !== 'pretty') {
    for (const entry of result.notRun) io.stderr.write(`ERROR ${entry.message}\n${entry.details.map((d) => `    ${d}\n`).join('')}`);
    for (const { report: r } of belowThreshold(result)) io.stderr.write(`coverage ${r.pack} ${pct(r.coverage.percent)} < ${threshold}%\n`);
    for (const { run: r, gate } of failedGates(result)) if (gate.gate === 'lint') io.stderr.write(`lint ${r.report.pack}: ${gate.details.join('; ')}\n`);
  }
  return exitCode(result);
}

/** The `test` command. */
export const testCommand: Command = {
  name: 'test',
  usage: ['test [pack|dir]... [--lint] [--coverage] [--threshold <percent>] [--reporter pretty|json|junit] [--output <file>] [--run <regex>] [--quiet] [--watch] [--calendar <file>]'],
  summary: 'run the packs’ test suites (all bundled packs when none is given) / 运行测试用例集',
  options,
  examples: [
    'aftersales test --coverage --threshold 100',
    'aftersales test packages/rules/packs/quality-severity --reporter junit --output junit.xml',
    "aftersales test docs/examples/claim-grade/pack.json --run 'level 2' --quiet",
    'aftersales test my-pack/ --watch',
  ],
  run,
};
