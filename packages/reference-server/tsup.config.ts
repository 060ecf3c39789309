import { defineConfig } from 'tsup';
import { library } from '../../tsup.base.js';

// Four entries: the library (index), the Node server (main, run by `pnpm start`), and two worker threads' entry
// files, each started from beside the running module: the admin worker (admin-worker, see versions/runner.ts) and the
// SQLite log writer (sqlite-writer-thread, see writerThreadEntry in storage/sqlite-writer.ts).
export default defineConfig({
  ...library,
  entry: {
    index: 'src/index.ts',
    main: 'src/main.ts',
    'admin-worker': 'src/versions/worker.ts',
    'audit-worker': 'src/audit-worker.ts',
    'sqlite-writer-thread': 'src/storage/sqlite-writer-thread.ts',
  },
  dts: { entry: 'src/index.ts' },
  // import.meta.url in the CJS build (the API reference finds swagger-ui-dist through Node's resolver).
  shims: true,
});
