/**
 * Problems in Chinese: ajv's keywords in ajv-i18n's wording made from what the problem keeps, our own codes from the
 * catalogue, the particulars (found, allowed, did you mean) in the same language; English stays the problem's own.
 */
import { describe, expect, it } from 'vitest';
import severityFixture from '../test/fixtures/severity.pack.json';
import { validatePack } from './pack.js';
import { PROBLEM_MESSAGES, problemDetailsText, problemText } from './problem-text.js';

type Json = Record<string, any>;
const severity = (): Json => JSON.parse(JSON.stringify(severityFixture)) as Json;
const hasHan = (s: string) => /\p{Script=Han}/u.test(s);

describe('problemText', () => {
  it('words an ajv minimum, a missing property and a type in Chinese with their limits', () => {
    const shape = severity();
    delete shape.title;
    shape.version = 3;
    const doc = severity();
    const [name] = Object.keys(doc.parameters);
    doc.parameters[name!].minimum = 0;
    doc.parameters[name!].value = -1;
    const problems = [...validatePack(shape), ...validatePack(doc)];
    const zh = problems.map((p) => `${p.path} ${problemText(p, 'zh')}`);
    expect(zh).toEqual(expect.arrayContaining([`/parameters/${name}/value 应当为 >= 0`, '/title 应当有必需属性 title', '/version 应当是 string 类型']));
    for (const p of problems) expect(problemText(p, 'en')).toBe(p.message);
  });

  it('gives our own codes their catalogue text, and the found value and the suggestion in the same language', () => {
    const doc = severity();
    doc.rules[0].conditions.all[0].fact = 'casualtie';
    const typo = severity();
    typo.rules[0].priorty = 2;
    const problems = [...validatePack(doc), ...validatePack(typo)];
    const fact = problems.find((p) => p.code === 'UNKNOWN_FACT')!;
    expect(problemText(fact, 'zh')).toBe(PROBLEM_MESSAGES.UNKNOWN_FACT!.zh);
    expect(problemDetailsText(fact, 'zh')).toContain('发现 "casualtie"');
    expect(problemDetailsText(fact, 'zh')).toContain('是否想写 "casualties"？');
    const key = problems.find((p) => p.code === 'UNKNOWN_KEY')!;
    expect(`${problemText(key, 'zh')}${problemDetailsText(key, 'zh')}`).toMatch(/^未知的键 （发现 "priorty"；允许：.*priority.*；是否想写 "priority"？）$/);
  });

  it('lists an enum allowed values in Chinese, which the English message already names', () => {
    const doc = severity();
    doc.hitPolicy = 'frist';
    const p = validatePack(doc).find((q) => q.path === '/hitPolicy')!;
    expect(problemText(p, 'zh')).toBe('应当是预设定的枚举值之一');
    expect(problemDetailsText(p, 'zh')).toBe(' （发现 "frist"；允许：first, collect, unique；是否想写 "first"？）');
    expect(problemDetailsText(p, 'en')).toBe(' (found "frist"; did you mean "first"?)');
  });

  it('has Chinese for every catalogued code', () => {
    for (const [code, text] of Object.entries(PROBLEM_MESSAGES)) expect(hasHan(text.zh), code).toBe(true);
  });
});
