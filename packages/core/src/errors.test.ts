/**
 * The error catalogue: every code has a Chinese and an English message, every code core throws is in it, and
 * every error becomes the one body `{ code, message: { zh, en }, problems }`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import severityFixture from '../test/fixtures/severity.pack.json';
import { AftersalesError, ERROR_MESSAGES, errorCodeOf, FactValidationError, isErrorCode, toErrorBody, type ErrorCode } from './errors.js';
import { loadPack } from './pack.js';

const CODES = Object.keys(ERROR_MESSAGES) as ErrorCode[];
const here = dirname(fileURLToPath(import.meta.url));

describe('the error catalogue', () => {
  it.each(CODES)('%s has a Chinese and an English message', (code) => {
    const { zh, en } = ERROR_MESSAGES[code];
    expect(zh).toMatch(/[\u4e00-\u9fff]/);
    expect(en).toMatch(/^[\x20-\x7e]+$/);
    expect(en.trim()).not.toBe('');
  });

  it('holds every code core throws', () => {
    const thrown = new Set<string>();
    for (const file of readdirSync(here).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
      const text = readFileSync(join(here, file), 'utf8');
      for (const m of text.matchAll(/(?:new AftersalesError|super)\(\s*'([A-Z_]+)'/g)) thrown.add(m[1]!);
    }
    expect(thrown.size).toBeGreaterThan(5);
    for (const code of thrown) expect(isErrorCode(code), code).toBe(true);
  });
});

describe('toErrorBody', () => {
  it('keeps an error’s code and problems, with the catalogue’s Chinese and the particular English', async () => {
    const pack = loadPack(severityFixture);
    let body;
    try {
      pack.evaluateSync({ claimAmountYuan: -1 }, { asOf: '2026-03-01T09:00:00+08:00' });
    } catch (error) {
      body = toErrorBody(error);
    }
    expect(body).toMatchObject({
      code: 'INVALID_FACTS',
      message: { zh: ERROR_MESSAGES.INVALID_FACTS.zh, en: expect.stringContaining('/claimAmountYuan') },
      problems: [expect.objectContaining({ path: '/claimAmountYuan', code: 'schema.minimum' })],
    });
  });

  it('turns anything else into INTERNAL without its details', () => {
    expect(toErrorBody(new TypeError('secret internals'))).toEqual({ code: 'INTERNAL', message: ERROR_MESSAGES.INTERNAL, problems: [] });
    expect(toErrorBody('a string')).toEqual({ code: 'INTERNAL', message: ERROR_MESSAGES.INTERNAL, problems: [] });
    expect(toErrorBody(null).code).toBe('INTERNAL');
  });

  it('reads a catalogued code on an error from outside core (a CLI usage error)', () => {
    const usage = Object.assign(new Error('--input needs a file'), { code: 'USAGE' });
    expect(toErrorBody(usage)).toEqual({ code: 'USAGE', message: { zh: ERROR_MESSAGES.USAGE.zh, en: '--input needs a file' }, problems: [] });
  });

  it('errorCodeOf gives the code of every error class and INTERNAL otherwise', () => {
    expect(errorCodeOf(new FactValidationError([]))).toBe('INVALID_FACTS');
    expect(errorCodeOf(new AftersalesError('NOT_EFFECTIVE', 'x'))).toBe('NOT_EFFECTIVE');
    expect(errorCodeOf(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe('INTERNAL');
  });
});
