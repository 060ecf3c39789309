/**
 * The built server for the tests that run it as a process (`dist/main.js`): building it when the sources are newer,
 * the environment it is started with, and reading its JSON log lines as they come.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The built server's entry. */
export const mainJs = join(pkgDir, 'dist', 'main.js');

/** Environment of a test server: any free port on loopback, SQLite, no admin token. */
export const SERVER_ENV = { PORT: '0', HOST: '127.0.0.1', DATABASE_URL: '', AFTERSALES_ADMIN_TOKEN: '' };

function newestSource(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path);
    newest = Math.max(newest, st.isDirectory() ? newestSource(path) : st.mtimeMs);
  }
  return newest;
}

/** Builds dist (the workspace's tsup) when it is missing or older than the sources (CI builds before testing). */
export function ensureBuilt(): void {
  if (existsSync(mainJs) && statSync(mainJs).mtimeMs >= newestSource(join(pkgDir, 'src'))) return;
  const tsup = join(pkgDir, '..', '..', 'node_modules', 'tsup', 'dist', 'cli-default.js');
  const result = spawnSync(process.execPath, [tsup], { cwd: pkgDir, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`build failed (${tsup}):\n${result.stdout}\n${result.stderr}\n${String(result.error ?? '')}`);
}

/**
 * Calls `onLine` with each complete line a stream writes, and returns the lines seen so far (for failure messages).
 *
 * @example
 * ```ts
 * const lines = eachLine(child.stdout, (line) => { if (line.includes('listening')) ready(); });
 * ```
 */
export function eachLine(stream: Readable | null, onLine: (line: string) => void): string[] {
  const lines: string[] = [];
  let buffer = '';
  stream?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      lines.push(line);
      onLine(line);
    }
  });
  return lines;
}
