/**
 * The pack versions a server knows, each compiled at most once: bundled and stored versions are compiled when
 * loaded, an upload checked by the admin thread is kept as its canonical text and compiled on first use (against
 * exactly the versions it was bound to). Also the bindings of each compiled pack and what a decision on it uses,
 * the compositions rebuilt for the replay of old records, and the nodes sent to the admin thread. The
 * {@link PackCatalog} adds storage, activation and the sync between replicas.
 */
import { loadPack, PackRegistry, type Pack } from '@aftersales/core';
import type { PackNode } from './admin-tasks.js';
import type { UsedPack } from './storage/types.js';

/** A known version: compiled (`pack`), or not yet (`documentJson`). */
export interface VersionEntry {
  version: string;
  packHash: string;
  origin: 'bundled' | 'uploaded';
  createdAt: string;
  binding: UsedPack[];
  pack?: Pack;
  documentJson?: string;
}

type Entry = VersionEntry;

/**
 * Known pack versions, by id and version and by pack hash.
 *
 * @example
 * ```ts
 * const known = new PackVersions();
 * known.remember(pack, 'bundled', new Date().toISOString(), []);
 * known.get(pack.id, pack.version) === pack // true
 * ```
 */
export class PackVersions {
  private readonly versions = new Map<string, Map<string, Entry>>();
  private readonly byHashIndex = new Map<string, Pack>();
  /** Versions stored but not compiled yet, by hash. */
  private readonly uncompiled = new Map<string, Entry>();
  /** Each loaded pack's binding (the required versions it was loaded with) and everything it uses. */
  private readonly bound = new Map<Pack, { binding: UsedPack[]; uses: UsedPack[] }>();
  /** Compositions rebuilt for replay, by the canonical list of packs a record used. */
  private readonly compositions = new Map<string, Pack>();

  /** Whether any version of the pack is known. */
  knows(id: string): boolean {
    return this.versions.has(id);
  }

  /** The known versions of a pack, oldest first. */
  entries(id: string): Entry[] {
    return [...(this.versions.get(id)?.values() ?? [])];
  }

  /** Whether a version with this hash is known (compiled or not). */
  hasHash(packHash: string): boolean {
    return this.byHashIndex.has(packHash) || this.uncompiled.has(packHash);
  }

  /** Indexes a compiled pack by its hash (a stored document of a version already known under another hash). */
  addHash(pack: Pack, binding: UsedPack[]): void {
    this.byHashIndex.set(pack.packHash, pack);
    this.bind(pack, binding);
  }

  /** Keeps an uploaded version as its canonical text, compiled on first use. */
  rememberText(id: string, entry: Entry & { documentJson: string }): void {
    this.versionsOf(id).set(entry.version, entry);
    if (!this.byHashIndex.has(entry.packHash)) this.uncompiled.set(entry.packHash, entry);
  }

  private versionsOf(id: string): Map<string, Entry> {
    let versions = this.versions.get(id);
    if (!versions) this.versions.set(id, (versions = new Map()));
    return versions;
  }

  remember(pack: Pack, origin: 'bundled' | 'uploaded', createdAt: string, binding: UsedPack[]): void {
    this.versionsOf(pack.id).set(pack.version, { version: pack.version, packHash: pack.packHash, origin, createdAt, binding, pack });
    this.byHashIndex.set(pack.packHash, pack);
    this.bind(pack, binding);
  }

  bind(pack: Pack, binding: UsedPack[]): void {
    const uses: UsedPack[] = [{ pack: pack.id, version: pack.version, packHash: pack.packHash }];
    for (const b of binding) {
      const dep = this.byHash(b.packHash);
      for (const u of dep ? this.uses(dep) : [b]) if (!uses.some((x) => x.packHash === u.packHash)) uses.push(u);
    }
    this.bound.set(pack, { binding, uses });
  }

  /** A registry of exactly the given versions, or undefined while one of them is not loaded yet. */
  registryOf(bindings: UsedPack[]): PackRegistry | undefined {
    const registry = new PackRegistry();
    for (const b of bindings) {
      const pack = this.byHash(b.packHash);
      if (!pack || pack.id !== b.pack) return undefined;
      registry.add(pack);
    }
    return registry;
  }

  /**
   * The packs a decision on this pack uses: the pack itself, then each pack it requires (directly or not), as
   * `{ pack, version, packHash }`.
   *
   * @example
   * ```ts
   * catalog.uses(catalog.active('escalation')!)
   * ```
   */
  uses(pack: Pack): UsedPack[] {
    return this.bound.get(pack)?.uses ?? [{ pack: pack.id, version: pack.version, packHash: pack.packHash }];
  }

  /**
   * The pack a logged decision was made with: the known version with that hash when it uses exactly the listed
   * packs, otherwise that composition rebuilt from the listed versions (each must be known).
   *
   * @param packHash - the record's pack hash
   * @param used - the record's `packs` list, when it has one
   * @returns the pack, or undefined when a version it used is not available here
   */
  forRecord(packHash: string, used: UsedPack[] | undefined): Pack | undefined {
    const pack = this.byHash(packHash);
    if (!pack || !used || sameUses(this.uses(pack), used)) return pack;
    const key = JSON.stringify(used);
    const cached = this.compositions.get(key);
    if (cached) return cached;
    // Rebuild bottom-up: a pack once every pack it requires is rebuilt; stop when a pass makes no progress.
    const byHash = new Map<string, Pack>();
    let remaining = [...used];
    while (remaining.length > 0) {
      const next: UsedPack[] = [];
      for (const u of remaining) {
        const known = this.byHash(u.packHash);
        if (!known) return undefined;
        const requires = (known.document.requires ?? []).map((r) => r.pack);
        const deps = requires.map((id) => [...byHash.values()].find((p) => p.id === id));
        if (deps.some((d) => d === undefined)) {
          next.push(u);
          continue;
        }
        if (requires.length === 0) {
          byHash.set(u.packHash, known);
          continue;
        }
        const registry = new PackRegistry();
        for (const dep of deps) registry.add(dep as Pack);
        try {
          const rebuilt = loadPack(known.document, { registry });
          this.bind(rebuilt, bindingOf(rebuilt, registry));
          byHash.set(u.packHash, rebuilt);
        } catch {
          return undefined;
        }
      }
      if (next.length === remaining.length) return undefined;
      remaining = next;
    }
    const rebuilt = byHash.get(packHash);
    if (rebuilt) this.compositions.set(key, rebuilt);
    return rebuilt;
  }

  /** A known version of a pack (compiled here on first use when it was uploaded). */
  get(id: string, version: string): Pack | undefined {
    const entry = this.entry(id, version);
    return entry ? this.compiled(entry) : undefined;
  }

  /** Whether a version of a pack is known (without compiling it). */
  has(id: string, version: string): boolean {
    return this.entry(id, version) !== undefined;
  }

  /** A known version's document (without compiling it). */
  document(id: string, version: string): unknown {
    const entry = this.entry(id, version);
    if (!entry) return undefined;
    return entry.pack ? entry.pack.document : JSON.parse(entry.documentJson as string);
  }

  /** A known pack by its hash (what a log record names). */
  byHash(packHash: string): Pack | undefined {
    const pack = this.byHashIndex.get(packHash);
    if (pack) return pack;
    const entry = this.uncompiled.get(packHash);
    return entry ? this.compiled(entry) : undefined;
  }

  /**
   * A version as the admin thread takes it: its document (object or canonical text) and the versions it is
   * bound to, recursively.
   *
   * @example
   * ```ts
   * catalog.node('escalation', '1.0.0')?.deps.length
   * ```
   */
  node(id: string, version: string): PackNode | undefined {
    const entry = this.entry(id, version);
    return entry ? this.nodeOf(entry.pack ?? entry) : undefined;
  }

  /** A compiled pack or an entry as an admin-thread node (with the nodes of the versions it is bound to). */
  nodeOf(from: Pack | Entry): PackNode {
    const isPack = 'document' in from;
    const binding = isPack ? (this.bound.get(from)?.binding ?? []) : from.binding;
    const deps = binding.map((b) => {
      const dep = this.byHashIndex.get(b.packHash) ?? this.uncompiled.get(b.packHash);
      return dep ? this.nodeOf(dep) : { packHash: b.packHash, deps: [] };
    });
    return isPack ? { packHash: from.packHash, document: from.document, deps } : { packHash: from.packHash, documentJson: from.documentJson as string, deps };
  }

  entry(id: string, version: string): Entry | undefined {
    return this.versions.get(id)?.get(version);
  }

  /** The entry's pack, compiled now (against the versions it is bound to) if it was not yet. */
  compiled(entry: Entry): Pack {
    if (entry.pack) return entry.pack;
    const registry = this.registryOf(entry.binding);
    if (!registry) throw new Error(`a version bound to ${entry.packHash} is not available`);
    const pack = loadPack(JSON.parse(entry.documentJson as string), { registry });
    entry.pack = pack;
    delete entry.documentJson;
    this.uncompiled.delete(entry.packHash);
    this.byHashIndex.set(pack.packHash, pack);
    this.bind(pack, entry.binding);
    return pack;
  }
}

/** The versions of its required packs a pack was loaded against (the registry it was loaded with). */
export function bindingOf(pack: Pack, registry: PackRegistry): UsedPack[] {
  return (pack.document.requires ?? []).flatMap((r) => {
    const dep = registry.get(r.pack);
    return dep ? [{ pack: dep.id, version: dep.version, packHash: dep.packHash }] : [];
  });
}

function sameUses(a: UsedPack[], b: UsedPack[]): boolean {
  return a.length === b.length && a.every((u, i) => u.packHash === b[i]?.packHash);
}
