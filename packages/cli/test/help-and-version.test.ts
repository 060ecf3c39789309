/**
 * What `aftersales` says about itself: the global usage, each command's `--help` (the same as `help <command>`)
 * with every option and an example, `--version`, and usage errors that point at the command's own help. Also the
 * ways `--facts` is given (a file, inline JSON, stdin). One run of each kind is a child process on the built bin;
 * the rest run in-process.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, fixtures, root, runCli, runInProcess } from './run-cli.js';

const commands = ['validate', 'test', 'eval', 'explain', 'docs', 'lint', 'import', 'types', 'init', 'publish', 'completion', 'help'];
const version = (JSON.parse(readFileSync(join(root, 'packages/cli/package.json'), 'utf8')) as { version: string }).version;
const good = join(fixtures, 'claim-severity/pack.json');

beforeAll(() => assertBuilt());

describe('aftersales --help and help <command>', () => {
  it('the global usage lists every command', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const c of commands) expect(r.stdout, c).toMatch(new RegExp(`^  ${c} `, 'm'));
    expect(r.stdout).toContain('--version');
  });

  it('<command> --help prints that command’s options with an example, the same as help <command>', async () => {
    const spawned = await runCli(['test', '--help']);
    expect(spawned.code).toBe(0);
    for (const option of ['--coverage', '--threshold <percent>', '--reporter <name>', '-o, --output <file>', '-h, --help', '--no-color']) {
      expect(spawned.stdout, option).toContain(option);
    }
    expect(spawned.stdout).toContain('one of pretty, json, junit; default pretty');
    expect(spawned.stdout).toMatch(/Examples \/ 示例:\n {2}aftersales test /);
    expect(spawned.stdout).not.toContain('Commands / 命令');
    expect(await runInProcess(['help', 'test'])).toEqual(spawned);
    expect((await runInProcess(['test', '-h'])).stdout).toBe(spawned.stdout);
  });

  it('every command has its own help with its options and an example', async () => {
    const options: Record<string, string[]> = {
      eval: ['--facts <file|json|->', '--as-of <ISO>', '--param <name=value>', '--input', '--output', '--explain', '--max-line-bytes <n>', '--workers <auto|n>'],
      explain: ['--facts', '--lang <zh|en>', '--as-of', '--param'],
      docs: ['--lang <zh|en|both>', '--output'],
      lint: ['--lang', '--json'],
      validate: ['--json'],
      import: ['--id <pack-id>', '--out <dir>', '--effective-from', '--allow-undefined-facts', '--force'],
      types: ['--out', '--name'],
      init: ['--id <pack-id>', '--effective-from', '--force'],
      publish: ['--server <url>', '--activate', '--allow-changes', '--limit <n>', '--json'],
    };
    for (const c of commands) {
      const r = await runInProcess([c, '--help']);
      expect(r.code, c).toBe(0);
      expect(r.stdout, c).toMatch(new RegExp(`^Usage:\\n {2}aftersales ${c}`));
      expect(r.stdout, c).toContain('Examples / 示例:');
      for (const option of options[c] ?? []) expect(r.stdout, `${c} ${option}`).toContain(option);
    }
  });

  it('help of an unknown command exits 2', async () => {
    const r = await runInProcess(['help', 'frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('help frobnicate: no such command');
  });

  it('a usage error shows the command’s synopsis and where its help is, not the global usage', async () => {
    const r = await runInProcess(['test', '--reporter', 'tap']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--reporter tap: pretty, json or junit');
    expect(r.stderr).toContain('aftersales test [pack|dir]...');
    expect(r.stderr).toContain('aftersales test --help');
    expect(r.stderr).not.toContain('Commands / 命令');
  });
});

describe('aftersales --version', () => {
  it('prints the CLI package’s version for --version and -v', async () => {
    const long = await runCli(['--version']);
    expect(long).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(await runInProcess(['-v'])).toEqual(long);
  });
});

describe('--facts', () => {
  const asOf = '2026-01-15T10:00:00+08:00';

  it('takes inline JSON, a file or stdin, with the same decision', async () => {
    const inline = await runCli(['eval', good, '--facts', '{"claimAmountYuan": 50000}', '--as-of', asOf]);
    expect(inline.code).toBe(0);
    expect(JSON.parse(inline.stdout).outcome).toEqual({ class: 'major', level: 2 });
    const stdin = await runInProcess(['eval', good, '--facts', '-', '--as-of', asOf], { stdin: '{"claimAmountYuan": 50000}' });
    expect(JSON.parse(stdin.stdout).outcome).toEqual(JSON.parse(inline.stdout).outcome);
    const explained = await runInProcess(['explain', good, '--facts', ' {"claimAmountYuan": 30000}', '--as-of', asOf]);
    expect(explained.stdout).toContain('Outcome: class: major, level: 3');
  });

  it('inline JSON with a syntax error exits 2 with its line and column', async () => {
    const r = await runInProcess(['eval', good, '--facts', '{"claimAmountYuan": }', '--as-of', asOf]);
    expect(r.code).toBe(2);
    const body = JSON.parse(r.stderr) as { code: string; message: { en: string }; problems: { line: number; column: number }[] };
    expect(body.code).toBe('INVALID_JSON');
    expect(body.message.en).toMatch(/^inline JSON: /);
    expect(body.problems[0]).toMatchObject({ line: 1, column: 21 });
  });
});
