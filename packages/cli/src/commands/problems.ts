/**
 * How the commands print a pack's problems: one line each, `file:line:column /pointer message [CODE]`, under an
 * `INVALID <file>` heading; or, for a command that needs one pack, core's one error body as JSON on stderr.
 */
import type { Writable } from 'node:stream';
import { toErrorBody, type Problem } from '@aftersales/core';
import { PLAIN, type Palette } from '../colour.js';
import { displayPath, type LocatedProblem, type PackFileFailure } from '../packs.js';
import type { CliIo } from './shared.js';

/** Allowed values listed on a problem's line up to this many. */
const MAX_LISTED = 12;

/**
 * What a problem found and what would do instead, as a tail to its line: `(found "frist"; did you mean "first"?)`,
 * with the allowed values when the message does not list them. Empty when the problem carries none of them.
 */
export function problemDetails(p: Problem): string {
  const parts: string[] = [];
  if (p.found !== undefined) parts.push(`found ${JSON.stringify(p.found)}`);
  const { expected } = p;
  if (Array.isArray(expected) && p.code !== 'schema.enum' && !p.message.includes('allowed:')) {
    const listed = expected.slice(0, MAX_LISTED).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
    parts.push(`allowed: ${listed}${expected.length > MAX_LISTED ? `, … (${expected.length - MAX_LISTED} more)` : ''}`);
  } else if ((typeof expected === 'string' || typeof expected === 'number') && !p.message.includes(String(expected))) {
    parts.push(`expected ${expected}`);
  }
  if (p.suggestion !== undefined && !p.message.includes('did you mean')) parts.push(`did you mean ${JSON.stringify(p.suggestion)}?`);
  return parts.length > 0 ? ` (${parts.join('; ')})` : '';
}

/** One problem on one line, with its file position when known, then what was found, allowed and suggested. */
export function formatProblem(p: LocatedProblem): string {
  const where = p.file ? `${displayPath(p.file)}${p.line ? `:${p.line}:${p.column}` : ''} ` : '';
  return `${where}${p.path || '/'} ${p.message} [${p.code}]${problemDetails(p)}`;
}

/** Each failed file with its problems (the heading in red when the palette colours). */
export function printFailures(failures: PackFileFailure[], out: Writable, colour: Palette = PLAIN): void {
  for (const failure of failures) {
    out.write(`${colour.red('INVALID')} ${displayPath(failure.file)}: ${failure.problems.length} problem(s) / 个问题\n`);
    for (const p of failure.problems) out.write(`  ${formatProblem(p)}\n`);
  }
}

/** Failed files for a JSON report: the file as the user named it and its located problems. */
export function failuresJson(failures: PackFileFailure[]): Array<{ file: string; problems: LocatedProblem[] }> {
  return failures.map((f) => ({ file: displayPath(f.file), problems: f.problems.map((p) => ({ ...p, ...(p.file ? { file: displayPath(p.file) } : {}) })) }));
}

/** The problems of a pack that failed to load, as core's error body on stderr; returns exit code 2. */
export function reportPackFailures(failures: PackFileFailure[], io: CliIo): number {
  const problems = failures.flatMap((f) => f.problems);
  io.stderr.write(`${JSON.stringify(toErrorBody({ code: 'INVALID_PACK', message: 'the pack is invalid', problems }), null, 2)}\n`);
  return 2;
}
