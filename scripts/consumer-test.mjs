/**
 * The packages as a stranger gets them: `pnpm pack` every publishable package, `npm install` the tarballs into a
 * fresh folder outside the workspace, and there run the README's quick start as written, every package README's
 * `check: run` example, an ESM import and a CommonJS require of each package, `tsc --noEmit` under `node16` and
 * `bundler` resolution (with a misspelt fact that must be refused), the CLI through `npx aftersales`, and the
 * reference server started from the installed package until `/healthz` answers. Needs a build (`pnpm build`).
 * better-sqlite3's addon is the one the workspace install compiled (same version, same Node), copied in rather
 * than compiled a second time (about 80 s on 2 cores); another version is compiled.
 *
 * Usage: node scripts/consumer-test.mjs [--keep]     exit 0 when every step passed; --keep leaves the folder
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pnpmCommand } from './pnpm-command.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const packages = readdirSync(join(root, 'packages'))
  .map((dir) => ({ dir: join(root, 'packages', dir), json: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) }))
  .filter((p) => !p.json.private);
const work = mkdtempSync(join(tmpdir(), 'aftersales-consumer-'));
const tarballs = join(work, 'tarballs');
const project = join(work, 'project');
let failed = 0;

function run(cmd, args, options = {}) {
  return execFileSync(cmd, args, { cwd: project, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

async function step(name, fn) {
  const started = Date.now();
  try {
    await fn();
    console.log(`PASS ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    failed++;
    console.log(`FAIL ${name}\n${error.stdout ?? ''}${error.stderr ?? ''}${error.stack ?? error}`);
  }
}

/** The `js` blocks of a markdown file marked `<!-- check: run -->`, and the shell lines of `check: consumer`. */
function blocks(file, marker) {
  const text = readFileSync(file, 'utf8');
  const re = new RegExp(`<!--\\s*check: ${marker}\\s*-->\\n\`\`\`\\w*\\n([\\s\\S]*?)\`\`\``, 'g');
  return [...text.matchAll(re)].map((m) => m[1]);
}

await step('pnpm pack every package', () => {
  const [command, ...args] = pnpmCommand('pack', '--pack-destination', tarballs);
  for (const p of packages) execFileSync(command, args, { cwd: p.dir, stdio: 'pipe' });
});

await step('npm install the tarballs into an empty project', () => {
  execFileSync('mkdir', ['-p', project]);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2));
  const files = readdirSync(tarballs).map((f) => join(tarballs, f));
  // better-sqlite3 has no reachable prebuilt binary here and compiles from source (about 80 s of CPU): its
  // install script is skipped and the addon the workspace install already compiled for this Node is copied in
  // when the versions match; otherwise (another version) it is compiled as a stranger's install would.
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--ignore-scripts', ...files, 'typescript@5.9.3', '@types/node@20'], { timeout: 600_000 });
  const installed = join(project, 'node_modules', 'better-sqlite3');
  const workspace = dirname(createRequire(join(root, 'packages', 'reference-server', 'package.json')).resolve('better-sqlite3/package.json'));
  const versionOf = (dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
  const built = join(workspace, 'build', 'Release', 'better_sqlite3.node');
  if (existsSync(built) && versionOf(workspace) === versionOf(installed)) {
    mkdirSync(join(installed, 'build', 'Release'), { recursive: true });
    copyFileSync(built, join(installed, 'build', 'Release', 'better_sqlite3.node'));
  } else {
    run('npm', ['rebuild', '--no-audit', '--no-fund', '--loglevel=error', 'better-sqlite3'], { timeout: 600_000 });
  }
});

await step("the root README's install lines name the packed packages", () => {
  const names = new Set(packages.map((p) => p.json.name));
  for (const line of blocks(join(root, 'README.md'), 'consumer').join('\n').split('\n')) {
    const words = line.replace(/#.*$/, '').trim().split(/\s+/);
    if (words[0] !== 'npm' || words[1] !== 'i') continue;
    for (const w of words.slice(2).filter((w) => !w.startsWith('-'))) if (!names.has(w)) throw new Error(`${w} is not packed`);
  }
});

const examples = [
  ['README.md quick start', join(root, 'README.md')],
  ...packages.map((p) => [`${p.json.name} README example`, join(p.dir, 'README.md')]),
];
for (const [name, file] of examples) {
  for (const [i, code] of blocks(file, 'run').entries()) {
    await step(`${name}${i ? ` ${i + 1}` : ''} runs as written`, () => {
      writeFileSync(join(project, 'example.mjs'), code);
      run(process.execPath, ['example.mjs']);
    });
  }
}
for (const p of packages) {
  for (const line of blocks(join(p.dir, 'README.md'), 'consumer').join('\n').split('\n').filter((l) => l.startsWith('npx '))) {
    await step(`${p.json.name} README: ${line}`, () => run('sh', ['-c', line]));
  }
}

await step('ESM import and CommonJS require of every entry', () => {
  const entries = packages.flatMap((p) => [p.json.name, ...(p.json.name === '@aftersales/rules' ? ['@aftersales/rules/suites', '@aftersales/rules/suites/quality-severity'] : [])]);
  writeFileSync(join(project, 'esm.mjs'), entries.map((e, i) => `import * as m${i} from '${e}';\nif (Object.keys(m${i}).length === 0) throw new Error('${e}: no export');`).join('\n'));
  writeFileSync(join(project, 'cjs.cjs'), entries.map((e) => `if (Object.keys(require('${e}')).length === 0) throw new Error('${e}: no export');`).join('\n'));
  run(process.execPath, ['esm.mjs']);
  run(process.execPath, ['cjs.cjs']);
});

await step('tsc --noEmit under node16 and bundler resolution, with typed packs', () => {
  writeFileSync(
    join(project, 'typed.ts'),
    `import { loadBundledPacks } from '@aftersales/rules';
import { getSuite } from '@aftersales/rules/suites';
import { runSuite } from '@aftersales/core';
import { runCli } from '@aftersales/cli';
import { createApp } from '@aftersales/reference-server';
export async function main(): Promise<void> {
  const severity = loadBundledPacks().get('quality-severity');
  const decision = await severity.evaluate({ claimAmountYuan: 50000 }, { asOf: '2026-03-01T09:00:00+08:00' });
  const level: 1 | 2 | 3 | null = decision.outcome.level;
  // @ts-expect-error a misspelt fact is refused
  await severity.evaluate({ claimAmountYaun: '50000' }, { asOf: '2026-03-01T09:00:00+08:00' });
  await runSuite(severity, getSuite('quality-severity')!);
  void level; void runCli; void createApp;
}
`,
  );
  for (const [module, resolution] of [['node16', 'node16'], ['esnext', 'bundler']]) {
    const tsconfig = { compilerOptions: { module, moduleResolution: resolution, target: 'es2022', strict: true, noEmit: true, types: ['node'] }, files: ['typed.ts'] };
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
    run('npx', ['tsc', '-p', 'tsconfig.json']);
  }
});

await step('npx aftersales --version prints the installed CLI\'s version', () => {
  const expected = packages.find((p) => p.json.name === '@aftersales/cli').json.version;
  const printed = run('npx', ['aftersales', '--version']).trim();
  if (printed !== expected) throw new Error(`npx aftersales --version printed ${JSON.stringify(printed)}, expected ${expected}`);
  console.log(`  ${printed}`);
});

await step('the reference server starts from the installed package and answers /healthz', async () => {
  const port = 20000 + Math.floor(Math.random() * 40000);
  const server = spawn(process.execPath, [join(project, 'node_modules/@aftersales/reference-server/dist/main.js')], {
    cwd: project,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  server.stdout.on('data', (d) => (output += d));
  server.stderr.on('data', (d) => (output += d));
  try {
    for (let i = 0; ; i++) {
      if (server.exitCode !== null) throw new Error(`the server exited ${server.exitCode}:\n${output}`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
      if (ok) break;
      if (i > 300) throw new Error(`no /healthz answer in 30 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const decision = await fetch(`http://127.0.0.1:${port}/v1/packs/quality-severity/decisions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ facts: { claimAmountYuan: 50000 }, asOf: '2026-03-01T09:00:00+08:00' }),
    });
    if (decision.status !== 201) throw new Error(`a decision answered ${decision.status}: ${await decision.text()}`);
  } finally {
    server.kill('SIGTERM');
  }
});

if (!process.argv.includes('--keep')) rmSync(work, { recursive: true, force: true });
else console.log(`kept ${work}`);
console.log(failed === 0 ? 'consumer test: every step passed' : `consumer test: ${failed} step(s) failed`);
process.exit(failed === 0 ? 0 : 1);
