/**
 * `aftersales publish <pack> --server URL`: uploads a pack version with its suite to a reference server's admin API
 * (`PUT /v1/packs/{id}/versions/{version}`: the server validates the pack and runs the suite), asks for its impact
 * on the pack's logged decisions (`POST …/impact`) and prints it; with `--activate` it activates the version
 * (`POST …/activate`) only when the impact is clean: no re-evaluation failed and no outcome changes, unless
 * `--allow-changes` accepts changed outcomes. The admin token comes from `AFTERSALES_ADMIN_TOKEN`, never from the
 * command line (which other users can read in the process list). Exit codes: 0 published (and activated when
 * asked); 1 not activated because the impact is not clean; 2 invalid pack or usage, or the server refused
 * (401/403, 4xx: its error body is printed); 3 the server could not be reached or failed (5xx).
 */
import { resolveOnePack, UsageError } from '../packs.js';
import { reportPackFailures } from './problems.js';
import { LANG_OPTION, parse, type CliIo, type Command, type OptionSpec } from './shared.js';

const options = {
  server: { type: 'string', value: '<url>', description: 'the reference server, e.g. http://127.0.0.1:8787 (required) / 服务器地址' },
  activate: { type: 'boolean', description: 'activate the version after a clean impact / 影响评估无变化后启用' },
  'allow-changes': { type: 'boolean', description: 'with --activate: activate even when outcomes change (never when one fails) / 允许结果变化' },
  limit: { type: 'string', value: '<n>', description: 'how many logged decisions the impact replays (server default 100) / 重放的决策数' },
  json: { type: 'boolean', description: 'print the server’s answers as one JSON object / 以 JSON 输出' },
  lang: LANG_OPTION,
} satisfies Record<string, OptionSpec>;

/** A server answer that is not 2xx, or no answer: the exit code and what to print. */
class PublishError extends Error {
  constructor(
    message: string,
    readonly exitCode: 2 | 3,
    readonly body?: unknown,
  ) {
    super(message);
  }
}

interface Impact {
  version: string;
  active: string | null;
  evaluated: number;
  changed: number;
  unchanged: number;
  failed: number;
  changes: { decisionId: string; asOf: string; recordedVersion: string; before: unknown; after: unknown }[];
  errors: { decisionId: string; error: { code: string; message?: { en?: string } } }[];
}

/** Sends one admin request; returns the JSON body of a 2xx answer, throws a {@link PublishError} otherwise. */
async function call(server: URL, method: string, path: string, token: string, body?: unknown): Promise<unknown> {
  const url = new URL(path, server);
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new PublishError(`cannot reach ${server.origin}: ${cause?.code ?? cause?.message ?? (error as Error).message} / 无法连接服务器`, 3);
  }
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON (a proxy's page): printed as text
  }
  if (res.ok) return json;
  const what = `${method} ${url.pathname}: ${res.status}`;
  if (res.status === 401 || res.status === 403) {
    throw new PublishError(`${what}: the server refused the admin token (AFTERSALES_ADMIN_TOKEN) / 管理令牌被拒绝`, 2, json);
  }
  throw new PublishError(`${what} / 服务器拒绝`, res.status >= 500 ? 3 : 2, json);
}

const show = (value: unknown) => JSON.stringify(value);

/** The impact report as lines. */
function impactLines(id: string, impact: Impact): string[] {
  const lines = [
    `impact of ${id}@${impact.version} (active: ${impact.active ?? 'none'}): ${impact.evaluated} logged decision(s) replayed, ` +
      `${impact.changed} changed, ${impact.unchanged} unchanged, ${impact.failed} failed / 影响评估`,
  ];
  for (const c of impact.changes) lines.push(`  changed ${c.decisionId} (as of ${c.asOf}, decided by ${c.recordedVersion}): ${show(c.before)} -> ${show(c.after)}`);
  for (const e of impact.errors) lines.push(`  failed  ${e.decisionId}: ${e.error.code} ${e.error.message?.en ?? ''}`.trimEnd());
  return lines;
}

async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, options);
  if (positionals.length !== 1) throw new UsageError('publish takes one pack folder or pack.json / 需要一个规则包');
  if (values.server === undefined) throw new UsageError('publish needs --server <url> / 需要 --server');
  let server: URL;
  try {
    server = new URL(values.server as string);
  } catch {
    throw new UsageError(`--server ${String(values.server)}: not a URL / 不是 URL`);
  }
  if (server.protocol !== 'http:' && server.protocol !== 'https:') throw new UsageError(`--server ${server.href}: http or https / 应为 http 或 https`);
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 10000)) {
    throw new UsageError(`--limit ${String(values.limit)}: a whole number 1-10000 / 应为 1-10000 的整数`);
  }
  if (values['allow-changes'] && !values.activate) throw new UsageError('--allow-changes goes with --activate / 需与 --activate 一起使用');
  const token = process.env.AFTERSALES_ADMIN_TOKEN;
  if (!token) throw new UsageError('set AFTERSALES_ADMIN_TOKEN to the server’s admin token / 请设置环境变量 AFTERSALES_ADMIN_TOKEN');

  const { target, failures } = await resolveOnePack(positionals[0]);
  if (!target) return reportPackFailures(failures, io);
  if (!target.suite) throw new UsageError(`${target.id}: no test suite (${target.id}.test.json) to publish with / 没有测试用例集`);
  const { id, version } = target.pack;
  const base = `/v1/packs/${encodeURIComponent(id)}/versions/${encodeURIComponent(version)}`;
  const out: Record<string, unknown> = {};
  try {
    out.upload = await call(server, 'PUT', base, token, { pack: target.pack.document, suite: target.suite });
    if (!values.json) io.stdout.write(`uploaded ${id}@${version} to ${server.origin}: suite passed on the server / 已上传\n`);
    const impact = (await call(server, 'POST', `${base}/impact`, token, limit !== undefined ? { limit } : {})) as Impact;
    out.impact = impact;
    if (!values.json) io.stdout.write(`${impactLines(id, impact).join('\n')}\n`);
    let code = 0;
    if (values.activate) {
      const clean = impact.failed === 0 && (impact.changed === 0 || values['allow-changes'] === true);
      if (clean) {
        const activation = (await call(server, 'POST', `${base}/activate`, token)) as { previous: string | null };
        out.activation = activation;
        if (!values.json) io.stdout.write(`activated ${id}@${version} (previous: ${activation.previous ?? 'none'}) / 已启用\n`);
      } else {
        code = 1;
        const why = impact.failed > 0 ? `${impact.failed} replayed decision(s) failed` : `${impact.changed} outcome(s) would change (--allow-changes to accept)`;
        out.activation = { activated: false, reason: why };
        if (!values.json) io.stdout.write(`not activated: ${why} / 未启用\n`);
      }
    }
    if (values.json) io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return code;
  } catch (error) {
    if (!(error instanceof PublishError)) throw error;
    io.stderr.write(`${error.message}\n`);
    if (error.body !== undefined && error.body !== '') io.stderr.write(`${typeof error.body === 'string' ? error.body : JSON.stringify(error.body, null, 2)}\n`);
    return error.exitCode;
  }
}

/** The `publish` command. */
export const publishCommand: Command = {
  name: 'publish',
  usage: ['publish <pack> --server <url> [--activate [--allow-changes]] [--limit <n>] [--json]   (token: AFTERSALES_ADMIN_TOKEN)'],
  summary: 'upload a pack version with its suite to a reference server, print its impact, optionally activate / 发布规则包版本',
  options,
  examples: [
    'AFTERSALES_ADMIN_TOKEN=… aftersales publish packs/claim-review --server http://127.0.0.1:8787',
    'AFTERSALES_ADMIN_TOKEN=… aftersales publish packs/claim-review --server https://rules.example.com --activate',
  ],
  run,
};
