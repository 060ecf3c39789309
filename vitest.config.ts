import { defineConfig } from 'vitest/config';

// One root config: every package's tests run from the repository root (`pnpm test:unit` for vitest alone, all
// projects). Three projects: `unit` (everything else), `property` (`*.property.test.ts`: random and mutated
// inputs in the thousands, the 100,000-a-pack differential) and `e2e` (`*.e2e.test.ts`: a browser or a whole
// server). Run one with `vitest run --project property`.
const everything = ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/**/*.test.ts'];
const property = ['packages/*/src/**/*.property.test.ts', 'packages/*/test/**/*.property.test.ts'];
const e2e = ['packages/*/src/**/*.e2e.test.ts', 'packages/*/test/**/*.e2e.test.ts', 'examples/**/*.e2e.test.ts'];

/**
 * The unit test files that also run on the other Node majors (scripts/unit-on-node.mjs sets
 * AFTERSALES_RUNTIME_ONLY=1 for Node 22 and 24): the files whose result can depend on the Node running them.
 * Core and the packs' suites (dates, time zones, ICU, canonical JSON, hashing, the compiled and generated
 * evaluators), the CLI's in-process code and the files that start its bin (argument parsing, streams, files,
 * child processes), and the server's files that load better-sqlite3's addon, start worker threads, serve HTTP,
 * sign, survive kill -9 or talk to PostgreSQL (not admin-thread.test.ts: its 100,000-rule upload against the admin
 * time budget measures the machine's load more than the Node it runs on). The rest of the unit project checks text or runs a tool over
 * generated files (tsc, openapi-typescript, pnpm pack, xmllint, bash/zsh, a linter), or varies a command's
 * arguments and a page's rendering over code the files above already run: its result does not depend on Node, and
 * the main run on Node 20 covers it. A new test file runs on every major when it sits in one of these folders or
 * is named here.
 */
const onEveryNode = [
  'packages/core/src/**/*.test.ts',
  'packages/core/test/**/*.test.ts',
  'packages/rules/src/**/*.test.ts',
  'packages/cli/src/**/*.test.ts',
  'packages/cli/test/{cli,batch,batch-files,batch-fields,output-is-input}.test.ts',
  'packages/reference-server/src/**/*.test.ts',
  'packages/reference-server/test/{routes,durability,audit-proof,idempotency-keys,replicas,sqlite-faults,enospc,log-entries,postgres-faults,postgres-unavailable}.test.ts',
];
const notOnEveryNode = ['packages/core/src/structure.test.ts']; // the source tree's shape (text)
const runtimeOnly = process.env.AFTERSALES_RUNTIME_ONLY === '1';

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'unit', include: runtimeOnly ? onEveryNode : everything, exclude: ['**/node_modules/**', ...property, ...e2e, ...(runtimeOnly ? notOnEveryNode : [])] } },
      // Thousands of cases per test: on a loaded 2-core machine one test can take minutes, so the property project's
      // hang guard is 15 minutes rather than the unit project's 2 (a hang still fails; a slow run does not).
      { extends: true, test: { name: 'property', include: property, testTimeout: 900_000 } },
      { extends: true, test: { name: 'e2e', include: e2e } },
    ],
  },
});
