import { defineConfig } from 'tsup';
import { library } from '../../tsup.base.js';

// The library (ESM + CJS + types), and the ESM scripts: the bin (hashbang kept from the source) and the batch
// worker thread, which batch.ts finds beside itself (`new URL('./batch-worker.js', import.meta.url)`; `shims`
// gives the CJS build an `import.meta.url`).
export default defineConfig([
  { ...library, entry: ['src/index.ts'], clean: false, shims: true },
  {
    entry: ['src/bin.ts', 'src/batch-worker.ts'],
    format: ['esm'],
    dts: false,
    sourcemap: true,
    target: 'es2022',
  },
]);
