/**
 * `--lang zh` on every command that prints problems or results, and the default from the environment (`LC_ALL`,
 * then `LANG`): each command family prints its problems in Chinese — ajv's keywords in ajv-i18n's wording, our own
 * codes from the catalogue, with what was found and the nearest name said in Chinese too.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, fixtures, runCli, runInProcess } from './run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'aftersales-lang-'));
const hasHan = (s: string) => /\p{Script=Han}/u.test(s);

/** A copy of the claim-severity fixture with a misspelt rule key (`priorty`) and a parameter below its minimum. */
function brokenPack(): string {
  const dir = join(tmp, 'broken-claims');
  cpSync(join(fixtures, 'claim-severity'), dir, { recursive: true });
  const file = join(dir, 'pack.json');
  const doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>;
  doc.rules[0].priorty = doc.rules[0].priority;
  writeFileSync(file, JSON.stringify(doc, null, 2));
  return dir;
}

/** The problems' messages of an error body on stderr. */
const bodyMessages = (stderr: string): string[] => (JSON.parse(stderr) as { problems: { message: string }[] }).problems.map((p) => p.message);

let broken = '';
const good = join(fixtures, 'claim-severity');

beforeAll(() => {
  assertBuilt();
  broken = brokenPack();
});

describe('--lang zh: checking packs (validate, lint, test)', () => {
  it('validate prints an unknown key with its Chinese text, what was found and the nearest key', async () => {
    const zh = await runInProcess(['validate', broken, '--lang', 'zh']);
    expect(zh.code).toBe(2);
    expect(zh.stdout).toMatch(/\/rules\/0\/priorty 未知的键 \[UNKNOWN_KEY\] （发现 "priorty"；允许：.*；是否想写 "priority"？）/);
    const en = await runInProcess(['validate', broken, '--lang', 'en']);
    expect(en.stdout).toContain('/rules/0/priorty unknown key "priorty": did you mean "priority"?');
    expect(en.stdout).not.toContain('未知的键');
  });

  it('lint and test print the same problems in Chinese', async () => {
    const lint = await runInProcess(['lint', broken, '--lang', 'zh']);
    expect(lint.code).toBe(2);
    expect(lint.stderr).toContain('未知的键');
    const test = await runInProcess(['test', broken, '--lang', 'zh']);
    expect(test.code).not.toBe(0);
    expect(test.stdout).toContain('未知的键 [UNKNOWN_KEY] （发现 "priorty"');
  });

  it('refuses a language it does not have', async () => {
    const r = await runInProcess(['validate', good, '--lang', 'fr']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--lang fr: expected zh or en');
  });
});

describe('--lang zh: deciding and documenting (eval, explain, diff, docs, schema)', () => {
  it('eval and explain word invalid facts in Chinese', async () => {
    for (const command of ['eval', 'explain']) {
      const r = await runInProcess([command, good, '--facts', '{"claimAmountYuan": -1}', '--lang', 'zh']);
      expect(r.code, command).toBe(2);
      expect(bodyMessages(r.stderr), command).toEqual([expect.stringMatching(/^应当为 >= 0 （发现 -1）$/)]);
    }
  });

  it('diff, docs and schema word an invalid pack in Chinese', async () => {
    for (const args of [['diff', good, broken], ['docs', broken], ['schema', broken]]) {
      const r = await runInProcess([...args, '--lang', 'zh']);
      expect(r.code, args[0]).toBe(2);
      expect(bodyMessages(r.stderr).some((m) => m.startsWith('未知的键')), args[0]).toBe(true);
    }
  });
});

describe('--lang zh: moving packs (import, publish) and the log (audit)', () => {
  it('import words a file that is not JSON in Chinese', async () => {
    const file = join(tmp, 'rules.json');
    writeFileSync(file, '{ "rules": [');
    const r = await runInProcess(['import', 'json-rules-engine', file, '--id', 'returns', '--out', join(tmp, 'returns'), '--lang', 'zh']);
    expect(r.code).toBe(2);
    expect(bodyMessages(r.stderr)).toEqual(['不是 JSON']);
  });

  it('publish words an invalid pack in Chinese before it reaches a server', async () => {
    const r = await runCli(['publish', broken, '--server', 'http://127.0.0.1:9', '--lang', 'zh'], { env: { AFTERSALES_ADMIN_TOKEN: 'any' } });
    expect(r.code).toBe(2);
    expect(bodyMessages(r.stderr).some((m) => m.startsWith('未知的键'))).toBe(true);
  });

  it('audit verify says where a chain breaks in Chinese only', async () => {
    const file = join(tmp, 'export.ndjson');
    writeFileSync(file, '{"seq":1}\n');
    const r = await runInProcess(['audit', 'verify', file, '--lang', 'zh']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^链在序号 1 处断开：/);
    expect(r.stdout.split('\n').slice(1).every((line) => line === '' || hasHan(line))).toBe(true);
  });
});

describe('the default language', () => {
  it('is Chinese when LANG starts with zh, LC_ALL first; --lang wins over both', async () => {
    const zh = await runCli(['validate', broken], { env: { LC_ALL: '', LANG: 'zh_CN.UTF-8' } });
    expect(zh.stdout).toContain('未知的键');
    const lcAll = await runCli(['validate', broken], { env: { LC_ALL: 'en_US.UTF-8', LANG: 'zh_CN.UTF-8' } });
    expect(lcAll.stdout).not.toContain('未知的键');
    const flag = await runCli(['validate', broken, '--lang', 'en'], { env: { LC_ALL: 'zh_CN.UTF-8' } });
    expect(flag.stdout).not.toContain('未知的键');
  });
});
