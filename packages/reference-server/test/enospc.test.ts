/**
 * A disk that is really full (issue 8): the built server (`dist/main.js`) runs in a private mount namespace
 * (`unshare -rm`, no privileges needed where user namespaces are allowed) with its SQLite file on an 8 MiB tmpfs.
 * While 20 clients keep sending decisions, the rest of the tmpfs is filled with a file, so SQLite's writes get
 * ENOSPC from the kernel; then the file is removed. Checked: refused requests are `503 STORAGE_UNAVAILABLE`, and
 * `/readyz` is `503 STORAGE_NOT_WRITABLE` while the disk is full and `200` once space is back;
 * decisions are acknowledged again once space is back, in the same process (no restart); the log holds exactly
 * the acknowledged decisions and the chain verifies; SIGTERM then drains and exits 0. Skipped, with a message,
 * where `unshare` or tmpfs mounts are not available.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eachLine, ensureBuilt, mainJs, SERVER_ENV } from './built-server.js';

function namespacesWork(): boolean {
  if (process.platform !== 'linux') return false;
  const probe = mkdtempSync(join(tmpdir(), 'aftersales-ns-probe-'));
  try {
    const r = spawnSync('unshare', ['-rm', 'sh', '-c', `mount -t tmpfs -o size=1m tmpfs "${probe}"`], { encoding: 'utf8', timeout: 10_000 });
    return r.status === 0;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

const canMount = namespacesWork();
if (!canMount) console.warn('\n[reference-server] unshare/tmpfs not available: the real disk-full (ENOSPC) test is SKIPPED.\n');

/** The shell inside the namespace: mounts the tmpfs, starts the server, then obeys fill / free / stop. */
const SCRIPT = `
set -u
mount -t tmpfs -o size=8m tmpfs "$DATA" || exit 90
AFTERSALES_DB_FILE="$DATA/aftersales.db" "$NODE" "$MAIN" &
SERVER=$!
while read -r cmd; do
  case "$cmd" in
    fill) dd if=/dev/zero of="$DATA/filler" bs=64k 2>/dev/null; echo "ctl:filled";;
    free) rm -f "$DATA/filler"; echo "ctl:freed";;
    stop) kill -TERM "$SERVER"; wait "$SERVER"; echo "ctl:stopped $?"; exit 0;;
  esac
done
`;

interface Ns {
  child: ChildProcess;
  base: string;
  control: (cmd: string) => Promise<string>;
}

function startInNamespace(dir: string): Promise<Ns> {
  const data = join(dir, 'data');
  mkdirSync(data, { recursive: true });
  const child = spawn('unshare', ['-rm', 'sh', '-c', SCRIPT], {
    cwd: dir,
    env: { ...process.env, ...SERVER_ENV, DATA: data, NODE: process.execPath, MAIN: mainJs },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const waiting: Array<{ prefix: string; resolve: (line: string) => void }> = [];
  const lines = eachLine(child.stdout, (line) => {
    const i = waiting.findIndex((w) => line.startsWith(w.prefix) || line.includes(w.prefix));
    if (i >= 0) waiting.splice(i, 1)[0]?.resolve(line);
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const next = (prefix: string): Promise<string> =>
    new Promise((resolve, reject) => {
      waiting.push({ prefix, resolve });
      child.once('exit', (code) => reject(new Error(`namespace shell exited (${code}):\n${lines.slice(-20).join('\n')}\n${stderr}`)));
    });
  return next('"msg":"listening"').then((line) => ({
    child,
    base: (JSON.parse(line) as { url: string }).url,
    control: (cmd: string) => {
      const reply = next(`ctl:${cmd === 'fill' ? 'filled' : cmd === 'free' ? 'freed' : 'stopped'}`);
      child.stdin?.write(`${cmd}\n`);
      return reply;
    },
  }));
}

describe.skipIf(!canMount)('a really full disk (ENOSPC on tmpfs)', () => {
  let dir = '';
  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'aftersales-enospc-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 while the disk is full, acknowledges nothing unstored, and recovers without a restart', async () => {
    const ns = await startInNamespace(dir);
    const acknowledged: string[] = [];
    let refused = 0;
    const other: string[] = [];
    let running = true;
    const clients = Array.from({ length: 20 }, async (_, c) => {
      for (let i = 0; running; i++) {
        const res = await fetch(`${ns.base}/v1/packs/quality-severity/decisions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ facts: { claimAmountYuan: c * 1000 + i, companyLossYuan: i } }),
        });
        const body = (await res.json()) as { decisionId?: string; error?: { code: string } };
        if (res.status === 201 && body.decisionId) acknowledged.push(body.decisionId);
        else if (res.status === 503 && body.error?.code === 'STORAGE_UNAVAILABLE') refused += 1;
        else other.push(`${res.status} ${JSON.stringify(body).slice(0, 200)}`);
        if (res.status === 503) await new Promise((r) => setTimeout(r, 5));
      }
    });
    const waitFor = async (cond: () => boolean, what: string): Promise<void> => {
      // gives up after 90 s (a bound for a stuck run, not a timing assertion)
      const giveUp = Date.now() + 90_000;
      while (!cond() && Date.now() < giveUp) await new Promise((r) => setTimeout(r, 20));
      expect(cond(), what).toBe(true);
    };
    try {
      await waitFor(() => acknowledged.length >= 50, 'decisions acknowledged before the fault');
      await ns.control('fill');
      await waitFor(() => refused >= 20, 'requests refused while the disk is full');
      const full = await fetch(`${ns.base}/readyz`);
      const fullBody = (await full.json()) as { error?: { code: string; message: { en: string } } };
      expect(full.status).toBe(503);
      expect(fullBody.error?.code).toBe('STORAGE_NOT_WRITABLE');
      expect(fullBody.error?.message.en).toMatch(/ENOSPC|SQLITE_FULL|disk I\/O/);
      const beforeFree = acknowledged.length;
      await ns.control('free');
      await waitFor(() => acknowledged.length >= beforeFree + 50, 'decisions acknowledged again after space is back');
      const ready = await fetch(`${ns.base}/readyz`);
      await ready.arrayBuffer();
      expect(ready.status).toBe(200);
    } finally {
      running = false;
      await Promise.all(clients);
    }
    expect(other).toEqual([]);
    const verify = (await (await fetch(`${ns.base}/v1/audit/verify`)).json()) as { ok: boolean; records: number };
    expect(verify.ok).toBe(true);
    expect(verify.records).toBe(acknowledged.length);
    const missing: string[] = [];
    for (const id of acknowledged) {
      const res = await fetch(`${ns.base}/v1/decisions/${id}`);
      await res.arrayBuffer();
      if (res.status !== 200) missing.push(id);
    }
    expect(missing).toEqual([]);
    expect(await ns.control('stop')).toBe('ctl:stopped 0');
  });
});
