import { defineConfig } from 'tsup';

// Three entries: the library (index), the Node server (main, run by `pnpm start`) and the admin worker thread's
// entry (admin-worker, started by admin-runner.ts from beside the running module).
export default defineConfig({
  entry: ['src/index.ts', 'src/main.ts', 'src/admin-worker.ts'],
  format: ['esm', 'cjs'],
  dts: { entry: 'src/index.ts' },
  clean: true,
  sourcemap: true,
  target: 'es2022',
  // import.meta.url in the CJS build (the API reference finds swagger-ui-dist through Node's resolver).
  shims: true,
});
