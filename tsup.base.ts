import type { Options } from 'tsup';

/** What every package's library build shares: ESM and CommonJS, with types and source maps, for ES2022. */
export const library = {
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
} satisfies Options;
