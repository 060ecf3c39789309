import { defineConfig } from 'tsup';

// Two entries: the library (index) and the Node server (main, run by `pnpm start`).
export default defineConfig({
  entry: ['src/index.ts', 'src/main.ts'],
  format: ['esm', 'cjs'],
  dts: { entry: 'src/index.ts' },
  clean: true,
  sourcemap: true,
  target: 'es2022',
  // import.meta.url in the CJS build (the API reference finds swagger-ui-dist through Node's resolver).
  shims: true,
});
