/**
 * How the commands print a pack's problems: one line each, `file:line:column /pointer message [CODE]`, under an
 * `INVALID <file>` heading; or, for a command that needs one pack, core's one error body as JSON on stderr.
 */
import type { Writable } from 'node:stream';
import { problemDetailsText, problemText, toErrorBody, type ErrorBody, type Problem } from '@aftersales/core';
import { PLAIN, type Palette } from '../colour.js';
import { displayPath, type LocatedProblem, type PackFileFailure } from '../packs.js';
import type { CliIo } from './shared.js';

/**
 * What a problem found and what would do instead, as a tail to its line: `(found "frist"; did you mean "first"?)`,
 * with the allowed values when the message does not list them, in `lang` (core's `problemDetailsText`). Empty when
 * the problem carries none of them.
 */
export function problemDetails(p: Problem, lang: 'zh' | 'en' = 'en'): string {
  return problemDetailsText(p, lang);
}

/**
 * One problem on one line, with its file position when known, then what was found, allowed and suggested, in
 * `lang` (the problem's text in Chinese is core's `problemText`: ajv-i18n for ajv's keywords, the catalogue for ours).
 */
export function formatProblem(p: LocatedProblem, lang: 'zh' | 'en' = 'en'): string {
  const where = p.file ? `${displayPath(p.file)}${p.line ? `:${p.line}:${p.column}` : ''} ` : '';
  return `${where}${p.path || '/'} ${problemText(p, lang)} [${p.code}]${problemDetails(p, lang)}`;
}

/** Each failed file with its problems (the heading in red when the palette colours). */
export function printFailures(failures: PackFileFailure[], out: Writable, colour: Palette = PLAIN, lang: 'zh' | 'en' = 'en'): void {
  for (const failure of failures) {
    out.write(`${colour.red('INVALID')} ${displayPath(failure.file)}: ${failure.problems.length} problem(s) / 个问题\n`);
    for (const p of failure.problems) out.write(`  ${formatProblem(p, lang)}\n`);
  }
}

/**
 * An error body for a reader of `lang`: in Chinese each problem's `message` is its Chinese text with the details
 * (the body's own message is already `{ zh, en }`); in English the body as it is.
 */
export function localizeBody(body: ErrorBody, lang: 'zh' | 'en' = 'en'): ErrorBody {
  if (lang === 'en') return body;
  const problems = body.problems.map((p) => ({ ...p, message: `${problemText(p, lang)}${problemDetails(p, lang)}` }));
  return { ...body, problems };
}

/** Failed files for a JSON report: the file as the user named it and its located problems. */
export function failuresJson(failures: PackFileFailure[]): Array<{ file: string; problems: LocatedProblem[] }> {
  return failures.map((f) => ({ file: displayPath(f.file), problems: f.problems.map((p) => ({ ...p, ...(p.file ? { file: displayPath(p.file) } : {}) })) }));
}

/** The problems of a pack that failed to load, as core's error body on stderr; returns exit code 2. */
export function reportPackFailures(failures: PackFileFailure[], io: CliIo): number {
  const problems = failures.flatMap((f) => f.problems);
  io.stderr.write(`${JSON.stringify(localizeBody(toErrorBody({ code: 'INVALID_PACK', message: 'the pack is invalid', problems }), io.lang), null, 2)}\n`);
  return 2;
}
