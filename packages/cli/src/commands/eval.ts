/**
 * `aftersales eval <pack>`: one decision from `--facts` (printed as JSON), or a JSONL batch from `--input` (one
 * decision a line, errors as records, a summary on stderr; worker threads for large files). Exit 1 when a batch
 * line failed, 2 for invalid facts, parameters or usage.
 */
import { statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { suggest, type Pack } from '@aftersales/core';
import { BatchOutputError, formatSummary, openBatchOutput, runBatch } from '../batch.js';
import { DECISION_FIELDS, type DecisionField } from '../batch-types.js';
import { bundledPacks, resolveOnePack, UsageError } from '../packs.js';
import { CALENDAR_OPTION, readCalendarOption } from './calendar-option.js';
import { reportPackFailures } from './problems.js';
import { LANG_OPTION, DECISION_OPTIONS, InputError, parse, parseParams, readJsonInput, type CliIo, type Command, type OptionSpec } from './shared.js';

const options = {
  ...DECISION_OPTIONS,
  ...CALENDAR_OPTION,
  input: { type: 'string', value: '<claims.jsonl|->', description: 'a JSONL batch of facts, one claim a line / JSONL 批量事实' },
  output: { type: 'string', short: 'o', value: '<decisions.jsonl>', description: 'where the batch decisions go (default stdout) / 批量结果文件' },
  explain: { type: 'boolean', description: 'add each decision’s explanation (batch) / 附带解释' },
  fields: { type: 'string', value: '<a,b,...>', description: 'decision fields each batch record keeps, e.g. outcome,fired,messages (default all) / 每条结果保留的字段' },
  'max-line-bytes': { type: 'string', value: '<n>', description: 'refuse batch lines longer than this / 单行字节上限' },
  workers: { type: 'string', value: '<auto|n>', description: 'worker threads for the batch (default auto) / 工作线程数' },
  lang: LANG_OPTION,
} satisfies Record<string, OptionSpec>;

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

/** `--fields a,b`: decision field names, each known and listed once; `undefined` when not given. */
function parseFields(text: string | undefined): DecisionField[] | undefined {
  if (text === undefined) return undefined;
  const names = text.split(',').map((n) => n.trim());
  const known = new Set<string>(DECISION_FIELDS);
  for (const name of names) {
    if (!known.has(name)) {
      const close = suggest(name, DECISION_FIELDS);
      throw new UsageError(
        `--fields: unknown field "${name}"${close ? ` (did you mean "${close}"?)` : ''}; allowed: ${DECISION_FIELDS.join(', ')} / 未知字段 "${name}"`,
      );
    }
  }
  if (new Set(names).size !== names.length) throw new UsageError(`--fields ${text}: a field is listed twice / 字段重复`);
  return names as DecisionField[];
}

/** Evaluates one facts document; prints the decision or the structured error. */
async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, options);
  const maxLineBytes = values['max-line-bytes'] === undefined ? undefined : Number(values['max-line-bytes']);
  if (maxLineBytes !== undefined && !(Number.isSafeInteger(maxLineBytes) && maxLineBytes > 0)) {
    throw new UsageError(`--max-line-bytes ${String(values['max-line-bytes'])}: a positive whole number / 应为正整数`);
  }
  const workersArg = values.workers as string | undefined;
  const workers = workersArg === undefined || workersArg === 'auto' ? undefined : Number(workersArg);
  if (workers !== undefined && !(Number.isSafeInteger(workers) && workers >= 1 && workers <= 64)) {
    throw new UsageError(`--workers ${String(workersArg)}: auto or a whole number 1-64 / 应为 auto 或 1-64 的整数`);
  }
  const fields = parseFields(values.fields as string | undefined);
  const calendar = await readCalendarOption(values.calendar as string | undefined, io);
  const { target, failures } = await resolveOnePack(positionals[0], calendar ? { calendar } : {});
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
      ...(fields ? { fields } : {}),
      ...(maxLineBytes !== undefined ? { maxLineBytes } : {}),
      input,
      output,
      stderr: io.stderr,
    });
    if (output !== io.stdout) await new Promise<void>((resolve, reject) => output.end((error?: Error | null) => (error ? reject(error) : resolve())));
    io.stderr.write(formatSummary(summary));
    return summary.errors > 0 ? 1 : 0;
  }
  if (values.facts === undefined) throw new UsageError('eval needs --facts <file|json|-> or --input <file> / 需要 --facts 或 --input');
  const facts = await readJsonInput(values.facts as string, io);
  const decision = await target.pack.evaluate(facts, { asOf, ...(parameters ? { parameters } : {}) });
  io.stdout.write(`${JSON.stringify(decision, null, 2)}\n`);
  return 0;
}

/** The `eval` command. */
export const evalCommand: Command = {
  name: 'eval',
  usage: [
    'eval <pack> --facts <file|json|-> [--as-of <ISO>] [--param name=value]... [--calendar <file>]',
    'eval <pack> --input <claims.jsonl|-> [--output <decisions.jsonl>] [--as-of <ISO>] [--fields <a,b,...>] [--explain] [--workers auto|<n>] [--max-line-bytes <n>]',
  ],
  summary: 'decide one claim (--facts) or a JSONL batch (--input) / 判定一个或一批索赔',
  options,
  examples: [
    'aftersales eval quality-severity --facts claim.json --as-of 2026-01-15T00:00:00Z',
    `aftersales eval quality-severity --facts '{"claimAmountYuan": 30000}'`,
    'aftersales eval quality-severity --input claims.jsonl --output decisions.jsonl',
    'aftersales eval quality-severity --input claims.jsonl --fields outcome,fired,messages',
  ],
  run,
};
