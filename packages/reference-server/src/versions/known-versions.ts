/**
 * The pack versions a server knows, as {@link VersionRecord}s, each compiled at most once and in one place
 * ({@link KnownVersions.compile}, on this thread; the admin thread compiles its own copies with the same
 * `loadPack` call in tasks.ts): bundled and stored versions when they are taken in, an upload checked by the admin
 * thread on first use (against exactly the versions it was bound to). Also what a decision on each compiled pack
 * uses, the compositions rebuilt for the replay of old records, and the nodes sent to the admin thread. The
 * {@link PackCatalog} adds storage, activation and the sync between replicas.
 */
import { loadPack, PackRegistry, type Pack } from '@aftersales/core';
import type { UsedPack } from '../storage/types.js';
import { bindingOf, type PackNode, type VersionRecord } from './record.js';

/**
 * Known pack versions, by id and version and by pack hash.
 *
 * @example
 * ```ts
 * const known = new KnownVersions();
 * known.add({ id: pack.id, version: pack.version, packHash: pack.packHash, origin: 'bundled', createdAt, bindings: [], status: 'active', compiled: pack });
 * known.get(pack.id, pack.version) === pack // true
 * ```
 */
export class KnownVersions {
  private readonly records = new Map<string, Map<string, VersionRecord>>();
  /** Every record by hash, including a stored document of a version already known under another hash. */
  private readonly byHashIndex = new Map<string, VersionRecord>();
  /** Each compiled pack's binding and everything a decision on it uses. */
  private readonly bound = new WeakMap<Pack, { bindings: UsedPack[]; uses: UsedPack[] }>();
  /** Compositions rebuilt for replay, by the canonical list of packs a record used. */
  private readonly compositions = new Map<string, Pack>();
  /** Records whose document no longer loads (found on first use). */
  private readonly broken = new WeakSet<VersionRecord>();

  /** @param onBroken - told once about each stored version that no longer loads when it is first used */
  constructor(private readonly onBroken: (record: VersionRecord, error: unknown) => void = () => undefined) {}

  /** Whether any version of the pack is known. */
  knows(id: string): boolean {
    return this.records.has(id);
  }

  /** The known versions of a pack, oldest first. */
  list(id: string): VersionRecord[] {
    return [...(this.records.get(id)?.values() ?? [])];
  }

  /** The record of a version (without compiling it). */
  record(id: string, version: string): VersionRecord | undefined {
    return this.records.get(id)?.get(version);
  }

  /** Whether a version with this hash is known (compiled or not). */
  hasHash(packHash: string): boolean {
    return this.byHashIndex.has(packHash);
  }

  /**
   * Takes in a record: listed under its id and version unless `hashOnly` (a stored document of a version known
   * under another hash, kept for the replay of records that name its hash).
   */
  add(record: VersionRecord, hashOnly = false): void {
    if (!hashOnly) {
      let versions = this.records.get(record.id);
      if (!versions) this.records.set(record.id, (versions = new Map()));
      versions.set(record.version, record);
    }
    if (!this.byHashIndex.get(record.packHash)?.compiled) this.byHashIndex.set(record.packHash, record);
    if (record.compiled) this.bind(record.compiled, record.bindings);
  }

  /**
   * The record's compiled plan: compiled now, if it was not yet, against the versions it is bound to (or the
   * registry given: a row stored before bindings were kept is bound to what that registry holds). The one place
   * this thread compiles a version.
   *
   * @param from - the document when the record does not hold it (read from storage), and the registry to use
   * @throws PackValidationError when the document no longer loads; Error when a version it is bound to is unknown
   */
  compile(record: VersionRecord, from: { document?: unknown; registry?: PackRegistry } = {}): Pack {
    if (record.compiled) return record.compiled;
    const registry = from.registry ?? this.registryOf(record.bindings);
    if (!registry) throw new Error(`a version bound to ${record.packHash} is not available`);
    // The record's hash was checked against this very document (the admin thread hashed the upload; a stored
    // text was hashed on reading): the load does not hash it again.
    const pack = loadPack(from.document ?? JSON.parse(record.documentJson as string), { registry, knownHash: record.packHash });
    record.compiled = pack;
    record.bindings = bindingOf(pack, registry);
    delete record.documentJson;
    this.bind(pack, record.bindings);
    return pack;
  }

  private bind(pack: Pack, bindings: UsedPack[]): void {
    const uses: UsedPack[] = [{ pack: pack.id, version: pack.version, packHash: pack.packHash }];
    for (const b of bindings) {
      const dep = this.byHash(b.packHash);
      for (const u of dep ? this.uses(dep) : [b]) if (!uses.some((x) => x.packHash === u.packHash)) uses.push(u);
    }
    this.bound.set(pack, { bindings, uses });
  }

  /** A registry of exactly the given versions (compiled here if needed), or undefined while one is unknown. */
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
   * known.uses(known.get('escalation', '1.0.0')!)
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
          const rebuilt = loadPack(known.document, { registry, knownHash: known.packHash });
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

  /** A known version of a pack (compiled here on first use when it was uploaded or read from storage). */
  get(id: string, version: string): Pack | undefined {
    const record = this.record(id, version);
    return record ? this.compiled(record) : undefined;
  }

  /**
   * The record compiled, or undefined when its document no longer loads (reported once through `onBroken`, then
   * treated as unavailable).
   */
  private compiled(record: VersionRecord): Pack | undefined {
    if (this.broken.has(record)) return undefined;
    try {
      return this.compile(record);
    } catch (error) {
      this.broken.add(record);
      this.onBroken(record, error);
      return undefined;
    }
  }

  /** A known version's document (without compiling it). */
  document(id: string, version: string): unknown {
    const record = this.record(id, version);
    if (!record) return undefined;
    return record.compiled ? record.compiled.document : JSON.parse(record.documentJson as string);
  }

  /** A known pack by its hash (what a log record names), compiled on first use. */
  byHash(packHash: string): Pack | undefined {
    const record = this.byHashIndex.get(packHash);
    return record ? this.compiled(record) : undefined;
  }

  /**
   * A record as the admin thread takes it: its document (object or canonical text) and the versions it is bound
   * to, recursively.
   *
   * @example
   * ```ts
   * known.node(known.record('escalation', '1.0.0')!).deps.length
   * ```
   */
  node(record: VersionRecord): PackNode {
    const deps = record.bindings.map((b) => {
      const dep = this.byHashIndex.get(b.packHash);
      return dep ? this.node(dep) : { packHash: b.packHash, deps: [] };
    });
    return record.compiled
      ? { packHash: record.packHash, document: record.compiled.document, deps }
      : { packHash: record.packHash, documentJson: record.documentJson as string, deps };
  }

  /** The record of a compiled pack (the one it was compiled from). */
  recordOf(pack: Pack): VersionRecord | undefined {
    const record = this.byHashIndex.get(pack.packHash);
    return record?.compiled === pack ? record : undefined;
  }
}

function sameUses(a: UsedPack[], b: UsedPack[]): boolean {
  return a.length === b.length && a.every((u, i) => u.packHash === b[i]?.packHash);
}
