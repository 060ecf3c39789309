import { defineConfig } from 'vitest/config';

// One root config: every package's tests run from the repository root (`pnpm test:unit` for vitest alone, all
// projects). Three projects: `unit` (everything else), `property` (`*.property.test.ts`: random and mutated
// inputs in the thousands, the 100,000-a-pack differential) and `e2e` (`*.e2e.test.ts`: a browser or a whole
// server). Run one with `vitest run --project property`.
const everything = ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/**/*.test.ts'];
const property = ['packages/*/src/**/*.property.test.ts', 'packages/*/test/**/*.property.test.ts'];
const e2e = ['packages/*/src/**/*.e2e.test.ts', 'packages/*/test/**/*.e2e.test.ts', 'examples/**/*.e2e.test.ts'];

/**
 * Unit test files left out when AFTERSALES_RUNTIME_ONLY=1 (scripts/unit-on-node.mjs sets it for Node 22 and 24):
 * each checks the repository's text or runs a tool over generated files (tsc, openapi-typescript, pnpm pack,
 * xmllint, bash/zsh, a linter), so its result does not depend on the Node running the tests, and the main run
 * covers it. The rest of the unit project runs on every major: core (dates, time zones, ICU, canonical JSON,
 * hashing), the packs and their suites, the CLI's commands, streams and files, and the whole server
 * (better-sqlite3's addon, worker threads, HTTP, PostgreSQL, signing). These files took about a third of the
 * unit project's time (645 of 1,794 file-seconds on the shared 2-core machine, 2026-12-07).
 */
const sameOnEveryNode = [
  'examples/docs.test.ts', // docs' code blocks against the code (text)
  'examples/run-all.test.ts', // the examples' output against OUTPUT.txt; the calls they make are tested per major
  'examples/02-erp-over-http/openapi-types.test.ts', // openapi-typescript and tsc over the generated client types
  'packages/rules/test/pack-types.test.ts', // tsc over the generated pack types
  'packages/rules/test/packed-tarball.test.ts', // pnpm pack: the published files
  'packages/rules/test/manual-quotes.test.ts', // pack sources against the manuals' text
  'packages/rules/test/editor-schemas.test.ts', // generated editor schemas against the packs (text)
  'packages/cli/test/types-command.test.ts', // tsc over `aftersales types` output
  'packages/cli/test/help-and-version.test.ts', // help texts
  'packages/cli/test/completion.test.ts', // bash and zsh over the completion scripts
  'packages/cli/test/test-reports.test.ts', // xmllint over the JUnit report
  'packages/cli/test/editor-schema.test.ts', // the editor schema file (text)
  'packages/reference-server/test/openapi-lint.test.ts', // a linter over the OpenAPI document
  'packages/core/src/structure.test.ts', // the source tree's shape (cycles, file lengths)
];
const runtimeOnly = process.env.AFTERSALES_RUNTIME_ONLY === '1' ? sameOnEveryNode : [];

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'unit', include: everything, exclude: ['**/node_modules/**', ...property, ...e2e, ...runtimeOnly] } },
      // Thousands of cases per test: on a loaded 2-core machine one test can take minutes, so the property project's
      // hang guard is 15 minutes rather than the unit project's 2 (a hang still fails; a slow run does not).
      { extends: true, test: { name: 'property', include: property, testTimeout: 900_000 } },
      { extends: true, test: { name: 'e2e', include: e2e } },
    ],
  },
});
