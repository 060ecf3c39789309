import { defineConfig } from 'tsup';

// The library (ESM + CJS + types), and the ESM scripts: the bin (hashbang kept from the source) and the batch
// worker thread, which batch.ts finds beside itself (`new URL('./batch-worker.js', import.meta.url)`; `shims`
// gives the CJS build an `import.meta.url`).
export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    clean: false,
    sourcemap: true,
    target: 'es2022',
    shims: true,
  },
  {
    entry: ['src/bin.ts', 'src/batch-worker.ts'],
    format: ['esm'],
    dts: false,
    sourcemap: true,
    target: 'es2022',
  },
]);
