import { defineConfig } from 'tsup';

// Two entries: the library (ESM + CJS + types) and the bin (ESM, hashbang kept from the source).
export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    clean: false,
    sourcemap: true,
    target: 'es2022',
  },
  {
    entry: ['src/bin.ts'],
    format: ['esm'],
    dts: false,
    sourcemap: true,
    target: 'es2022',
  },
]);
