import { defineConfig } from 'vitest/config';

// One root config: every package's tests run from the repository root (`pnpm test:unit` for vitest alone).
export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
