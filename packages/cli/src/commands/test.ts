/**
 * `aftersales test [pack|dir]...`: runs each pack's suite (`<id>.test.json` beside it), OPA style: failures first,
 * then passes, then `PASS: n/m`; with coverage and a threshold, and JSON or JUnit reports for CI. A pack or suite
 * that does not load is reported in every format (an `<error>` test case in JUnit) and exits 2; a failing or
 * erroring case, a pack without a suite or coverage below the threshold exits 1.
 */
import { writeFileSync } from 'node:fs';
import { AftersalesError, runSuite, type TestSuite } from '@aftersales/core';
import { PLAIN } from '../colour.js';
import { renderJunit } from '../junit.js';
import { displayPath, resolvePacks, UsageError, type PackTarget } from '../packs.js';
import {
  exitCode,
  noSuiteEntry,
  packFailureEntry,
  pct,
  renderJsonReport,
  renderPrettyReport,
  suiteFailureEntry,
  summaryLines,
  belowThreshold,
  type TestRun,
} from '../test-report.js';
import { parse, type CliIo, type Command, type OptionSpec } from './shared.js';

const options = {
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
} satisfies Record<string, OptionSpec>;

/** The suite with only the cases whose name matches, or undefined when none does. */
function selectCases(suite: TestSuite, pattern: RegExp | undefined): TestSuite | undefined {
  if (!pattern) return suite;
  const cases = suite.cases.filter((c) => pattern.test(c.name));
  return cases.length > 0 ? { ...suite, cases } : undefined;
}

/** Runs the suites of the packs that the arguments name. */
async function collect(positionals: string[], threshold: number | undefined, pattern?: RegExp): Promise<TestRun> {
  const { targets, failures } = await resolvePacks(positionals);
  const run: TestRun = { runs: [], notRun: failures.map(packFailureEntry), ...(threshold !== undefined ? { threshold } : {}) };
  const runOne = async (target: PackTarget): Promise<void> => {
    if (target.suiteFailure) return void run.notRun.push(suiteFailureEntry(target, target.suiteFailure));
    if (!target.suite) return void run.notRun.push(noSuiteEntry(target));
    const suite = selectCases(target.suite, pattern);
    if (!suite) return;
    try {
      run.runs.push({ target, report: await runSuite(target.pack, suite) });
    } catch (error) {
      if (!(error instanceof AftersalesError)) throw error;
      const file = target.suiteFile ?? target.file ?? target.id;
      run.notRun.push(suiteFailureEntry(target, { file, problems: error.problems.length > 0 ? error.problems : [{ path: '', message: error.message, code: error.code }] }));
    }
  };
  for (const target of targets) await runOne(target);
  return run;
}

async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, options);
  const reporter = values.reporter as string;
  if (!['pretty', 'json', 'junit'].includes(reporter)) throw new UsageError(`--reporter ${reporter}: pretty, json or junit`);
  const threshold = values.threshold === undefined ? undefined : Number(values.threshold);
  if (threshold !== undefined && !(threshold >= 0 && threshold <= 100)) {
    throw new UsageError(`--threshold ${String(values.threshold)}: a percentage 0-100 / 应为 0-100 的百分比`);
  }
  const startedAt = new Date().toISOString().slice(0, 19);
  const result = await collect(positionals, threshold);
  let text: string;
  if (reporter === 'junit') {
    const reports = result.runs.map(({ target, report }) => ({
      ...report,
      ...(target.file ? { packFile: displayPath(target.file) } : {}),
      ...(target.suiteFile ? { suiteFile: displayPath(target.suiteFile) } : {}),
    }));
    text = renderJunit(reports, startedAt, result.notRun);
  } else if (reporter === 'json') text = renderJsonReport(result);
  // A report file holds no escape codes.
  else text = renderPrettyReport(result, { coverage: values.coverage === true, paint: values.output ? PLAIN : (io.colour ?? PLAIN) });
  if (values.output) {
    writeFileSync(values.output as string, text);
    io.stderr.write(`${summaryLines(result).join('; ')} — report written to ${values.output as string}\n`);
  } else io.stdout.write(text);
  if (reporter !== 'pretty') {
    for (const entry of result.notRun) io.stderr.write(`ERROR ${entry.message}\n${entry.details.map((d) => `    ${d}\n`).join('')}`);
    for (const { report: r } of belowThreshold(result)) io.stderr.write(`coverage ${r.pack} ${pct(r.coverage.percent)} < ${threshold}%\n`);
  }
  return exitCode(result);
}

/** The `test` command. */
export const testCommand: Command = {
  name: 'test',
  usage: ['test [pack|dir]... [--coverage] [--threshold <percent>] [--reporter pretty|json|junit] [--output <file>]'],
  summary: 'run the packs’ test suites (all bundled packs when none is given) / 运行测试用例集',
  options,
  examples: [
    'aftersales test --coverage --threshold 100',
    'aftersales test packages/rules/packs/quality-severity --reporter junit --output junit.xml',
  ],
  run,
};
