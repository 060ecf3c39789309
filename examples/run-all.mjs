/**
 * Runs every numbered example (`examples/NN-name/index.mjs`, in its own folder, as its own process) and compares
 * its stdout with the checked `OUTPUT.txt` beside it. Any difference — or a non-zero exit — is printed as a
 * line diff and the run exits 1, so a change in the engine or a pack that alters what an example shows cannot
 * pass unnoticed. The examples import the built packages: run `pnpm build` first.
 *
 * Usage: pnpm examples                     run all, compare, exit 1 on any difference
 *        pnpm examples 03                  only the examples whose folder name contains "03"
 *        pnpm examples --update            rewrite OUTPUT.txt from the current output (then review the git diff)
 *
 * An example that cannot run on this machine (06 without python3) exits 77, the code automake and meson use for
 * "skipped", with the reason on stderr: it is reported as SKIP with that reason and counts neither way.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const update = args.includes('--update');
// `--dir <folder>`: another folder of examples (the runner's own tests use a fixture with a wrong OUTPUT.txt).
const dirAt = args.indexOf('--dir');
const here = dirAt >= 0 ? args[dirAt + 1] : dirname(fileURLToPath(import.meta.url));
const SKIPPED = 77;
const filters = args.filter((a, i) => !a.startsWith('--') && (dirAt < 0 || i !== dirAt + 1));

/** Normalises line endings and trailing whitespace so that an editor's habits do not fail a run. */
const normalise = (text) =>
  text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .trimEnd();

/**
 * A line diff (longest common subsequence), printed `-expected` / `+actual` with two lines of context.
 *
 * @param expected - the checked output
 * @param actual - what the example printed
 * @returns the diff text, empty when equal
 * @example
 * ```js
 * lineDiff('a\nb', 'a\nc'); // '  a\n- b\n+ c'
 * ```
 */
export function lineDiff(expected, actual) {
  const a = expected.split('\n');
  const b = actual.split('\n');
  const n = a.length;
  const m = b.length;
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const ops = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) ops.push({ kind: ' ', text: a[i++], line: j++ });
    else if (i < n && (j >= m || lcs[i + 1][j] >= lcs[i][j + 1])) ops.push({ kind: '-', text: a[i++], line: j });
    else ops.push({ kind: '+', text: b[j], line: j++ });
  }
  if (ops.every((op) => op.kind === ' ')) return '';
  const keep = ops.map((op, k) => op.kind !== ' ' || ops.slice(Math.max(0, k - 2), k + 3).some((o) => o.kind !== ' '));
  const out = [];
  ops.forEach((op, k) => {
    if (keep[k]) out.push(`${op.kind} ${op.text}`);
    else if (keep[k - 1]) out.push(`@@ … line ${op.line + 1}`);
  });
  return out.join('\n');
}

/** Runs the examples chosen on the command line; returns the exit code. */
function main() {
  const examples = readdirSync(here, { withFileTypes: true })
    .filter((e) => e.isDirectory() && /^\d\d-/.test(e.name))
    .map((e) => e.name)
    .filter((name) => filters.length === 0 || filters.some((f) => name.includes(f)))
    .sort();

  if (examples.length === 0) {
    console.error(`no example matches ${filters.join(' ')}`);
    return 2;
  }

  let failed = 0;
  let skipped = 0;
  for (const name of examples) {
    const dir = join(here, name);
    const started = performance.now();
    const run = spawnSync(process.execPath, ['index.mjs'], { cwd: dir, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const actual = normalise(run.stdout ?? '');
    const outputFile = join(dir, 'OUTPUT.txt');
    if (run.status === SKIPPED) {
      skipped++;
      console.log(`SKIP ${name}: ${(run.stderr ?? '').trim() || 'no reason given'}`);
      continue;
    }
    if (run.status !== 0) {
      failed++;
      console.log(`FAIL ${name}: exit ${run.status ?? run.signal} (${seconds} s)`);
      console.log((run.stderr || run.error?.message || '').trimEnd().replace(/^/gm, '    '));
      continue;
    }
    if (update) {
      writeFileSync(outputFile, `${actual}\n`);
      console.log(`UPDATED ${name}/OUTPUT.txt (${seconds} s)`);
      continue;
    }
    if (!existsSync(outputFile)) {
      failed++;
      console.log(`FAIL ${name}: no OUTPUT.txt (write it with \`pnpm examples --update ${name}\` and review it)`);
      continue;
    }
    const diff = lineDiff(normalise(readFileSync(outputFile, 'utf8')), actual);
    if (diff === '') {
      console.log(`PASS ${name} (${seconds} s)`);
    } else {
      failed++;
      console.log(`FAIL ${name}: stdout differs from OUTPUT.txt (- expected, + actual)`);
      console.log(diff.replace(/^/gm, '    '));
    }
  }
  if (skipped > 0) console.log(`${skipped} skipped (see SKIP above)`);
  const ran = examples.length - skipped;
  console.log(`${ran - failed}/${ran} examples match their OUTPUT.txt`);
  return failed > 0 ? 1 : 0;
}

// Imported (by the tests, for lineDiff) it does nothing; run, it runs the examples.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main();
