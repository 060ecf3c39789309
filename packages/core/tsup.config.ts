import { defineConfig } from 'tsup';
import { library } from '../../tsup.base.js';

// Two entries: the library (index) and its canonical JSON and hashes alone (`@aftersales/core/canonical`), which
// loads in milliseconds where the whole library compiles its schemas: the server's SQLite writer thread imports it.
export default defineConfig({ ...library, entry: ['src/index.ts', 'src/canonical.ts'] });
