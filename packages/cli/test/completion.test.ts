/**
 * `aftersales completion bash|zsh`: the scripts printed by the built bin, loaded into the real shells. Bash runs
 * its completion function on set command lines (COMP_WORDS) and the replies are compared; zsh (skipped with a
 * message when it is not installed) checks the script's syntax and runs it with `_arguments`, `_describe` and
 * `compadd` replaced by stubs that print what they were given, so the dispatch to each command's specs is checked.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli } from './run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'aftersales-completion-'));
/** A folder with no file, so that file completion adds nothing unless a test says where. */
const empty = mkdtempSync(join(tmpdir(), 'aftersales-completion-empty-'));
const hasZsh = spawnSync('zsh', ['-c', 'exit 0']).status === 0;

beforeAll(() => assertBuilt());

async function script(shell: 'bash' | 'zsh'): Promise<string> {
  const r = await runCli(['completion', shell]);
  expect(r.code).toBe(0);
  const file = join(tmp, `aftersales.${shell}`);
  writeFileSync(file, r.stdout);
  return file;
}

describe('aftersales completion bash', () => {
  let file = '';
  beforeAll(async () => {
    file = await script('bash');
  });

  /** The words bash would offer for a command line whose last word is being completed. */
  function complete(line: string, cwd = empty): string[] {
    const words = line.split(' ');
    const program = `source "$1"; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _aftersales; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const r = spawnSync('bash', ['-c', program, 'bash', file], { cwd, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout.split('\n').filter((w) => w !== '');
  }

  it('completes commands, options, option values and pack ids', () => {
    expect(complete('aftersales ')).toEqual(expect.arrayContaining(['validate', 'test', 'eval', 'completion', 'help', '--version']));
    expect(complete('aftersales te')).toEqual(['test']);
    expect(complete('aftersales test --re')).toEqual(['--reporter']);
    expect(complete('aftersales test --reporter j')).toEqual(['json', 'junit']);
    expect(complete('aftersales eval --')).toEqual(expect.arrayContaining(['--facts', '--as-of', '--param', '--input', '--workers', '--no-color', '--help']));
    expect(complete('aftersales eval quality-sev')).toEqual(['quality-severity']);
    expect(complete('aftersales explain x --lang ')).toEqual(['zh', 'en']);
    expect(complete('aftersales completion ')).toEqual(['bash', 'zsh']);
    expect(complete('aftersales test --threshold ')).toEqual([]);
  });

  it('offers files for a path value', () => {
    writeFileSync(join(tmp, 'claim.json'), '{}');
    expect(complete('aftersales eval quality-severity --facts cla', tmp)).toEqual(['claim.json']);
    expect(complete('aftersales validate cla', tmp)).toEqual(['claim.json']);
  });

  it('refuses a shell it does not know with exit 2', async () => {
    expect((await runCli(['completion', 'fish'])).code).toBe(2);
  });
});

describe.skipIf(!hasZsh)('aftersales completion zsh (needs zsh)', () => {
  let file = '';
  beforeAll(async () => {
    file = await script('zsh');
  });

  /** Runs the completion function on a command line with the completion builtins stubbed; returns what they got. */
  function complete(line: string): string {
    const stubs = `
      compdef() { : }
      _arguments() { print -rl -- "ARGUMENTS" "$@" }
      _describe() { print -rl -- "DESCRIBE" "\${(@P)\${@[-1]}}" }
      compadd() { print -rl -- "COMPADD" "$@" }
      _files() { : }
      source "$1"
      words=(\${=2}); CURRENT=\${#words}
      [[ "$2" == *' ' ]] && { words+=(''); CURRENT=$(( CURRENT + 1 )) }
      _aftersales`;
    const r = spawnSync('zsh', ['-f', '-c', stubs, 'zsh', file, line], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout;
  }

  it('is valid zsh', () => {
    const r = spawnSync('zsh', ['-n', file], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  });

  it('describes the commands in first position and gives each command its option specs', () => {
    const first = complete('aftersales ');
    expect(first).toContain('test:run the packs’ test suites');
    expect(first).toContain('--version');
    const test = complete('aftersales test --');
    expect(test).toContain("--reporter=[the report format / 报告格式]:name:(pretty json junit)");
    expect(test).toContain('--coverage[');
    const evalSpecs = complete('aftersales eval --');
    expect(evalSpecs).toContain('*--param=[');
    expect(evalSpecs).toContain('--facts=[the facts\\: a JSON file');
    expect(evalSpecs).toMatch(/compadd -- .*quality-severity/);
  });
});
