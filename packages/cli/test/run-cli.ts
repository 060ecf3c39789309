/**
 * Runs the BUILT `aftersales` bin (packages/cli/dist/bin.js) as a child process, as a user or CI would, and
 * collects its exit code, stdout and stderr. The tests require `pnpm build` first (root `pnpm test` builds before it
 * in CI); a missing or stale build is reported instead of silently testing old code.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root. */
export const root = resolve(here, '../../..');
/** The built bin under test. */
export const bin = join(root, 'packages/cli/dist/bin.js');
/** The CLI's test fixtures. */
export const fixtures = join(here, 'fixtures');

/** What a run returned. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** Throws unless the bin is built and newer than the CLI's sources. */
export function assertBuilt(): void {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`pnpm build\` before the CLI tests`);
  if (statSync(bin).mtimeMs < newestSource(join(root, 'packages/cli/src'))) {
    throw new Error(`${bin} is older than packages/cli/src: run \`pnpm build\` before the CLI tests`);
  }
}

/**
 * Runs `node dist/bin.js ...args` from the repository root.
 *
 * @param args - the command line after `aftersales`
 * @param options - `stdin` text to pipe in; `env` variables added to this process's environment
 * @example
 * ```ts
 * const { code, stdout } = await runCli(['validate', 'quality-severity']);
 * ```
 */
export function runCli(args: string[], options: { stdin?: string; env?: Record<string, string | undefined> } = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const env = options.env ? { ...process.env, ...options.env } : process.env;
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      resolvePromise({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    );
    child.stdin.end(options.stdin ?? '');
  });
}

/**
 * Runs the command in this process, through `runCli` of the sources, with captured streams: the same exit codes
 * and output as the bin without a child process' start-up (loading Node and the bundled packs, about half a
 * second each). For the many checks of one command's variations; every command also runs as a child process.
 *
 * @param args - the command line after `aftersales`
 * @param options - `stdin` text
 * @example
 * ```ts
 * const { code, stdout } = await runInProcess(['docs', 'quality-severity', '--lang', 'zh']);
 * ```
 */
export async function runInProcess(args: string[], options: { stdin?: string } = {}): Promise<RunResult> {
  const { runCli: run } = await import('../src/cli.js');
  const { PassThrough, Readable } = await import('node:stream');
  const collect = () => {
    const chunks: Buffer[] = [];
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
  };
  const out = collect();
  const err = collect();
  const code = await run(args, { stdout: out.stream, stderr: err.stream, stdin: Readable.from([Buffer.from(options.stdin ?? '')]) });
  return { code, stdout: out.text(), stderr: err.text() };
}
