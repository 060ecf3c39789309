/**
 * Finds the packs a command names: a bundled pack id (from `@aftersales/rules`), a path to a `pack.json`, or a
 * directory searched for `pack.json` files. Packs on disk are loaded against a registry holding the bundled packs
 * and each other, so a pack that `requires` another resolves whichever side it lives on; its suite is the
 * `<id>.test.json` beside it. This is the only module of the CLI that reads pack files.
 *
 * Every pack, bundled or from a file, counts working days on one calendar: China's (`chinaWorkingDayCalendar` of
 * `@aftersales/rules`, public holidays and make-up working days), or the one the host gives (`--calendar`), so a
 * pack file decides as it would once bundled or uploaded to the server.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { noteInput } from './input-files.js';
import { dirname, join, relative, resolve } from 'node:path';
import { loadPack, PackRegistry, validatePack, validateSuite, type Pack, type Problem, type TestSuite, type WorkingDayCalendar } from '@aftersales/core';
import { JsonSyntaxError, locateJson, type JsonLocations } from './json-locator.js';

/** What `@aftersales/rules` offers (kept loose so the CLI tolerates a registry or a list). */
interface BundledApi {
  loadBundledPacks?: (options?: { calendar?: WorkingDayCalendar }) => PackRegistry | Pack[];
  chinaWorkingDayCalendar?: WorkingDayCalendar;
  bundledPackIds?: readonly string[] | (() => readonly string[]);
}

/** What `@aftersales/rules/suites` offers: the bundled suites, kept out of the package's main entry. */
interface BundledSuitesApi {
  getSuite?: (id: string) => TestSuite | undefined;
}

let bundledSuitesApi: BundledSuitesApi | undefined;

/** Loads `@aftersales/rules/suites` on first need (a command that names a bundled pack). */
async function loadBundledSuites(): Promise<BundledSuitesApi> {
  bundledSuitesApi ??= (await import('@aftersales/rules/suites')) as unknown as BundledSuitesApi;
  return bundledSuitesApi;
}

let bundledApi: BundledApi | undefined;
let bundledRegistry: { calendar: WorkingDayCalendar | undefined; registry: PackRegistry } | undefined;

/**
 * Loads `@aftersales/rules` on first need (its module only: evaluating a pack file that requires nothing never
 * pays for compiling every bundled pack).
 */
async function loadBundledApi(): Promise<BundledApi> {
  bundledApi ??= (await import('@aftersales/rules')) as unknown as BundledApi;
  return bundledApi;
}

/**
 * The working-day calendar packs are loaded with: the host's when given, else China's from `@aftersales/rules`.
 *
 * @param calendar - the host's calendar (`--calendar`), if any
 * @returns the calendar every pack of the command counts working days on
 * @example
 * ```ts
 * (await packCalendar()).version; // 'chinese-days@1.5.7'
 * ```
 */
export async function packCalendar(calendar?: WorkingDayCalendar): Promise<WorkingDayCalendar | undefined> {
  return calendar ?? (await loadBundledApi()).chinaWorkingDayCalendar;
}

/**
 * The bundled packs, loaded once for a calendar.
 *
 * @param calendar - the host's working-day calendar (default: China's, the bundled packs' own)
 * @returns a registry holding every bundled pack
 * @example
 * ```ts
 * (await bundledPacks()).get('complaint-handling');
 * ```
 */
export async function bundledPacks(calendar?: WorkingDayCalendar): Promise<PackRegistry> {
  if (bundledRegistry && bundledRegistry.calendar === calendar) return bundledRegistry.registry;
  const api = await loadBundledApi();
  const loaded = api.loadBundledPacks?.(calendar ? { calendar } : {});
  const registry = new PackRegistry();
  if (Array.isArray(loaded)) loaded.forEach((p) => registry.add(p));
  else if (loaded) loaded.list().forEach((p) => registry.add(p));
  bundledRegistry = { calendar, registry };
  return registry;
}

/** The ids of the bundled packs, in their published order. */
export async function bundledIds(): Promise<string[]> {
  const registry = await bundledPacks();
  const ids = (await loadBundledApi()).bundledPackIds;
  if (typeof ids === 'function') return [...ids()];
  if (Array.isArray(ids)) return [...ids];
  return registry.list().map((p) => p.id);
}

/** A pack the command works on, with where it came from. */
export interface PackTarget {
  id: string;
  pack: Pack;
  suite?: TestSuite;
  /** The `pack.json` path (absent for a bundled pack). */
  file?: string;
  suiteFile?: string;
  /**
   * The suite beside the pack when it does not parse or is not a valid suite of this pack (then `suite` is
   * absent): commands that run or check suites report it; eval, explain and docs do not need the suite.
   */
  suiteFailure?: PackFileFailure;
  /** Where each value of the suite file starts (a failing case is shown with its line). */
  suiteLocations?: JsonLocations;
}

/** A pack file that did not load, with its problems located in the file. */
export interface PackFileFailure {
  file: string;
  problems: LocatedProblem[];
}

/** A problem with the line and column of its JSON pointer, where the file is on disk. */
export interface LocatedProblem extends Problem {
  file?: string;
  line?: number;
  column?: number;
}

/** A file that is not a pack, a suite that does not parse: a user error to report, exit 2. */
export class UsageError extends Error {
  readonly code = 'USAGE';
}

/** Lists `pack.json` files under a directory (sorted, skipping `node_modules` and dot-folders). */
export function findPackFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const full = join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === 'pack.json') out.push(full);
    }
  };
  walk(dir);
  return out;
}

/** Reads and parses a JSON file, locating its values; a syntax error becomes a located problem. */
export function readJsonFile(file: string): { doc?: unknown; locations?: JsonLocations; problems: LocatedProblem[] } {
  noteInput(file);
  const text = readFileSync(file, 'utf8');
  try {
    const locations = locateJson(text);
    return { doc: JSON.parse(text.replace(/^\uFEFF/, '')), locations, problems: [] };
  } catch (error) {
    if (error instanceof JsonSyntaxError) {
      return {
        problems: [{ path: '', message: error.message, code: 'INVALID_JSON', file, ...error.position }],
      };
    }
    throw error;
  }
}

/** Attaches file, line and column to problems. */
export function locate(problems: Problem[], file: string, locations: JsonLocations | undefined): LocatedProblem[] {
  return problems.map((p) => ({ ...p, file, ...(locations ? locations.locate(p.path) : {}) }));
}

/** Expands the command's arguments into pack files on disk and bundled ids. */
async function expand(args: string[]): Promise<Array<{ file: string } | { id: string }>> {
  const out: Array<{ file: string } | { id: string }> = [];
  for (const arg of args) {
    if (existsSync(arg)) {
      const full = resolve(arg);
      if (statSync(full).isDirectory()) {
        const files = findPackFiles(full);
        if (files.length === 0) throw new UsageError(`no pack.json under ${arg} / ${arg} 下没有 pack.json`);
        files.forEach((file) => out.push({ file }));
      } else out.push({ file: full });
    } else {
      const ids = await bundledIds();
      if (ids.includes(arg)) out.push({ id: arg });
      else throw new UsageError(`${arg}: neither a bundled pack (${ids.join(', ')}) nor a file / 既不是内置规则包，也不是文件`);
    }
  }
  return out;
}

/**
 * Reads the suite file of a pack and checks it against the suite format and the pack: a syntax error or an
 * invalid suite is a failure with located problems (file, line, column, JSON pointer), never an exception.
 */
function readSuite(file: string, pack: Pack): { suite?: TestSuite; suiteFailure?: PackFileFailure; suiteLocations?: JsonLocations } {
  if (!existsSync(file)) return {};
  const { doc, locations, problems } = readJsonFile(file);
  if (problems.length > 0) return { suiteFailure: { file, problems } };
  const invalid = validateSuite(doc, { pack });
  if (invalid.length > 0) return { suiteFailure: { file, problems: locate(invalid, file, locations) } };
  return { suite: doc as TestSuite, ...(locations ? { suiteLocations: locations } : {}) };
}

/**
 * Loads the packs that arguments name, with their suites. Packs on disk that fail to load are returned as
 * failures with located problems; other packs still load.
 *
 * @param args - bundled ids, `pack.json` paths or directories; none means every bundled pack
 * @param options - `calendar`: the host's working-day calendar for every pack (default: China's)
 * @returns the loaded targets in argument order, and the failures
 * @throws {@link UsageError} for an argument that names nothing
 * @example
 * ```ts
 * const { targets, failures } = await resolvePacks(['quality-severity', './my-pack/pack.json']);
 * ```
 */
export async function resolvePacks(
  args: string[],
  options: { calendar?: WorkingDayCalendar } = {},
): Promise<{ targets: PackTarget[]; failures: PackFileFailure[] }> {
  const items = args.length === 0 ? (await bundledIds()).map((id) => ({ id })) : await expand(args);
  const failures: PackFileFailure[] = [];
  // Parse every file first, then load them in dependency order by retrying until no progress.
  const parsed = new Map<string, { doc?: unknown; locations?: JsonLocations; problems: LocatedProblem[] }>();
  for (const item of items) if ('file' in item && !parsed.has(item.file)) parsed.set(item.file, readJsonFile(item.file));
  const registry = new PackRegistry();
  const needsBundled =
    items.some((item) => 'id' in item) ||
    [...parsed.values()].some((p) => Array.isArray((p.doc as { requires?: unknown } | undefined)?.requires));
  if (needsBundled) (await bundledPacks(options.calendar)).list().forEach((p) => registry.add(p));
  const calendar = parsed.size > 0 ? await packCalendar(options.calendar) : undefined;
  const loaded = new Map<string, Pack>();
  let pending = [...parsed.entries()].filter(([, p]) => p.problems.length === 0);
  for (let progress = true; progress && pending.length > 0; ) {
    progress = false;
    pending = pending.filter(([file, { doc }]) => {
      try {
        const pack = loadPack(doc, { registry, ...(calendar ? { calendar } : {}) });
        registry.add(pack);
        loaded.set(file, pack);
        progress = true;
        return false;
      } catch {
        return true;
      }
    });
  }
  for (const [file, p] of parsed) {
    if (p.problems.length > 0) failures.push({ file, problems: p.problems });
    else if (!loaded.has(file)) {
      const problems = validatePack(p.doc, { registry });
      failures.push({
        file,
        problems: locate(
          problems.length > 0 ? problems : [{ path: '', message: 'does not load', code: 'INVALID_PACK' }],
          file,
          p.locations,
        ),
      });
    }
  }
  const targets: PackTarget[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    if ('id' in item) {
      if (seen.has(`id:${item.id}`)) continue;
      seen.add(`id:${item.id}`);
      const pack = (await bundledPacks(options.calendar)).get(item.id);
      if (!pack) throw new UsageError(`${item.id}: bundled pack did not load / 内置规则包未能加载`);
      const suite = (await loadBundledSuites()).getSuite?.(item.id);
      const invalid = suite ? validateSuite(suite, { pack }) : [];
      if (invalid.length > 0) targets.push({ id: item.id, pack, suiteFailure: { file: `${item.id}.test.json`, problems: invalid } });
      else targets.push({ id: item.id, pack, ...(suite ? { suite } : {}) });
    } else {
      const pack = loaded.get(item.file);
      if (!pack || seen.has(`file:${item.file}`)) continue;
      seen.add(`file:${item.file}`);
      const suiteFile = join(dirname(item.file), `${pack.id}.test.json`);
      const { suite, suiteFailure, suiteLocations } = readSuite(suiteFile, pack);
      targets.push({
        id: pack.id,
        pack,
        file: item.file,
        ...(suite ? { suite, suiteFile } : {}),
        ...(suiteFailure ? { suiteFailure } : {}),
        ...(suiteLocations ? { suiteLocations } : {}),
      });
    }
  }
  return { targets, failures };
}

/** A path relative to the working directory, for messages. */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

/**
 * Loads exactly one pack (for eval, explain, docs).
 *
 * @param options - `calendar`: the host's working-day calendar (default: China's)
 * @throws {@link UsageError} when the argument names no pack; a {@link PackFileFailure} list when it does not load
 * @example
 * ```ts
 * const { target } = await resolveOnePack('quality-severity');
 * ```
 */
export async function resolveOnePack(
  arg: string | undefined,
  options: { calendar?: WorkingDayCalendar } = {},
): Promise<{ target?: PackTarget; failures: PackFileFailure[] }> {
  if (!arg) throw new UsageError('missing <pack> / 缺少 <pack>');
  const { targets, failures } = await resolvePacks([arg], options);
  if (targets.length > 1) throw new UsageError(`${arg}: names more than one pack / 指定了多个规则包`);
  return { ...(targets[0] ? { target: targets[0] } : {}), failures };
}
