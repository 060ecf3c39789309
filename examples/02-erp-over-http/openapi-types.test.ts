/**
 * The typed client of example 02 stays true to the server: openapi.d.ts must equal what gen-api.mjs generates now
 * from the reference server's `GET /openapi.json` (so a change of the API that is not regenerated fails here, with
 * the command that regenerates it), and index.mjs must type-check against it (`tsc -p tsconfig.json`: checkJs).
 * Needs the built server (`pnpm build`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'aftersales-openapi-types-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('example 02 typed client', () => {
  it("openapi.d.ts is what openapi-typescript generates from the server's current /openapi.json", () => {
    const fresh = join(work, 'openapi.d.ts');
    const gen = spawnSync(process.execPath, [join(here, 'gen-api.mjs'), '--out', fresh], { cwd: here, encoding: 'utf8', timeout: 120_000 });
    expect(gen.status, gen.stderr).toBe(0);
    const committed = readFileSync(join(here, 'openapi.d.ts'), 'utf8');
    expect(
      readFileSync(fresh, 'utf8') === committed,
      'examples/02-erp-over-http/openapi.d.ts differs from the server\'s current /openapi.json: regenerate it with ' +
        '`pnpm --filter @aftersales/example-02-erp-over-http gen:api` (after `pnpm build`) and commit it',
    ).toBe(true);
  });

  it('index.mjs type-checks against openapi.d.ts', () => {
    const tsc = spawnSync(process.execPath, [join(here, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(here, 'tsconfig.json')], {
      cwd: here,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });
});
