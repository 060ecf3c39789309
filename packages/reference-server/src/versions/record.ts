/**
 * The one shape of a pack version in the server, from upload to activation: {@link VersionRecord} (document,
 * pack hash, bindings, compiled plan, status), with the two forms it travels in — {@link PackNode}, what the admin
 * worker thread is sent, and {@link CheckedVersion}, what the thread hands back once an upload passed — and the
 * binding of a compiled pack to the versions it requires. Types and pure functions only: every module of the
 * lifecycle (catalog, known versions, worker tasks, runner) imports this one and none imports another's types.
 */
import type { Pack, PackRegistry } from '@aftersales/core';
import type { PackVersionOrigin, UsedPack } from '../storage/types.js';

/** A version's place in its lifecycle: the active version of its pack, or stored and not active (`draft`). */
export type VersionStatus = 'active' | 'draft';

/**
 * One pack version as the server keeps it. The document is held once: as canonical JSON text while the version
 * is not compiled (an upload the admin thread checked, a version another replica stored), as `compiled.document`
 * once it is.
 */
export interface VersionRecord {
  /** The pack id. */
  id: string;
  version: string;
  /** `sha256:` + hex of the canonical document. */
  packHash: string;
  origin: PackVersionOrigin;
  createdAt: string;
  /** The versions of its required packs it was tested with and is compiled against (empty without `requires`). */
  bindings: UsedPack[];
  status: VersionStatus;
  /** Canonical JSON of the document, until the version is compiled. */
  documentJson?: string;
  /** The compiled plan, once compiled (the only form decisions use). */
  compiled?: Pack;
}

/** A version as listed by the API (a record without its document and plan). */
export interface VersionInfo {
  version: string;
  packHash: string;
  origin: PackVersionOrigin;
  /** `active`, or `draft` for a version not active now. */
  status: VersionStatus;
  createdAt: string;
}

/**
 * A pack version as sent to the admin thread: its hash, its document (as an object, as JSON text, or omitted when
 * the thread already holds the document with that hash) and the versions it was bound to (its `requires`).
 */
export interface PackNode {
  packHash: string;
  document?: unknown;
  documentJson?: string;
  deps: PackNode[];
}

/** An uploaded version the admin thread checked, compiled and tested: what is stored. */
export interface CheckedVersion {
  pack: string;
  version: string;
  packHash: string;
  /** Canonical JSON of the validated document. */
  documentJson: string;
  suite: unknown;
  /** The versions of its required packs it was tested with. */
  binding: UsedPack[];
}

/**
 * The versions of its required packs a pack was compiled against (found in the registry it was loaded with).
 *
 * @example
 * ```ts
 * bindingOf(escalation, registry) // [{ pack: 'quality-severity', version: '1.0.0', packHash: 'sha256:…' }]
 * ```
 */
export function bindingOf(pack: Pack, registry: PackRegistry): UsedPack[] {
  return (pack.document.requires ?? []).flatMap((r) => {
    const dep = registry.get(r.pack);
    return dep ? [{ pack: dep.id, version: dep.version, packHash: dep.packHash }] : [];
  });
}

/**
 * A record as the API lists it.
 *
 * @example
 * ```ts
 * infoOf(record).status // 'draft'
 * ```
 */
export function infoOf(record: VersionRecord): VersionInfo {
  return { version: record.version, packHash: record.packHash, origin: record.origin, status: record.status, createdAt: record.createdAt };
}
