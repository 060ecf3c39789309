/**
 * The conformance rule sets: json-rules-engine documents written to exercise what migrating teams bring
 * (hyphenated facts, free-form rule names, extra keys, shared conditions, operator decorators, bracket paths,
 * odd priorities, `in` on a string, missing / null / wrong-type / array facts). Each file in `sets/` is one rule
 * set with the fact sets it is decided on; this module reads them and gives them one type.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One fact set a rule set is decided on. */
export interface FactSet {
  name: string;
  facts: Record<string, unknown>;
}

/** A rule set in json-rules-engine's format, as a migrating team would hand it over. */
export interface ConformanceSet {
  /** The file name without `.json`. */
  id: string;
  description: string;
  /** Engine options beyond `allowUndefinedFacts` (only `replaceFactsInEventParams` is used). */
  options?: { replaceFactsInEventParams?: boolean };
  /** Shared conditions, registered with `engine.setCondition(name, condition)`. */
  conditions?: Record<string, Record<string, unknown>>;
  /** The rules, exactly as `new Engine(rules)` takes them. */
  rules: Array<Record<string, unknown>>;
  factSets: FactSet[];
}

const here = dirname(fileURLToPath(import.meta.url));

/** The directory holding one JSON file a rule set. */
export const setsDir = join(here, 'sets');

/**
 * Reads every rule set in `sets/`, sorted by id.
 *
 * @returns the rule sets
 */
export function loadConformanceSets(): ConformanceSet[] {
  return readdirSync(setsDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ id: f.slice(0, -'.json'.length), ...(JSON.parse(readFileSync(join(setsDir, f), 'utf8')) as Omit<ConformanceSet, 'id'>) }));
}
