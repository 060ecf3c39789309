/**
 * The `aftersales` command: validate, test (with coverage and JUnit), eval (one claim or a JSONL batch), explain,
 * docs and lint. Each command is a function from parsed arguments to an exit code, writing to the streams it is
 * given, so the bin stays a two-line adapter. Exit codes: 0 success; 1 a test, a lint or a batch line failed;
 * 2 invalid input (a pack, facts, parameters or the command line itself).
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  describeDecision,
  jsonTextNestsDeeperThan,
  lintPack,
  renderPackDocs,
  runSuite,
  toErrorBody,
  validatePack,
  type Pack,
  type SuiteReport,
  type TestSuite,
} from '@aftersales/core';
import { BatchOutputError, formatSummary, MAX_INPUT_DEPTH, openBatchOutput, runBatch } from './batch.js';
import { IMPORT_USAGE, importCommand } from './commands/import-jre.js';
import { TYPES_USAGE, typesCommand } from './commands/types.js';
import { locateJson, JsonSyntaxError } from './json-locator.js';
import { renderJunit } from './junit.js';
import {
  bundledPacks,
  displayPath,
  resolveOnePack,
  resolvePacks,
  UsageError,
  type LocatedProblem,
  type PackFileFailure,
} from './packs.js';

/** The streams a command reads and writes. */
export interface CliIo {
  stdout: Writable;
  stderr: Writable & { isTTY?: boolean };
  stdin: Readable;
}

const USAGE = `Usage: aftersales <command> [options]

Commands / 命令:
  validate <pack|dir>...                         check packs; problems with file:line:column (exit 2 if invalid)
  test [pack|dir]... [--coverage] [--threshold <percent>] [--reporter pretty|json|junit] [--output <file>]
  eval <pack> --facts <file|-> [--as-of <ISO>] [--param name=value]...
  eval <pack> --input <claims.jsonl|-> [--output <decisions.jsonl>] [--as-of <ISO>] [--explain] [--workers auto|<n>] [--max-line-bytes <n>]
  explain <pack> --facts <file|-> [--lang zh|en] [--as-of <ISO>] [--param name=value]...
  docs <pack> [--lang zh|en|both] [--output <file>]   (both: the pack README, English then Chinese)
  lint [pack|dir]... [--lang zh|en]
${IMPORT_USAGE}
${TYPES_USAGE}

<pack> is a bundled pack id or a path to a pack.json (its suite is <dir>/<id>.test.json).
Exit codes: 0 ok; 1 test/lint/batch-line failure; 2 invalid pack, facts, parameters or usage.
`;

function parse(args: string[], options: ParseArgsConfig['options']): { values: Record<string, unknown>; positionals: string[] } {
  const parsed = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  return { values: parsed.values as Record<string, unknown>, positionals: parsed.positionals };
}

/** Reads a JSON file (or stdin for `-`) and reports a syntax error with its line and column. */
async function readJsonInput(path: string, io: CliIo): Promise<unknown> {
  let text: string;
  if (path === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    text = Buffer.concat(chunks).toString('utf8');
  } else text = readFileSync(path, 'utf8');
  if (jsonTextNestsDeeperThan(text, MAX_INPUT_DEPTH)) {
    const message = `${path === '-' ? 'stdin' : path}: nests deeper than ${MAX_INPUT_DEPTH} levels / 嵌套超过 ${MAX_INPUT_DEPTH} 层`;
    throw new InputError({ code: 'INPUT_TOO_DEEP', message, problems: [{ path: '', message, code: 'INPUT_TOO_DEEP' }] });
  }
  try {
    locateJson(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) {
      throw new InputError({
        code: 'INVALID_JSON',
        message: `${path === '-' ? 'stdin' : path}: ${error.message}`,
        problems: [{ path: '', message: error.message, code: 'INVALID_JSON', ...error.position }],
      });
    }
    throw error;
  }
  return JSON.parse(text.replace(/^\uFEFF/, ''));
}

/** A structured error of the input, printed as JSON on stderr with exit 2. */
class InputError extends Error {
  constructor(readonly body: { code: string; message: string; problems: unknown[] }) {
    super(body.message);
  }
}

/** `--param name=value` to an override: JSON when it parses (numbers, booleans), else the string. */
function parseParams(values: string[] | undefined): Record<string, unknown> | undefined {
  if (!values || values.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const item of values) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param ${item}: expected name=value / 应为 名称=取值`);
    if (item.slice(0, eq) in Object.prototype) throw new UsageError(`--param ${item.slice(0, eq)}: not a parameter name / 不是参数名`);
    const raw = item.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw;
    }
    out[item.slice(0, eq)] = value;
  }
  return out;
}

function lang(value: unknown): 'zh' | 'en' {
  if (value === undefined || value === 'en') return 'en';
  if (value === 'zh') return 'zh';
  throw new UsageError(`--lang ${String(value)}: expected zh or en / 应为 zh 或 en`);
}

function formatProblem(p: LocatedProblem): string {
  const where = p.file ? `${displayPath(p.file)}${p.line ? `:${p.line}:${p.column}` : ''} ` : '';
  return `${where}${p.path || '/'} ${p.message} [${p.code}]`;
}

function printFailures(failures: PackFileFailure[], out: Writable): void {
  for (const failure of failures) {
    out.write(`INVALID ${displayPath(failure.file)}: ${failure.problems.length} problem(s) / 个问题\n`);
    for (const p of failure.problems) out.write(`  ${formatProblem(p)}\n`);
  }
}

async function validateCommand(args: string[], io: CliIo): Promise<number> {
  const { positionals } = parse(args, { json: { type: 'boolean' } });
  const { targets, failures } = await resolvePacks(positionals);
  for (const target of targets) {
    // Bundled packs load at start-up; re-check their documents so the command reports the same as for files.
    const problems = target.file ? [] : validatePack(target.pack.document, { registry: await bundledPacks() });
    if (problems.length > 0) failures.push({ file: target.id, problems });
    else io.stdout.write(`OK ${target.file ? displayPath(target.file) : target.id} (${target.id} ${target.pack.version})\n`);
  }
  printFailures(failures, io.stdout);
  return failures.length > 0 ? 2 : 0;
}

/** Percent with two decimals at most. */
const pct = (n: number) => `${Math.round(n * 100) / 100}%`;

async function testCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    coverage: { type: 'boolean' },
    threshold: { type: 'string' },
    reporter: { type: 'string', default: 'pretty' },
    output: { type: 'string', short: 'o' },
  });
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
    const lines: string[] = [];
    const results = reports.flatMap((r) => r.cases.map((c) => ({ pack: r.pack, c })));
    const ms = (x: number) => `${x < 10 ? x.toFixed(2) : x.toFixed(1)} ms`;
    for (const { pack, c } of results.filter(({ c }) => c.status === 'fail')) {
      lines.push(`${pack}: ${c.name}: FAIL (${ms(c.durationMs)})`);
      for (const f of c.failures) lines.push(`    ${f}`);
      lines.push(`    expected: ${JSON.stringify(c.expected)}`, `    actual:   ${JSON.stringify(c.actual)}`);
    }
    for (const { pack, c } of results.filter(({ c }) => c.status === 'pass')) lines.push(`${pack}: ${c.name}: PASS (${ms(c.durationMs)})`);
    for (const p of problems) lines.push(`ERROR ${p}`);
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
    lines.push(`PASS: ${passed}/${total}`);
    if (total - passed > 0) lines.push(`FAIL: ${total - passed}/${total}`);
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

/** Inputs from this size on are decided by worker threads unless `--workers` says otherwise (start-up costs ~0.3 s). */
const AUTO_WORKERS_FROM_BYTES = 16 * 1024 * 1024;

/**
 * `--workers auto`: for a file of 16 MiB or more, one worker per idle core (cores less the 1-minute load average,
 * at most 4); on a busy machine, or for stdin and small files, the main thread alone. Measured on a shared 2-core
 * machine at load 5: two workers took more CPU and no less time than one thread, so idle cores are what counts.
 */
function autoWorkers(input: string | Readable): number {
  if (typeof input !== 'string') return 1;
  try {
    if (statSync(input).size < AUTO_WORKERS_FROM_BYTES) return 1;
  } catch {
    return 1; // the batch reports the missing file itself
  }
  const idle = Math.round(availableParallelism() - (loadavg()[0] ?? 0));
  return idle >= 2 ? Math.min(4, idle) : 1;
}

/** The documents of a pack and of every pack it requires (they are bundled packs), for the batch workers. */
async function packDocuments(pack: Pack): Promise<unknown[] | undefined> {
  const required = [...pack.requiresDeep()];
  if (required.length === 0) return [pack.document];
  const registry = await bundledPacks();
  const docs: unknown[] = [];
  for (const id of required) {
    const dep = registry.get(id);
    if (!dep) return undefined;
    docs.push(dep.document);
  }
  docs.push(pack.document);
  return docs;
}

/** Evaluates one facts document; prints the decision or the structured error. */
async function evalCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    facts: { type: 'string' },
    input: { type: 'string' },
    output: { type: 'string', short: 'o' },
    'as-of': { type: 'string' },
    param: { type: 'string', multiple: true },
    explain: { type: 'boolean' },
    'max-line-bytes': { type: 'string' },
    workers: { type: 'string' },
  });
  const maxLineBytes = values['max-line-bytes'] === undefined ? undefined : Number(values['max-line-bytes']);
  if (maxLineBytes !== undefined && !(Number.isSafeInteger(maxLineBytes) && maxLineBytes > 0)) {
    throw new UsageError(`--max-line-bytes ${String(values['max-line-bytes'])}: a positive whole number / 应为正整数`);
  }
  const workersArg = values.workers as string | undefined;
  const workers = workersArg === undefined || workersArg === 'auto' ? undefined : Number(workersArg);
  if (workers !== undefined && !(Number.isSafeInteger(workers) && workers >= 1 && workers <= 64)) {
    throw new UsageError(`--workers ${String(workersArg)}: auto or a whole number 1-64 / 应为 auto 或 1-64 的整数`);
  }
  const { target, failures } = await resolveOnePack(positionals[0]);
  if (!target) return reportPackFailures(failures, io);
  const asOf = (values['as-of'] as string | undefined) ?? new Date().toISOString();
  const parameters = parseParams(values.param as string[] | undefined);
  if (values.input !== undefined) {
    if (values.facts !== undefined) throw new UsageError('--facts and --input exclude each other / 不能同时使用');
    const outputPath = values.output as string | undefined;
    const input = values.input === '-' ? io.stdin : (values.input as string);
    let output: Writable;
    try {
      output = outputPath && outputPath !== '-' ? openBatchOutput(typeof input === 'string' ? input : undefined, outputPath) : io.stdout;
    } catch (error) {
      if (error instanceof BatchOutputError) throw new InputError({ code: error.code, message: error.message, problems: error.problems });
      throw error;
    }
    const summary = await runBatch({
      workers: workers ?? autoWorkers(input),
      documents: await packDocuments(target.pack),
      pack: target.pack,
      asOf,
      ...(parameters ? { parameters } : {}),
      explain: values.explain === true,
      ...(maxLineBytes !== undefined ? { maxLineBytes } : {}),
      input,
      output,
      stderr: io.stderr,
    });
    if (output !== io.stdout) await new Promise<void>((resolve, reject) => output.end((error?: Error | null) => (error ? reject(error) : resolve())));
    io.stderr.write(formatSummary(summary));
    return summary.errors > 0 ? 1 : 0;
  }
  if (values.facts === undefined) throw new UsageError('eval needs --facts <file|-> or --input <file> / 需要 --facts 或 --input');
  const facts = await readJsonInput(values.facts as string, io);
  const decision = await target.pack.evaluate(facts, { asOf, ...(parameters ? { parameters } : {}) });
  io.stdout.write(`${JSON.stringify(decision, null, 2)}\n`);
  return 0;
}

async function explainCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    facts: { type: 'string' },
    lang: { type: 'string' },
    'as-of': { type: 'string' },
    param: { type: 'string', multiple: true },
  });
  const language = lang(values.lang);
  const { target, failures } = await resolveOnePack(positionals[0]);
  if (!target) return reportPackFailures(failures, io);
  if (values.facts === undefined) throw new UsageError('explain needs --facts <file|-> / 需要 --facts');
  const facts = await readJsonInput(values.facts as string, io);
  const parameters = parseParams(values.param as string[] | undefined);
  const asOf = (values['as-of'] as string | undefined) ?? new Date().toISOString();
  const decision = await target.pack.evaluate(facts, { asOf, explain: true, ...(parameters ? { parameters } : {}) });
  io.stdout.write(describeDecision(target.pack, decision, language));
  return 0;
}

async function docsCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { lang: { type: 'string' }, output: { type: 'string', short: 'o' } });
  // `both` is the README of a bundled pack: English, a rule, then Chinese.
  const both = values.lang === 'both';
  const language = both ? 'en' : lang(values.lang);
  const { target, failures } = await resolveOnePack(positionals[0]);
  if (!target) return reportPackFailures(failures, io);
  const markdown = both
    ? `${renderPackDocs(target.pack, 'en').trimEnd()}\n\n---\n\n${renderPackDocs(target.pack, 'zh').trimEnd()}\n`
    : renderPackDocs(target.pack, language);
  if (values.output) writeFileSync(values.output as string, markdown);
  else io.stdout.write(markdown);
  return 0;
}

async function lintCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { lang: { type: 'string' }, json: { type: 'boolean' } });
  const language = lang(values.lang);
  const { targets, failures } = await resolvePacks(positionals);
  let gaps = 0;
  const reports = [];
  for (const target of targets) {
    const suite: TestSuite = target.suite ?? { pack: target.id, cases: [] };
    const report = await lintPack(target.pack, suite);
    reports.push(report);
    const count = report.messages.length + (target.suite ? 0 : 1);
    gaps += count;
    if (values.json) continue;
    io.stdout.write(`${report.ok && target.suite ? 'OK ' : 'GAPS'} ${target.id}${count ? `: ${count} gap(s) / 处缺口` : ''}\n`);
    if (!target.suite) io.stdout.write(`    no test suite / 没有测试用例集\n`);
    for (const m of report.messages) io.stdout.write(`    ${m[language]}\n`);
    for (const m of report.suggestions ?? []) io.stdout.write(`    ${m[language]}\n`);
  }
  if (values.json) io.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
  printFailures(failures, io.stderr);
  if (failures.length > 0) return 2;
  return gaps > 0 ? 1 : 0;
}

function reportPackFailures(failures: PackFileFailure[], io: CliIo): number {
  const problems = failures.flatMap((f) => f.problems);
  io.stderr.write(`${JSON.stringify(toErrorBody({ code: 'INVALID_PACK', message: 'the pack is invalid', problems }), null, 2)}\n`);
  return 2;
}

const COMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  validate: validateCommand,
  test: testCommand,
  eval: evalCommand,
  explain: explainCommand,
  docs: docsCommand,
  lint: lintCommand,
  import: (args, io) => importCommand(args, io, new Date().toISOString().slice(0, 10)),
  types: typesCommand,
};

/**
 * Runs the `aftersales` command line.
 *
 * @param argv - the arguments after the program name, e.g. `['test', '--coverage']`
 * @param io - the streams to use (the process's by default)
 * @returns the exit code
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv.slice(2));
 * ```
 */
export async function runCli(
  argv: string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin },
): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    (command ? io.stdout : io.stderr).write(USAGE);
    return command ? 0 : 2;
  }
  const run = COMMANDS[command];
  if (!run) {
    io.stderr.write(`unknown command ${command} / 未知命令\n\n${USAGE}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(USAGE);
    return 0;
  }
  try {
    return await run(rest, io);
  } catch (error) {
    if (error instanceof InputError) {
      io.stderr.write(`${JSON.stringify(toErrorBody(error.body), null, 2)}\n`);
      return 2;
    }
    const e = error as { code?: unknown; message?: string; problems?: unknown; toJSON?: () => unknown };
    if (error instanceof UsageError || (e && typeof e.code === 'string' && e.code.startsWith('ERR_PARSE_ARGS'))) {
      io.stderr.write(`${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (e && typeof e.code === 'string' && Array.isArray(e.problems)) {
      // A typed aftersales error (INVALID_FACTS, INVALID_PARAMETERS, NOT_EFFECTIVE, …): core's one body, exit 2.
      io.stderr.write(`${JSON.stringify(toErrorBody(error), null, 2)}\n`);
      return 2;
    }
    if (e && (e.code === 'ENOENT' || e.code === 'EISDIR' || e.code === 'EACCES')) {
      io.stderr.write(`${JSON.stringify(toErrorBody({ code: 'FILE', message: e.message, problems: [] }), null, 2)}\n`);
      return 2;
    }
    throw error;
  }
}
