/**
 * The files a command has read (a pack, a suite, facts, parameters, a batch input), remembered by device and inode,
 * so that no output can be written over one of them: `--output p/pack.json` on `test`, `docs`, `types` or `eval`
 * would otherwise replace the pack with its own report. A file is the same input through any spelling of its path,
 * a symbolic link (`stat` follows it, as `realpath` does) or a hard link (same inode).
 */
import { statSync } from 'node:fs';

interface ReadFile {
  path: string;
  dev: number;
  ino: number;
}

const read: ReadFile[] = [];

/**
 * Remembers a file the command is about to read (or has read); a path that cannot be stat'ed is skipped (reading it
 * reports the error).
 *
 * @param path - the file as given
 * @example
 * ```ts
 * noteInput('packs/quality-severity/pack.json');
 * ```
 */
export function noteInput(path: string): void {
  try {
    const s = statSync(path);
    read.push({ path, dev: s.dev, ino: s.ino });
  } catch {
    // Missing or unreadable: the read itself says so.
  }
}

/**
 * Forgets every remembered input (each command run starts afresh; the tests run many in one process).
 *
 * @example
 * ```ts
 * forgetInputs();
 * ```
 */
export function forgetInputs(): void {
  read.length = 0;
}

/**
 * The remembered input an output path would overwrite, if any. An output that does not exist yet is no input.
 *
 * @param outputPath - the file about to be written
 * @returns the input's path as it was given, or `undefined`
 * @example
 * ```ts
 * if (inputAt('report.xml')) throw …;
 * ```
 */
export function inputAt(outputPath: string): string | undefined {
  let s: { dev: number; ino: number };
  try {
    s = statSync(outputPath);
  } catch {
    return undefined;
  }
  return read.find((f) => f.dev === s.dev && f.ino === s.ino)?.path;
}
