/**
 * `aftersales publish` against a real reference server: the built server package started in this process on an
 * ephemeral port with SQLite in a temp folder, the built CLI as a child process. A first version is uploaded and
 * activated (no logged decision: a clean impact); decisions are logged; a second version that moves the threshold
 * is uploaded, its impact printed, and `--activate` refuses while outcomes change, until `--allow-changes`. Also a
 * wrong token (401/403), a refused upload (409 with the server's body), an unreachable server and a missing token.
 */
import { once } from 'node:events';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, root, runCli } from './run-cli.js';

const TOKEN = 'publish-test-token';
const tmp = mkdtempSync(join(tmpdir(), 'aftersales-publish-'));
const v1 = join(tmp, 'v1');
const v2 = join(tmp, 'v2');
let server: Server;
let url = '';
let close: () => Promise<void> = async () => {};

/** The starter pack (docs/examples/starter) at `version`, its review threshold at `threshold`. */
function writePack(dir: string, version: string, threshold: number): void {
  cpSync(join(root, 'docs/examples/starter'), dir, { recursive: true });
  const file = join(dir, 'pack.json');
  const pack = JSON.parse(readFileSync(file, 'utf8'));
  pack.version = version;
  pack.parameters.reviewFromYuan.value = threshold;
  delete pack.$schema;
  writeFileSync(file, JSON.stringify(pack, null, 2));
  const suiteFile = join(dir, 'claim-review.test.json');
  const suite = JSON.parse(readFileSync(suiteFile, 'utf8'));
  // Cases that hold at either threshold: far below, far above, the override and the refusal.
  suite.cases = suite.cases.filter((c: { name: string }) => !/just below|at the threshold/.test(c.name));
  suite.cases.unshift({ name: 'a small claim is approved', facts: { claimAmountYuan: 100 }, expect: { outcome: { decision: 'approve' } } });
  suite.cases[1].facts.claimAmountYuan = 50000;
  delete suite.$schema;
  writeFileSync(suiteFile, JSON.stringify(suite, null, 2));
}

const publish = (args: string[], token: string | undefined = TOKEN) => runCli(['publish', ...args], { env: { AFTERSALES_ADMIN_TOKEN: token } });

beforeAll(async () => {
  assertBuilt();
  const { createApp, SqliteStorage } = await import(join(root, 'packages/reference-server/dist/index.js'));
  const { loadBundledPacks } = await import(join(root, 'packages/rules/dist/index.js'));
  const { getRequestListener } = createRequire(join(root, 'packages/reference-server/package.json'))('@hono/node-server');
  const storage = new SqliteStorage({ file: join(tmp, 'aftersales.db') });
  await storage.migrate();
  const app = await createApp({ packs: loadBundledPacks(), storage, config: { adminToken: TOKEN } });
  server = createServer(getRequestListener(app.fetch));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = async () => {
    server.close();
    await storage.close();
  };
  writePack(v1, '1.0.0', 10000);
  writePack(v2, '1.1.0', 20000);
});

afterAll(() => close());

describe('aftersales publish', () => {
  it('uploads a first version, prints its (empty) impact and activates it', async () => {
    const r = await publish([v1, '--server', url, '--activate']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('uploaded claim-review@1.0.0');
    expect(r.stdout).toContain('impact of claim-review@1.0.0 (active: none): 0 logged decision(s) replayed, 0 changed, 0 unchanged, 0 failed');
    expect(r.stdout).toContain('activated claim-review@1.0.0 (previous: none)');
  });

  it('prints the impact of a moved threshold and activates only when changes are accepted', async () => {
    for (const claimAmountYuan of [5000, 15000, 30000]) {
      const res = await fetch(`${url}/v1/packs/claim-review/decisions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ facts: { claimAmountYuan }, asOf: '2026-02-01T10:00:00+08:00' }),
      });
      expect(res.status).toBe(201);
    }
    const refused = await publish([v2, '--server', url, '--activate']);
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stdout).toContain('impact of claim-review@1.1.0 (active: 1.0.0): 3 logged decision(s) replayed, 1 changed, 2 unchanged, 0 failed');
    expect(refused.stdout).toMatch(/changed \S+ \(as of 2026-02-01T10:00:00\+08:00, decided by 1\.0\.0\): \{"decision":"review"\} -> \{"decision":"approve"\}/);
    expect(refused.stdout).toContain('not activated: 1 outcome(s) would change (--allow-changes to accept)');
    const active = (await (await fetch(`${url}/v1/packs/claim-review`)).json()) as { version: string };
    expect(active.version).toBe('1.0.0');

    const accepted = await publish([v2, '--server', url, '--activate', '--allow-changes', '--json']);
    expect(accepted.code, accepted.stderr).toBe(0);
    const out = JSON.parse(accepted.stdout) as { impact: { changed: number }; activation: { previous: string } };
    expect(out.impact.changed).toBe(1);
    expect(out.activation.previous).toBe('1.0.0');
    expect(((await (await fetch(`${url}/v1/packs/claim-review`)).json()) as { version: string }).version).toBe('1.1.0');
  });

  it('a wrong token exits 2 with the server’s status and body', async () => {
    const r = await publish([v1, '--server', url], 'not-the-token');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/PUT \/v1\/packs\/claim-review\/versions\/1\.0\.0: 40[13]: the server refused the admin token/);
    expect(r.stderr).toMatch(/"code": "(UNAUTHENTICATED|FORBIDDEN)"/);
  });

  it('a version the server refuses (same number, other content) exits 2 with its error body', async () => {
    writePack(join(tmp, 'v1-changed'), '1.0.0', 12345);
    const r = await publish([join(tmp, 'v1-changed'), '--server', url]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('PUT /v1/packs/claim-review/versions/1.0.0: 409');
    expect(r.stderr).toContain('"code": "VERSION_EXISTS"');
  });

  it('an unreachable server exits 3; a missing token or server is a usage error (2)', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    const unreachable = await publish([v1, '--server', `http://127.0.0.1:${port}`]);
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toContain(`cannot reach http://127.0.0.1:${port}: ECONNREFUSED`);
    const noToken = await publish([v1, '--server', url], '');
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('AFTERSALES_ADMIN_TOKEN');
    expect((await publish([v1])).code).toBe(2);
  });
});
