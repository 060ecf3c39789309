/**
 * Colours in the CLI's output: on a terminal, and off for a pipe, with `NO_COLOR` set, with `--no-color` (before
 * or after the command) and in a report written to a file. The terminal is a captured stream marked `isTTY`, run
 * through the sources' `runCli`; the pipe is the built bin as a child process.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli as runSources } from '../src/cli.js';
import { assertBuilt, fixtures, runCli } from './run-cli.js';

const failing = join(fixtures, 'failing');
const ESC = '\u001b[';

/** Runs in-process with stdout a (pretend) terminal. */
async function onTerminal(args: string[]): Promise<{ code: number; stdout: string }> {
  const chunks: Buffer[] = [];
  const stdout = Object.assign(new PassThrough(), { isTTY: true });
  stdout.on('data', (c: Buffer) => chunks.push(c));
  const code = await runSources(args, { stdout, stderr: new PassThrough(), stdin: Readable.from([]) });
  return { code, stdout: Buffer.concat(chunks).toString('utf8') };
}

beforeAll(() => assertBuilt());
afterEach(() => vi.unstubAllEnvs());

describe('colours', () => {
  it('a terminal gets red FAIL and green PASS lines', async () => {
    vi.stubEnv('NO_COLOR', '');
    const r = await onTerminal(['test', failing]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${ESC}31mFAIL${ESC}39m`);
    expect(r.stdout).toContain(`${ESC}32mPASS${ESC}39m`);
  });

  it('NO_COLOR and --no-color (anywhere before --) turn colours off on a terminal', async () => {
    vi.stubEnv('NO_COLOR', '1');
    expect((await onTerminal(['test', failing])).stdout).not.toContain(ESC);
    vi.stubEnv('NO_COLOR', '');
    const flagFirst = await onTerminal(['--no-color', 'test', failing]);
    expect(flagFirst.code).toBe(1);
    expect(flagFirst.stdout).not.toContain(ESC);
    expect(flagFirst.stdout).toContain(': FAIL (');
    expect((await onTerminal(['test', failing, '--no-color'])).stdout).not.toContain(ESC);
  });

  it('a report written with --output holds no escape codes even from a terminal', async () => {
    vi.stubEnv('NO_COLOR', '');
    const file = join(mkdtempSync(join(tmpdir(), 'aftersales-colour-')), 'report.txt');
    await onTerminal(['test', failing, '--output', file]);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('FAIL');
    expect(text).not.toContain(ESC);
  });

  it('a pipe gets no colours', async () => {
    const r = await runCli(['test', failing]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(': FAIL (');
    expect(r.stdout).not.toContain(ESC);
  });
});
