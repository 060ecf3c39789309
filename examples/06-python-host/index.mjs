/**
 * Runs the Python host (erp_host.py, standard library only) against a reference server started for it: the
 * server as production runs it, on a free port with a throwaway SQLite file (../reference-server.mjs), then
 * `python3 erp_host.py <url>`, its stdout passed through, then SIGTERM to the server. Without python3 on the
 * PATH it exits 77, which `pnpm examples` reports as skipped, not failed.
 *
 * Usage: pnpm --filter @aftersales/example-06-python-host start
 *        (or `node examples/06-python-host/index.mjs` after `pnpm build`)
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startReferenceServer } from '../reference-server.mjs';

const python = process.env.PYTHON || 'python3';
if (spawnSync(python, ['--version']).error) {
  console.error(`${python} not found on the PATH: the Python host example needs Python 3 (set PYTHON to use another)`);
  process.exit(77);
}

const server = await startReferenceServer(import.meta.url);
try {
  const host = spawn(python, [join(dirname(fileURLToPath(import.meta.url)), 'erp_host.py'), server.baseUrl], { stdio: 'inherit' });
  const [code] = await once(host, 'exit');
  if (code !== 0) process.exitCode = 1;
} finally {
  console.log(`server stopped (exit ${await server.stop()})`);
}
