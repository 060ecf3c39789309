/**
 * The published shape of one package, as its `lint` script runs it (`pnpm lint` runs every package's): the
 * tarball `pnpm pack` makes (the file that would be published) checked by publint `--strict` (warnings fail too)
 * and by arethetypeswrong under node10, node16 (from CJS and from ESM) and bundler resolution. attw cannot resolve a wildcard
 * export (`./suites/*`) by itself: every subpath the tarball holds for it is named with `--include-entrypoints`.
 * Both run from local files only, without the network. Exit 1 on any problem.
 *
 * Usage: node ../../scripts/lint-package.mjs        in a package folder (its `lint` script)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pnpmCommand } from './pnpm-command.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

/** Subpaths of the wildcard exports (`./suites/*` -> `./dist/suites/*.js`) that the packed files provide. */
function wildcardEntrypoints(files) {
  const entrypoints = [];
  for (const [key, target] of Object.entries(pkg.exports ?? {})) {
    if (!key.includes('*')) continue;
    // The first file target of the entry, whatever condition it sits under.
    const file = JSON.stringify(target).match(/"(\.\/[^"]*\*[^"]*)"/)?.[1];
    if (!file) continue;
    const [before, after] = file.slice(2).split('*');
    for (const f of files) {
      if (f.startsWith(before) && f.endsWith(after) && !f.slice(before.length, f.length - after.length).includes('/')) {
        entrypoints.push(key.slice(2).replace('*', f.slice(before.length, f.length - after.length)));
      }
    }
  }
  return entrypoints;
}

let status = 0;
const run = (cmd, args) => {
  try {
    process.stdout.write(execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  } catch (error) {
    process.stdout.write(`${error.stdout ?? ''}${error.stderr ?? error.message}`);
    status = 1;
  }
};

const work = mkdtempSync(join(tmpdir(), 'aftersales-lint-'));
try {
  const [command, ...args] = pnpmCommand('pack', '--pack-destination', work);
  execFileSync(command, args, { stdio: 'pipe' });
  const tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz')));
  const files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ''));
  run(bin('publint'), ['--strict', tarball]);
  const extra = wildcardEntrypoints(files);
  const attwArgs = [tarball, ...(extra.length > 0 ? ['--include-entrypoints', ...extra] : [])];
  try {
    execFileSync(bin('attw'), [...attwArgs, '--quiet'], { stdio: 'pipe' });
    console.log(`attw: ${pkg.name}: no problems (${extra.length} wildcard subpaths named)`);
  } catch {
    run(bin('attw'), [...attwArgs, '--format', 'ascii']); // again, to show every entrypoint and resolution
    status = 1;
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exitCode = status;
