/**
 * A registry of loaded packs, so packs that `require` others resolve, and {@link loadPacks}, which loads a set
 * of pack documents in dependency order and rejects a `requires` cycle with the path of the cycle.
 */
import { PackValidationError } from './errors.js';
import { loadPack, type Pack } from './pack.js';
import type { Problem, WorkingDayCalendar } from './types.js';

/**
 * Packs by id. One version per id: adding a pack with an id already present replaces it.
 *
 * @example
 * ```ts
 * const registry = new PackRegistry();
 * registry.add(loadPack(severityJson));
 * const escalation = loadPack(escalationJson, { registry });
 * ```
 */
export class PackRegistry {
  readonly #packs = new Map<string, Pack>();

  /** Adds (or replaces) a pack. */
  add(pack: Pack): void {
    this.#packs.set(pack.id, pack);
  }

  /** The pack with this id, if any. */
  get(id: string): Pack | undefined {
    return this.#packs.get(id);
  }

  /** Whether a pack with this id is present. */
  has(id: string): boolean {
    return this.#packs.has(id);
  }

  /** Every pack, in the order added. */
  list(): Pack[] {
    return [...this.#packs.values()];
  }
}

const requiresOf = (doc: unknown): string[] => {
  const reqs = (doc as { requires?: unknown })?.requires;
  return Array.isArray(reqs) ? reqs.map((r) => (r as { pack?: unknown })?.pack).filter((p): p is string => typeof p === 'string') : [];
};

/**
 * Loads several pack documents, each after the packs it requires, into one registry.
 *
 * @param documents - parsed pack JSON documents
 * @param options - `registry` to add to (packs already there resolve `requires` too)
 * @returns the registry holding every pack
 * @throws {@link PackValidationError} with every problem of every pack (paths prefixed `/<index>`), including
 *   `REQUIRES_CYCLE` naming the cycle
 * @example
 * ```ts
 * const registry = loadPacks([escalationJson, severityJson]);
 * registry.get('escalation')
 * ```
 */
export function loadPacks(documents: unknown[], options: { registry?: PackRegistry; calendar?: WorkingDayCalendar } = {}): PackRegistry {
  // Load into a staging registry so that a failure leaves the caller's registry untouched.
  const registry = new PackRegistry();
  for (const pack of options.registry?.list() ?? []) registry.add(pack);
  const byId = new Map<string, number>();
  documents.forEach((doc, i) => {
    const id = (doc as { id?: unknown })?.id;
    if (typeof id === 'string') byId.set(id, i);
  });
  const problems: Problem[] = [];
  const state = new Map<number, 'visiting' | 'done'>();
  const order: number[] = [];
  const visit = (i: number, trail: string[]) => {
    if (state.get(i) === 'done') return;
    const id = String((documents[i] as { id?: unknown })?.id);
    if (state.get(i) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(id)), id];
      problems.push({ path: `/${i}/requires`, message: `requires cycle: ${cycle.join(' -> ')}`, code: 'REQUIRES_CYCLE', found: cycle });
      return;
    }
    state.set(i, 'visiting');
    for (const dep of requiresOf(documents[i])) {
      const j = byId.get(dep);
      if (j !== undefined) visit(j, [...trail, id]);
    }
    state.set(i, 'done');
    order.push(i);
  };
  documents.forEach((_, i) => visit(i, []));
  if (problems.length > 0) throw new PackValidationError(problems);
  for (const i of order) {
    try {
      registry.add(loadPack(documents[i], { registry, calendar: options.calendar }));
    } catch (error) {
      if (error instanceof PackValidationError) problems.push(...error.problems.map((p) => ({ ...p, path: `/${i}${p.path}` })));
      else throw error;
    }
  }
  if (problems.length > 0) throw new PackValidationError(problems);
  if (!options.registry) return registry;
  for (const i of order) {
    const id = (documents[i] as { id: string }).id;
    options.registry.add(registry.get(id) as Pack);
  }
  return options.registry;
}
