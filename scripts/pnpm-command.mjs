/**
 * The pnpm to run from a script or a test: the one that started it when it runs under `pnpm run` (pnpm sets
 * `npm_execpath` to its own CLI file), otherwise the pinned version through `npx -y` — which costs an npm start-up
 * each call (seconds, and half a minute on a loaded 2-core machine), so CI's pack steps reuse the running pnpm.
 *
 * Usage: const [command, ...args] = pnpmCommand('pack', '--pack-destination', dir); execFileSync(command, args)
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pinned = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('+')[0];

/**
 * @param {...string} args - pnpm's arguments
 * @returns {string[]} the command and its arguments
 */
export function pnpmCommand(...args) {
  const running = process.env.npm_execpath;
  if (running && /pnpm/.test(running) && /\.c?js$/.test(running)) return [process.execPath, running, ...args];
  return ['npx', '-y', pinned, ...args];
}
