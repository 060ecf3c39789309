/**
 * `aftersales audit verify` on real exports: the built reference server, started in this process with SQLite in a
 * temp folder and a signing key, logs decisions; its `GET /v1/audit/export` is written to a file and checked by the
 * built CLI with no server. It passes on the export (with the recorded head and the public key), and fails with
 * exit 1 and the first broken seq on an edited, a reordered and a cut export (cut: against the recorded head), and
 * on a key that did not sign the head; usage errors exit 2.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, root, runCli, runInProcess } from './run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'aftersales-audit-'));
const exportFile = join(tmp, 'log.ndjson');
const keyFile = join(tmp, 'server-key.pem');
let lines: string[] = [];
let head = { seq: 0, hash: '' };
let close: () => Promise<void> = async () => {};

const write = (name: string, content: string[]): string => {
  const file = join(tmp, name);
  writeFileSync(file, `${content.join('\n')}\n`);
  return file;
};

beforeAll(async () => {
  assertBuilt();
  const { createApp, SqliteStorage } = await import(join(root, 'packages/reference-server/dist/index.js'));
  const { loadBundledPacks } = await import(join(root, 'packages/rules/dist/index.js'));
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  writeFileSync(keyFile, publicKey.export({ format: 'pem', type: 'spki' }).toString());
  const storage = new SqliteStorage({ file: join(tmp, 'aftersales.db') });
  await storage.migrate();
  const app = await createApp({ packs: loadBundledPacks(), storage, config: { signingKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() } });
  close = () => storage.close();
  for (const claimAmountYuan of [100, 20000, 60000, 90000, 5000]) {
    const res = await app.request('/v1/packs/quality-severity/decisions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ facts: { claimAmountYuan } }) });
    expect(res.status).toBe(201);
  }
  head = (await (await app.request('/v1/audit/head')).json()) as typeof head;
  const res = await app.request('/v1/audit/export');
  expect(res.headers.get('content-type')).toContain('application/x-ndjson');
  const text = await res.text();
  writeFileSync(exportFile, text);
  lines = text.trimEnd().split('\n');
  expect((await app.request('/v1/audit/export?from=0')).status).toBe(400);
  const tail = (await (await app.request('/v1/audit/export?from=4')).text()).trimEnd().split('\n');
  expect(tail.slice(0, 2)).toEqual([lines[3], lines[4]]);
  expect(JSON.parse(tail[2] as string).head).toMatchObject({ seq: 5, hash: head.hash });
});

afterAll(() => close());

describe('aftersales audit verify', () => {
  it('passes on an export, with the recorded head and the public key', async () => {
    expect(lines).toHaveLength(6);
    expect(JSON.parse(lines[5] as string)).toMatchObject({ head: { seq: 5, hash: head.hash }, signature: { algorithm: 'Ed25519' } });
    const r = await runCli(['audit', 'verify', exportFile, '--head', `${head.seq}:${head.hash}`, '--key', keyFile]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toContain(`ok: records 1-5 (5) verified; head 5:${head.hash}`);
    expect(r.stdout).toContain('signature valid');
  });

  it('fails on an edited export at the edited record', async () => {
    const edited = [...lines];
    edited[2] = (edited[2] as string).replace(/"claimAmountYuan":60000/g, '"claimAmountYuan":6000');
    expect(edited[2]).not.toBe(lines[2]);
    const r = await runCli(['audit', 'verify', write('edited.ndjson', edited)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('broken at seq 3: hash-mismatch');
  });

  it('fails on a reordered export', async () => {
    const reordered = [...lines];
    [reordered[1], reordered[2]] = [reordered[2] as string, reordered[1] as string];
    const r = await runCli(['audit', 'verify', write('reordered.ndjson', reordered)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('broken at seq 2: sequence-gap');
  });

  it('fails on a cut export against the recorded head', async () => {
    // Cut after seq 3, with a head line rebuilt to match (a tamperer without the key cannot sign it).
    const cut = [...lines.slice(0, 3)];
    const third = JSON.parse(lines[3] as string).prevHash as string;
    cut.push(JSON.stringify({ head: { at: '2026-01-01T00:00:00.000Z', hash: third, seq: 3 } }));
    const file = write('cut.ndjson', cut);
    expect((await runCli(['audit', 'verify', file])).code).toBe(0);
    const r = await runCli(['audit', 'verify', file, '--head', `${head.seq}:${head.hash}`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('broken at seq 4: truncated');
    const unsigned = await runCli(['audit', 'verify', file, '--key', keyFile]);
    expect(unsigned.code).toBe(1);
    expect(unsigned.stdout).toContain('bad-signature');
  });

  it('fails when the head was signed by another key', async () => {
    const other = generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const r = await runCli(['audit', 'verify', exportFile, '--key', write('other.pem', [other.trimEnd()])]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('broken at seq 5: bad-signature');
  });

  it('exits 2 on usage errors', async () => {
    expect((await runCli(['audit', 'verify'])).code).toBe(2);
    expect((await runInProcess(['audit', 'verify', join(tmp, 'missing.ndjson')])).code).toBe(2);
    expect((await runInProcess(['audit', 'verify', exportFile, '--head', '5:nothex'])).code).toBe(2);
    expect((await runInProcess(['audit', 'verify', exportFile, '--key', readFileSync(exportFile, 'utf8').slice(0, 10)])).code).toBe(2);
    expect((await runInProcess(['audit', 'check', exportFile])).code).toBe(2);
  });
});
