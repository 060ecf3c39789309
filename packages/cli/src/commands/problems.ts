/**
 * How the commands print a pack's problems: one line each, `file:line:column /pointer message [CODE]`, under an
 * `INVALID <file>` heading; or, for a command that needs one pack, core's one error body as JSON on stderr.
 */
import type { Writable } from 'node:stream';
import { toErrorBody } from '@aftersales/core';
import { PLAIN, type Palette } from '../colour.js';
import { displayPath, type LocatedProblem, type PackFileFailure } from '../packs.js';
import type { CliIo } from './shared.js';

/** One problem on one line, with its file position when known. */
export function formatProblem(p: LocatedProblem): string {
  const where = p.file ? `${displayPath(p.file)}${p.line ? `:${p.line}:${p.column}` : ''} ` : '';
  return `${where}${p.path || '/'} ${p.message} [${p.code}]`;
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
