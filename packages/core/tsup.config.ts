import { defineConfig } from 'tsup';

// Two entries: the library (index) and its canonical JSON and hashes alone (`@aftersales/core/canonical`), which
// loads in milliseconds where the whole library compiles its schemas: the server's SQLite writer thread imports it.
export default defineConfig({
  entry: ['src/index.ts', 'src/canonical.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
});
