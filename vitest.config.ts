import { defineConfig } from 'vitest/config';

// One root config: every package's tests run from the repository root (`pnpm test:unit` for vitest alone, all
// projects). Three projects: `unit` (everything else), `property` (`*.property.test.ts`: random and mutated
// inputs in the thousands, the 100,000-a-pack differential) and `e2e` (`*.e2e.test.ts`: a browser or a whole
// server). Run one with `vitest run --project property`.
const everything = ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/**/*.test.ts'];
const property = ['packages/*/src/**/*.property.test.ts', 'packages/*/test/**/*.property.test.ts'];
const e2e = ['packages/*/src/**/*.e2e.test.ts', 'packages/*/test/**/*.e2e.test.ts', 'examples/**/*.e2e.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'unit', include: everything, exclude: ['**/node_modules/**', ...property, ...e2e] } },
      // Thousands of cases per test: on a loaded 2-core machine one test can take minutes, so the property project's
      // hang guard is 15 minutes rather than the unit project's 2 (a hang still fails; a slow run does not).
      { extends: true, test: { name: 'property', include: property, testTimeout: 900_000 } },
      { extends: true, test: { name: 'e2e', include: e2e } },
    ],
  },
});
