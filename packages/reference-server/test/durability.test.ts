/**
 * Durability: the built server (`dist/main.js`, SQLite in a temp working directory) receives a stream of decisions
 * from several concurrent clients and is killed with SIGKILL mid-stream. After a restart on the same file, every
 * decision that had received `201` is in the log and the hash chain verifies. The second run is then stopped with
 * SIGTERM and must drain and exit cleanly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eachLine, ensureBuilt, mainJs, SERVER_ENV } from './built-server.js';

interface Running {
  child: ChildProcess;
  base: string;
  lines: string[];
  exited: Promise<number | null>;
}

function start(cwd: string): Promise<Running> {
  const child = spawn(process.execPath, [mainJs], { cwd, env: { ...process.env, ...SERVER_ENV }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const lines = eachLine(child.stdout, (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === 'listening' && entry.url) resolve({ child, base: entry.url, lines, exited });
      } catch {
        // not a JSON line: kept in `lines` for the failure message
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
