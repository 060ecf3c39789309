/**
 * How many cases a property test tries, and with which seed: one place for every property test in the
 * repository, so that a commit's CI runs a sample and `pnpm test:long` runs the full counts.
 *
 * - `AFTERSALES_PROPERTY_RUNS=full` (what `pnpm test:long` sets): each property's full count, the figures
 *   docs/reliability.md reports. Anything else, or nothing (what `pnpm test` and `.ci/run` use): the per-commit
 *   count each test declares beside its full one.
 * - `AFTERSALES_PROPERTY_SEED=<integer>`: replaces every property's fixed seed (to explore beyond the fixed
 *   sample); unset, each property keeps its own fixed seed, so a failure reproduces exactly.
 *
 * Each call prints one line, `property <name>: <N> cases (<per-commit|full>), seed <S>`, so a run's log says
 * what it covered and how to reproduce it.
 *
 * Usage (in a test):
 *   const { numRuns, seed } = propertyRuns('loadPack on random JSON', { full: 10_000, perCommit: 1_000, seed: 20261127 });
 *   fc.assert(fc.property(arb, check), { numRuns, seed });
 */

/** `full` or `per-commit`, from AFTERSALES_PROPERTY_RUNS. */
export const propertyMode = process.env.AFTERSALES_PROPERTY_RUNS === 'full' ? 'full' : 'per-commit';

const seedOverride = process.env.AFTERSALES_PROPERTY_SEED;
if (seedOverride !== undefined && !/^-?\d+$/.test(seedOverride)) {
  throw new Error(`AFTERSALES_PROPERTY_SEED must be an integer, not ${JSON.stringify(seedOverride)}`);
}

/**
 * The case count and seed of one property.
 *
 * @param {string} name - what the property checks, printed with the count and seed
 * @param {{ full: number, perCommit: number, seed: number }} counts - the full count (`pnpm test:long`), the
 *   per-commit count (`pnpm test`) and the property's fixed seed
 * @returns {{ numRuns: number, seed: number, mode: 'full' | 'per-commit' }}
 */
export function propertyRuns(name, { full, perCommit, seed }) {
  const numRuns = propertyMode === 'full' ? full : perCommit;
  const chosen = seedOverride !== undefined ? Number(seedOverride) : seed;
  console.log(`property ${name}: ${numRuns} cases (${propertyMode}), seed ${chosen}`);
  return { numRuns, seed: chosen, mode: propertyMode };
}
