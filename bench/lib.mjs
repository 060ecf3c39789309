/**
 * Shared helpers of the benchmark (`pnpm bench`): where the built packages are, loading the bundled packs and
 * their suites straight from `packages/rules/packs/*` with the built core, turning a pack's rules into plain
 * json-rules-engine rules, the time-boxed measuring loops (a batch of calls between clock reads, a sink so the
 * work cannot be optimised away) and the statistics (median, min–max). Plain ESM, no build step: the bench
 * measures the published `dist` of each package, the code a host would run.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CORE_DIST = join(ROOT, 'packages/core/dist/index.js');
export const CLI_BIN = join(ROOT, 'packages/cli/dist/bin.js');
export const SERVER_MAIN = join(ROOT, 'packages/reference-server/dist/main.js');
export const PACKS_DIR = join(ROOT, 'packages/rules/packs');

/**
 * Imports the built `@aftersales/core`.
 *
 * @returns the module namespace
 * @throws when `packages/core/dist` is missing (run `pnpm build` first)
 * @example
 * ```js
 * const { loadPacks } = await importCore();
 * ```
 */
export async function importCore() {
  if (!existsSync(CORE_DIST)) throw new Error('packages/core/dist is missing: run `pnpm build` first / 请先运行 pnpm build');
  return import(pathToFileURL(CORE_DIST).href);
}

/**
 * Imports json-rules-engine as resolved from `packages/core` (the exact version the engine uses as reference).
 *
 * @returns `{ Engine, version }`
 * @example
 * ```js
 * const { Engine } = await importJsonRulesEngine();
 * ```
 */
export async function importJsonRulesEngine() {
  const require = createRequire(join(ROOT, 'packages/core/package.json'));
  const entry = require.resolve('json-rules-engine');
  const mod = await import(pathToFileURL(entry).href);
  const Engine = mod.Engine ?? mod.default?.Engine;
  return { Engine, version: packageVersion(entry, 'json-rules-engine') };
}

/** The version in the nearest package.json named `name` above `file`. */
export function packageVersion(file, name) {
  let dir = dirname(file);
  while (dir !== dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const json = JSON.parse(readFileSync(manifest, 'utf8'));
      if (json.name === name) return json.version;
    }
    dir = dirname(dir);
  }
  return 'unknown';
}

/**
 * Whether a package's `dist` is older than its `src` (the bench would measure stale code).
 *
 * @param pkg - folder under `packages/`
 * @returns the newest source file newer than the built entry, or null
 * @example
 * ```js
 * staleDist('core') // null when dist is up to date
 * ```
 */
export function staleDist(pkg) {
  const dist = join(ROOT, 'packages', pkg, 'dist/index.js');
  if (!existsSync(dist)) return null;
  const built = statSync(dist).mtimeMs;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        const found = walk(path);
        if (found) return found;
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && statSync(path).mtimeMs > built) return path;
    }
    return null;
  };
  return walk(join(ROOT, 'packages', pkg, 'src'));
}

/**
 * Every bundled pack document with its suite, read from `packages/rules/packs/<id>/`.
 *
 * @returns `[{ id, document, suite }]` sorted by id
 * @example
 * ```js
 * readBundled().map((b) => b.id) // ['complaint-handling', ...]
 * ```
 */
export function readBundled() {
  return readdirSync(PACKS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(PACKS_DIR, d.name, 'pack.json')))
    .map((d) => {
      const document = JSON.parse(readFileSync(join(PACKS_DIR, d.name, 'pack.json'), 'utf8'));
      const suiteFile = join(PACKS_DIR, d.name, `${document.id}.test.json`);
      const suite = existsSync(suiteFile) ? JSON.parse(readFileSync(suiteFile, 'utf8')) : { pack: document.id, cases: [] };
      return { id: document.id, document, suite };
    })
    .sort((a, b) => a.id.localeCompare(b.id));
}

const isRef = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A json-rules-engine path for a dotted pack path (its default resolver is JSONPath). */
const jsonPath = (path) => (path.startsWith('$') ? path : `$.${path}`);

/**
 * Rewrites a pack condition for plain json-rules-engine: `{param: n}` becomes `{fact: '$param', path: '$.n'}`,
 * `{context: n}` becomes `{fact: '$context', path: '$.n'}`, dotted paths become JSONPath (`$.a.b`).
 *
 * @param condition - a pack condition (top level or nested)
 * @returns the json-rules-engine condition
 * @example
 * ```js
 * toPlainCondition({ fact: 'x', operator: 'lessThan', value: { param: 'max' } })
 * // { fact: 'x', operator: 'lessThan', value: { fact: '$param', path: '$.max' } }
 * ```
 */
export function toPlainCondition(condition) {
  if (Array.isArray(condition)) return condition.map(toPlainCondition);
  if (!isRef(condition)) return condition;
  if (typeof condition.fact === 'string' && 'operator' in condition) {
    const out = { ...condition };
    if (typeof out.path === 'string') out.path = jsonPath(out.path);
    const v = condition.value;
    if (isRef(v)) {
      if (typeof v.param === 'string') out.value = { fact: '$param', path: jsonPath(v.param) };
      else if (typeof v.context === 'string') out.value = { fact: '$context', path: jsonPath(v.context) };
      else if (typeof v.fact === 'string') out.value = typeof v.path === 'string' ? { fact: v.fact, path: jsonPath(v.path) } : { fact: v.fact };
    }
    return out;
  }
  const out = {};
  for (const [k, v] of Object.entries(condition)) out[k] = k === 'all' || k === 'any' || k === 'not' ? toPlainCondition(v) : v;
  return out;
}

/**
 * The pack's rules as plain json-rules-engine rule options (name, priority, conditions, event).
 *
 * @param document - the pack document
 * @returns rule options for `new Engine(rules, ...)`
 * @example
 * ```js
 * const engine = new Engine(plainRules(doc), { allowUndefinedFacts: true });
 * ```
 */
export function plainRules(document) {
  return document.rules.map((rule) => ({
    name: rule.name,
    priority: rule.priority ?? 1,
    conditions: toPlainCondition(rule.conditions),
    event: { type: rule.event.type, params: rule.event.params ?? {} },
  }));
}

/**
 * The calendar date of an instant in a time zone (`YYYY-MM-DD`), as `$context.asOfDate`.
 *
 * @example
 * ```js
 * localDateOf('2026-01-15T23:30:00Z', 'Asia/Shanghai') // '2026-01-16'
 * ```
 */
export function localDateOf(instant, timeZone) {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(instant));
}

let sink = 0;
/** Keeps results alive so a loop's work cannot be removed. */
export function consume(value) {
  sink = (sink + (value === undefined || value === null ? 1 : typeof value === 'object' ? 3 : 7)) | 0;
  return sink;
}

/**
 * Calls `fn` over `inputs` in turn for about `ms` milliseconds; reads the clock once per batch.
 *
 * @param fn - synchronous work (its result is consumed)
 * @param inputs - arguments, cycled
 * @param ms - time box
 * @param batch - calls between clock reads
 * @returns calls per second
 * @example
 * ```js
 * const perSecond = measureSync((f) => decide(f), facts, 300, 256);
 * ```
 */
export function measureSync(fn, inputs, ms, batch = 64) {
  const n = inputs.length;
  let i = 0;
  let calls = 0;
  const start = performance.now();
  const end = start + ms;
  let now = start;
  while (now < end) {
    for (let k = 0; k < batch; k++) {
      consume(fn(inputs[i]));
      i = i + 1 === n ? 0 : i + 1;
    }
    calls += batch;
    now = performance.now();
  }
  return (calls * 1000) / (now - start);
}

/**
 * {@link measureSync} for async work, awaited one call at a time (a host deciding claims one after another).
 *
 * @example
 * ```js
 * const perSecond = await measureAsync((f) => engine.run(f), facts, 300);
 * ```
 */
export async function measureAsync(fn, inputs, ms, batch = 16) {
  const n = inputs.length;
  let i = 0;
  let calls = 0;
  const start = performance.now();
  const end = start + ms;
  let now = start;
  while (now < end) {
    for (let k = 0; k < batch; k++) {
      consume(await fn(inputs[i]));
      i = i + 1 === n ? 0 : i + 1;
    }
    calls += batch;
    now = performance.now();
  }
  return (calls * 1000) / (now - start);
}

/**
 * A batch size for which `fn` takes about `targetMs` between clock reads (at least 1).
 *
 * @example
 * ```js
 * const batch = calibrate(fn, inputs); // e.g. 4096 for a hand-written function
 * ```
 */
export function calibrate(fn, inputs, targetMs = 0.5) {
  let batch = 1;
  for (;;) {
    const start = performance.now();
    for (let k = 0; k < batch; k++) consume(fn(inputs[k % inputs.length]));
    const took = performance.now() - start;
    if (took >= targetMs || batch >= 1 << 20) return Math.max(1, Math.round((batch * targetMs) / Math.max(took, 1e-6)));
    batch *= 2;
  }
}

/**
 * Median, min and max of a list of numbers.
 *
 * @example
 * ```js
 * stats([3, 1, 2]) // { median: 2, min: 1, max: 3, runs: 3 }
 * ```
 */
export function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const median = n === 0 ? NaN : n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  return { median, min: sorted[0] ?? NaN, max: sorted[n - 1] ?? NaN, runs: n };
}
