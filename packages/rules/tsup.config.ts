import { defineConfig } from 'tsup';
import { library } from '../../tsup.base.js';

// The main entry and one entry per suite (`@aftersales/rules/suites/<id>`, and `suites/index` for all of them).
// The pack and suite JSON stay in `packs/`: imports of `*.json` are external, so each document is shipped once,
// read by Node as a JSON module (ESM) or by `require` (CommonJS) instead of being inlined into both bundles.
// Those imports are relative (`../packs/…` from src/, `../../packs/…` from src/suites/); dist/ mirrors src/'s
// depth, and `splitting: false` keeps every import in the file of its entry rather than in a shared chunk at
// another depth.
export default defineConfig({
  ...library,
  entry: ['src/index.ts', 'src/suites/*.ts'],
  splitting: false,
  external: [/\.json$/],
  // Keep `with { type: 'json' }` on those imports (an ES2025 feature esbuild drops under an es2022 target).
  esbuildOptions(options) {
    options.supported = { ...options.supported, 'import-attributes': true };
  },
});
