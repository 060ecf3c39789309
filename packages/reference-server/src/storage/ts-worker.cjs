// Starts a worker thread's TypeScript entry from the sources (vitest runs the server from them; the built package
// starts the built entry instead): tsx's CommonJS hook compiles the entry and what it imports. A worker's main
// module in this "type": "module" package is loaded as ESM before any `--import` hook applies on Node 20, hence
// this CommonJS file. See writerThreadEntry in sqlite-writer.ts.
require('tsx/cjs');
require(require('node:worker_threads').workerData.entry);
