/**
 * Starts the reference server the way production runs it (`node dist/main.js` of @aftersales/reference-server,
 * what `pnpm start` runs) as a child process, on port 0 (the OS picks a free port) with a throwaway SQLite file,
 * for the examples that call it over HTTP (02, 06). The server logs JSON lines on stdout; the `listening` line
 * carries its URL.
 *
 * Usage: const server = await startReferenceServer(import.meta.url); … fetch(`${server.baseUrl}/healthz`) …
 *        await server.stop();
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * Starts the server and waits until it listens.
 *
 * @param {string} fromUrl - the calling example's `import.meta.url`: the package is resolved from the example's folder
 * @returns `baseUrl` (e.g. `http://127.0.0.1:41234`) and `stop()`, which sends SIGTERM (the server finishes the
 *   requests in flight, closes the database and exits 0), removes the data folder and resolves to the exit code
 * @throws when the server exits before listening
 * @example
 * ```js
 * const server = await startReferenceServer(import.meta.url);
 * const health = await (await fetch(`${server.baseUrl}/healthz`)).json();
 * console.log(`server stopped (exit ${await server.stop()})`);
 * ```
 */
export async function startReferenceServer(fromUrl) {
  const require = createRequire(fromUrl);
  const serverMain = join(dirname(require.resolve('@aftersales/reference-server/package.json')), 'dist', 'main.js');
  const dataDir = mkdtempSync(join(tmpdir(), 'aftersales-example-'));
  const server = spawn(process.execPath, [serverMain], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', AFTERSALES_DB_FILE: join(dataDir, 'aftersales.db'), DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const baseUrl = await new Promise((resolve, reject) => {
    server.once('exit', (code) => reject(new Error(`the server exited with ${code} before listening`)));
    createInterface({ input: server.stdout }).on('line', (line) => {
      const entry = JSON.parse(line);
      if (entry.msg === 'listening') resolve(entry.url);
    });
  });
  return {
    baseUrl,
    async stop() {
      let code = server.exitCode;
      if (code === null) {
        server.kill('SIGTERM');
        [code] = await once(server, 'exit');
      }
      rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}
