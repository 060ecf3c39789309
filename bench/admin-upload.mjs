/**
 * Does a heavy upload stall the server? Starts the built reference server (`packages/reference-server/dist/main.js`)
 * as a child process with a fresh SQLite file, an admin token and a 64 MiB body limit, then uploads a version of
 * quality-severity's shape carrying N rules (default 100,000; about 16 MB of JSON) while sending `GET /healthz` one
 * after another (20 ms apart) until the upload is answered. Reports the upload's status and duration and the
 * `/healthz` latencies during it (count, median, p99, max). The upload is parsed, compiled and tested in the
 * server's admin worker thread; what remains on the event loop is reading the body and storing the document.
 *
 * Usage: node bench/admin-upload.mjs [--rules 100000] [--budget-ms 300000] [--main path/to/main.js]
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os, { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SERVER_MAIN, PACKS_DIR } from './lib.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const RULES = Number(option('rules', 100_000));
const MAIN = resolve(option('main', SERVER_MAIN));
const BUDGET_MS = Number(option('budget-ms', 300_000));
if (!existsSync(MAIN)) {
  console.error(`${MAIN} is not built (run pnpm build)`);
  process.exit(2);
}

const port = await new Promise((res, rej) => {
  const probe = createServer();
  probe.on('error', rej);
  probe.listen(0, '127.0.0.1', () => {
    const { port: p } = probe.address();
    probe.close(() => res(p));
  });
});
const dir = mkdtempSync(join(tmpdir(), 'aftersales-upload-'));
const logFd = openSync(join(dir, 'server.log'), 'a');
const base = `http://127.0.0.1:${port}`;
const server = spawn(process.execPath, [MAIN], {
  cwd: dir,
  env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', AFTERSALES_DB_FILE: join(dir, 'a.db'), DATABASE_URL: '', AFTERSALES_ADMIN_TOKEN: 'bench', AFTERSALES_BODY_LIMIT: String(64 << 20), AFTERSALES_ADMIN_BUDGET_MS: String(BUDGET_MS) },
  stdio: ['ignore', logFd, logFd],
});
try {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) break;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const doc = JSON.parse(readFileSync(join(PACKS_DIR, 'quality-severity', 'pack.json'), 'utf8'));
  doc.version = '9.0.0';
  const rule = doc.rules[0];
  const extra = [];
  for (let i = 0; i < RULES - doc.rules.length; i++) {
    extra.push({ name: `bench-${i}`, source: rule.source, conditions: { all: [{ fact: 'claimAmountYuan', operator: 'equal', value: 1e9 + i }] }, event: rule.event });
  }
  doc.rules = [...doc.rules, ...extra];
  const suite = JSON.parse(readFileSync(join(PACKS_DIR, 'quality-severity', 'quality-severity.test.json'), 'utf8'));
  const body = JSON.stringify({ pack: doc, suite });
  const started = performance.now();
  let done = false;
  const upload = fetch(`${base}/v1/packs/quality-severity/versions/9.0.0`, {
    method: 'PUT',
    headers: { authorization: 'Bearer bench', 'content-type': 'application/json' },
    body,
  }).then(async (res) => {
    const text = await res.text();
    done = true;
    return { status: res.status, ms: performance.now() - started, text };
  });
  const latencies = [];
  while (!done) {
    const sent = performance.now();
    const res = await fetch(`${base}/healthz`);
    await res.arrayBuffer();
    if (!done) latencies.push(performance.now() - sent);
    await new Promise((r) => setTimeout(r, 20));
  }
  const result = await upload;
  latencies.sort((a, b) => a - b);
  const at = (q) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN) * 10) / 10;
  console.log(
    JSON.stringify(
      {
        machine: { cpus: os.cpus().length, load1: os.loadavg()[0], node: process.version },
        rules: doc.rules.length,
        bodyMiB: Math.round((Buffer.byteLength(body) / 1048576) * 10) / 10,
        upload: { status: result.status, seconds: Math.round(result.ms / 100) / 10, ...(result.status >= 300 ? { body: result.text.slice(0, 300) } : {}) },
        healthzDuringUpload: { answered: latencies.length, p50ms: at(0.5), p99ms: at(0.99), maxms: at(1) },
      },
      null,
      2,
    ),
  );
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  closeSync(logFd);
  rmSync(dir, { recursive: true, force: true });
}
