/**
 * Writes each pack's README.md from the pack itself: the English rendering of `renderPackDocs` (built core),
 * a rule, then the Chinese rendering. `src/packs.test.ts` fails when a README drifts from its pack, so re-run this
 * after editing a pack (build core first: `pnpm --filter @aftersales/core build`).
 *
 * Usage: node packages/rules/scripts/gen-readmes.mjs [pack-id ...]   (no id: every pack folder)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPacks, renderPackDocs } from '@aftersales/core';
import { packFolders } from './gen-bundled.mjs';

const packsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'packs');

/** The README of a loaded pack: English, a rule, Chinese. Kept identical to `renderReadme` in src/readme.ts. */
export function renderReadme(pack) {
  return `${renderPackDocs(pack, 'en').trimEnd()}\n\n---\n\n${renderPackDocs(pack, 'zh').trimEnd()}\n`;
}

const all = packFolders();
const wanted = process.argv.slice(2);
for (const id of wanted) if (!all.includes(id)) throw new Error(`no pack folder "${id}" under ${packsDir}`);
// Load every pack so that packs which `require` others resolve.
const registry = loadPacks(all.map((id) => JSON.parse(readFileSync(join(packsDir, id, 'pack.json'), 'utf8'))));
for (const id of wanted.length > 0 ? wanted : all) {
  writeFileSync(join(packsDir, id, 'README.md'), renderReadme(registry.get(id)));
  console.log(`packs/${id}/README.md`);
}
