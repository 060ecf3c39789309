/** Types of property-runs.mjs (a plain module, so that every package's tests import the one file). */
export declare const propertyMode: 'full' | 'per-commit';
export declare function propertyRuns(
  name: string,
  counts: { full: number; perCommit: number; seed: number },
): { numRuns: number; seed: number; mode: 'full' | 'per-commit' };
