/**
 * The README of a pack as `scripts/gen-readmes.mjs` writes it: the English documentation rendered from the pack,
 * a horizontal rule, then the Chinese. The drift test compares each README.md with this.
 */
import { renderPackDocs } from '@aftersales/core';
import type { Pack } from '@aftersales/core';

/**
 * Renders the README of a pack.
 *
 * @param pack - a loaded pack
 * @returns Markdown, English then Chinese
 * @example
 * ```ts
 * renderReadme(loadBundledPacks().get('parts-stock')!).startsWith('<!-- generated'); // true
 * ```
 */
export function renderReadme(pack: Pack): string {
  return `${renderPackDocs(pack, 'en').trimEnd()}\n\n---\n\n${renderPackDocs(pack, 'zh').trimEnd()}\n`;
}
