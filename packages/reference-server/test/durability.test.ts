/**
 * Durability: the built server (`dist/main.js`, SQLite in a temp working directory) receives a stream of decisions
 * from several concurrent clients and is killed with SIGKILL mid-stream. After a restart on the same file, every
 * decision that had received `201` is in the log and the hash chain verifies. The second run is then stopped with
 * SIGTERM and must drain and exit cleanly.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const mainJs = join(pkgDir, 'dist', 'main.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path);
    newest = Math.max(newest, st.isDirectory() ? newestSource(path) : st.mtimeMs);
  }
  return newest;
}

/** Builds dist when it is missing or older than the sources (CI builds before testing). */
function ensureBuilt(): void {
  if (existsSync(mainJs) && statSync(mainJs).mtimeMs >= newestSource(join(pkgDir, 'src'))) return;
  const result = spawnSync('pnpm', ['exec', 'tsup'], { cwd: pkgDir, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`build failed:\n${result.stdout}\n${result.stderr}`);
}

interface Running {
  child: ChildProcess;
  base: string;
  lines: string[];
  exited: Promise<number | null>;
}

function start(cwd: string): Promise<Running> {
  const child = spawn(process.execPath, [mainJs], {
    cwd,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: '', AFTERSALES_ADMIN_TOKEN: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let buffer = '';
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        lines.push(line);
        try {
          const entry = JSON.parse(line) as { msg?: string; url?: string };
          if (entry.msg === 'listening' && entry.url) resolve({ child, base: entry.url, lines, exited });
        } catch {
          // not a JSON line: kept in `lines` for the failure message
        }
      }
    });
    void exited.then((code) => reject(new Error(`server exited (${code}) before listening:\n${lines.join('\n')}\n${stderr}`)));
  });
}

describe('durability of acknowledged decisions', () => {
  let cwd = '';
  beforeAll(() => {
    ensureBuilt();
    cwd = mkdtempSync(join(tmpdir(), 'aftersales-durability-'));
  });
  afterAll(() => {
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it('keeps every 201 across a SIGKILL mid-stream, and the chain verifies after restart', async () => {
    const first = await start(cwd);
    expect(existsSync(join(cwd, 'data', 'aftersales.db'))).toBe(true);
    const acknowledged: string[] = [];
    let killed = false;
    const KILL_AFTER = 120;
    const client = async (worker: number): Promise<void> => {
      for (let i = 0; !killed; i++) {
        try {
          const res = await fetch(`${first.base}/v1/packs/quality-severity/decisions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ facts: { claimAmountYuan: worker * 100000 + i } }),
          });
          if (res.status === 201) {
            const body = (await res.json()) as { decisionId: string };
            acknowledged.push(body.decisionId);
            if (acknowledged.length >= KILL_AFTER && !killed) {
              killed = true;
              first.child.kill('SIGKILL');
            }
          } else {
            await res.text();
          }
        } catch {
          // the server was killed under this request: it was never acknowledged
          if (killed) return;
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, w) => client(w)));
    await first.exited;
    expect(acknowledged.length).toBeGreaterThanOrEqual(KILL_AFTER);

    const second = await start(cwd);
    try {
      const verify = (await (await fetch(`${second.base}/v1/audit/verify`)).json()) as { ok: boolean; records: number };
      expect(verify.ok).toBe(true);
      expect(verify.records).toBeGreaterThanOrEqual(acknowledged.length);
      const missing: string[] = [];
      for (const id of acknowledged) {
        const res = await fetch(`${second.base}/v1/decisions/${id}`);
        if (res.status !== 200) missing.push(id);
        await res.arrayBuffer();
      }
      expect(missing).toEqual([]);
    } finally {
      second.child.kill('SIGTERM');
    }
    expect(await second.exited).toBe(0);
    const logged = second.lines.map((l) => (JSON.parse(l) as { msg?: string }).msg);
    expect(logged).toContain('draining');
    expect(logged).toContain('stopped');
  });
});
