/**
 * The integrity check of a stored pack version, run when it is loaded: its document is hashed again and compared
 * with the pack hash stored with it, and its bindings (the versions of the packs it requires that it was tested
 * against) are hashed again and compared with the bindings hash stored with them. Either mismatch means the row
 * was edited in storage: the version is refused, never served, and `/readyz` answers `503 PACK_INTEGRITY`.
 */
import { createHash } from 'node:crypto';
import { hashPack } from '@aftersales/core';
import { bindingsHash } from '../storage/rows.js';
import type { PackVersionText, StoredPackVersion } from '../storage/types.js';

/** A stored version whose document or bindings no longer match the hash stored with them. */
export interface IntegrityProblem {
  pack: string;
  version: string;
  /** What no longer matches. */
  part: 'document' | 'bindings';
  /** The hash stored with it (`none` when missing). */
  storedHash: string;
  /** The hash of what was read (`none` when absent, `unreadable` when it cannot be hashed). */
  actualHash: string;
}

/**
 * Checks a stored version's document and bindings against their stored hashes.
 *
 * Bindings and their hash go together: bindings without a hash, or a hash without bindings, are a mismatch too
 * (every row stored since migration 5 has both or neither, and the migration hashed the rows stored before).
 *
 * A document read as its stored text is checked by one native SHA-256 of the text, which is the document's
 * canonical JSON when this server stored it (no parse; about 0.1 s for 100,000 rules where parsing and hashing
 * as core does takes over a second); text stored in another form is parsed and hashed as core does.
 *
 * @param v - the version as read from storage (its document parsed, or as its stored text)
 * @returns the first mismatch, or undefined when both match
 * @example
 * ```ts
 * const problem = integrityProblem(stored); // { part: 'bindings', … } after an edit of bindings_json
 * ```
 */
export function integrityProblem(v: StoredPackVersion | PackVersionText): IntegrityProblem | undefined {
  const text = 'documentJson' in v && typeof v.documentJson === 'string' ? v.documentJson : undefined;
  let document: string;
  if (text !== undefined && `sha256:${createHash('sha256').update(text).digest('hex')}` === v.packHash) document = v.packHash;
  else {
    try {
      document = hashPack((text !== undefined ? JSON.parse(text) : (v as StoredPackVersion).document) as never);
    } catch {
      document = 'unreadable';
    }
  }
  if (document !== v.packHash) return { pack: v.pack, version: v.version, part: 'document', storedHash: v.packHash, actualHash: document };
  if (v.bindings === undefined && v.bindingsHash === undefined) return undefined;
  let bindings: string;
  try {
    bindings = v.bindings === undefined ? 'none' : bindingsHash(v.bindings);
  } catch {
    bindings = 'unreadable';
  }
  if (bindings !== v.bindingsHash) return { pack: v.pack, version: v.version, part: 'bindings', storedHash: v.bindingsHash ?? 'none', actualHash: bindings };
  return undefined;
}
