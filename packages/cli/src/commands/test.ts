/**
 * `aftersales test [pack|dir]...`: runs each pack's suite (`<id>.test.json` beside it), OPA style: failures first,
 * then passes, then `PASS: n/m`; with coverage and a threshold, and JSON or JUnit reports for CI. Exit 1 when a
 * case fails, a pack cannot be tested or coverage is below the threshold.
 */
import { writeFileSync } from 'node:fs';
import { runSuite, type SuiteReport } from '@aftersales/core';
import { PLAIN } from '../colour.js';
import { renderJunit } from '../junit.js';
import { resolvePacks, UsageError } from '../packs.js';
import { formatProblem } from './problems.js';
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

/** Percent with two decimals at most. */
const pct = (n: number) => `${Math.round(n * 100) / 100}%`;

async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, options);
  const reporter = values.reporter as string;
  if (!['pretty', 'json', 'junit'].includes(reporter)) throw new UsageError(`--reporter ${reporter}: pretty, json or junit`);
  const threshold = values.threshold === undefined ? undefined : Number(values.threshold);
  if (threshold !== undefined && !(threshold >= 0 && threshold <= 100)) {
    throw new UsageError(`--threshold ${String(values.threshold)}: a percentage 0-100 / 应为 0-100 的百分比`);
  }
  const startedAt = new Date().toISOString().slice(0, 19);
  const { targets, failures } = await resolvePacks(positionals);
  const reports: SuiteReport[] = [];
  const problems: string[] = [];
  for (const target of targets) {
    if (!target.suite) {
      problems.push(`${target.id}: no test suite (${target.id}.test.json) / 没有测试用例集`);
      continue;
    }
    reports.push(await runSuite(target.pack, target.suite));
  }
  for (const failure of failures) {
    problems.push(...failure.problems.map((p) => `invalid pack: ${formatProblem(p)}`));
  }
  const belowThreshold = threshold === undefined ? [] : reports.filter((r) => r.coverage.percent < threshold);
  const passed = reports.reduce((n, r) => n + r.passed, 0);
  const total = reports.reduce((n, r) => n + r.cases.length, 0);

  let text: string;
  if (reporter === 'junit') text = renderJunit(reports, startedAt);
  else if (reporter === 'json') {
    text = `${JSON.stringify(
      {
        passed,
        failed: total - passed,
        total,
        ...(threshold !== undefined ? { threshold } : {}),
        problems,
        packs: reports.map((r) => ({
          pack: r.pack,
          passed: r.passed,
          failed: r.failed,
          durationMs: r.durationMs,
          coverage: r.coverage,
          cases: r.cases.map(({ decision: _decision, ...rest }) => rest),
        })),
      },
      null,
      2,
    )}\n`;
  } else {
    const paint = values.output ? PLAIN : (io.colour ?? PLAIN); // a report file holds no escape codes
    const lines: string[] = [];
    const results = reports.flatMap((r) => r.cases.map((c) => ({ pack: r.pack, c })));
    const ms = (x: number) => `${x < 10 ? x.toFixed(2) : x.toFixed(1)} ms`;
    for (const { pack, c } of results.filter(({ c }) => c.status === 'fail')) {
      lines.push(`${pack}: ${c.name}: ${paint.red('FAIL')} (${ms(c.durationMs)})`);
      for (const f of c.failures) lines.push(`    ${f}`);
      lines.push(`    expected: ${JSON.stringify(c.expected)}`, `    actual:   ${JSON.stringify(c.actual)}`);
    }
    for (const { pack, c } of results.filter(({ c }) => c.status === 'pass')) lines.push(`${pack}: ${c.name}: ${paint.green('PASS')} (${ms(c.durationMs)})`);
    for (const p of problems) lines.push(`${paint.red('ERROR')} ${p}`);
    if (values.coverage || threshold !== undefined) {
      lines.push('');
      for (const r of reports) {
        lines.push(`coverage ${r.pack}: ${pct(r.coverage.percent)} (${r.coverage.covered}/${r.coverage.total})`);
        for (const m of r.coverage.missing) lines.push(`    ${m}`);
      }
      if (threshold !== undefined) {
        for (const r of belowThreshold) lines.push(`coverage ${r.pack} ${pct(r.coverage.percent)} is below the threshold ${threshold}% / 覆盖率低于阈值`);
      }
    }
    lines.push('--------------------------------------------------------------------------------');
    lines.push((passed === total ? paint.green : paint.red)(`PASS: ${passed}/${total}`));
    if (total - passed > 0) lines.push(paint.red(`FAIL: ${total - passed}/${total}`));
    text = `${lines.join('\n')}\n`;
  }
  if (values.output) {
    writeFileSync(values.output as string, text);
    io.stderr.write(`PASS: ${passed}/${total} — report written to ${values.output as string}\n`);
  } else io.stdout.write(text);
  if (reporter !== 'pretty' && problems.length > 0) for (const p of problems) io.stderr.write(`ERROR ${p}\n`);
  if (reporter !== 'pretty') for (const r of belowThreshold) io.stderr.write(`coverage ${r.pack} ${pct(r.coverage.percent)} < ${threshold}%\n`);
  return passed === total && problems.length === 0 && belowThreshold.length === 0 ? 0 : 1;
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
