/**
 * The server's catalogue of pack versions: every version it knows (bundled with the release, or uploaded by a
 * policy owner and kept in storage), which one of each pack is active, and the lookup by pack hash used by replay.
 * Activation writes storage first, then swaps the in-memory pointer in one synchronous step: a decision takes the
 * active `Pack` object when it starts and finishes on it, so decisions in flight finish on the old version and
 * every decision records exactly the version it used. Activations are serialised so memory and storage agree.
 *
 * Composition (`requires`): a version is bound, when it is stored, to the versions of the packs it requires that
 * were active then (bundled packs: the bundled ones), and its suite ran against exactly those. The binding is
 * stored with the version and restored exactly after a restart, whatever is active then. A required pack getting
 * a new active version does not re-bind its dependants: a dependant stays pinned to the versions it was tested
 * with until a new version of it is uploaded (tested and bound against the versions active then). Every decision
 * lists the packs it used (`packs`: id, version and pack hash of the pack and of each pack it requires, directly
 * or not), and replay rebuilds exactly that composition.
 *
 * On load each stored document is hashed again: a document whose hash is not the one stored with it was edited
 * in storage; it is refused (not served), logged, and `integrityProblems` lists it (`/readyz` then fails).
 */
import { hashPack, loadPack, PackRegistry, type Pack } from '@aftersales/core';
import type { Storage, StoredPackVersion, Activation, UsedPack } from './storage/types.js';
/** A version as listed by the API. */
export interface VersionInfo {
  version: string;
  packHash: string;
  origin: 'bundled' | 'uploaded';
  /** `active`, or `draft` for a version not active now. */
  status: 'active' | 'draft';
  createdAt: string;
}

/** Something that logs a JSON line. */
export type Logger = (entry: Record<string, unknown>) => void;

interface Entry {
  pack: Pack;
  origin: 'bundled' | 'uploaded';
  createdAt: string;
}

/**
 * Pack versions and the active one of each pack.
 *
 * @example
 * ```ts
 * const catalog = await PackCatalog.open(loadBundledPacks(), storage, () => new Date(), log);
 * catalog.active('quality-severity')?.version
 * ```
 */
export class PackCatalog {
  private readonly versions = new Map<string, Map<string, Entry>>();
  private readonly byHashIndex = new Map<string, Pack>();
  private readonly activeById = new Map<string, Pack>();
  /** Each loaded pack's binding (the required versions it was loaded with) and everything it uses. */
  private readonly bound = new Map<Pack, { binding: UsedPack[]; uses: UsedPack[] }>();
  /** Compositions rebuilt for replay, by the canonical list of packs a record used. */
  private readonly compositions = new Map<string, Pack>();
  private activation: Promise<unknown> = Promise.resolve();
  private readonly unloadable = new Set<string>();
  /** Stored documents that no longer match their stored hash (edited in storage): refused, and `/readyz` fails. */
  readonly integrityProblems: Array<{ pack: string; version: string; storedHash: string; actualHash: string }> = [];

  private constructor(
    private readonly storage: Storage,
    private readonly clock: () => Date,
  ) {}

  /**
   * Records the bundled packs in storage (so their documents stay available for replay), loads every stored
   * version, and restores the active version of each pack.
   *
   * @param bundled - the packs shipped with this release, all active unless storage says otherwise
   * @param storage - migrated storage
   * @param clock - the server clock
   * @param log - where warnings go
   * @throws StorageUnavailableError when storage cannot be read
   */
  static async open(bundled: PackRegistry, storage: Storage, clock: () => Date, log: Logger = () => undefined): Promise<PackCatalog> {
    const catalog = new PackCatalog(storage, clock);
    const now = clock().toISOString();
    for (const pack of bundled.list()) {
      const binding = bindingOf(pack, bundled);
      catalog.remember(pack, 'bundled', now, binding);
      catalog.activeById.set(pack.id, pack);
      const result = await storage.putPackVersion({
        pack: pack.id,
        version: pack.version,
        packHash: pack.packHash,
        document: pack.document,
        origin: 'bundled',
        createdAt: now,
        bindings: binding,
      });
      if (result === 'conflict') {
        log({
          level: 'warn',
          msg: `bundled pack ${pack.id}@${pack.version} differs from the stored document of the same version; the stored one is kept for replay`,
          pack: pack.id,
          version: pack.version,
        });
      }
    }
    await catalog.absorb(log);
    return catalog;
  }

  /**
   * Reads storage again and takes in what another replica stored: new versions (loaded with their stored
   * bindings) and the active version of each pack. Serialised with local activations, so a refresh never puts
   * back a version that a later local activation replaced.
   *
   * @param log - where warnings go
   * @returns the packs whose active version changed
   * @throws StorageUnavailableError when storage cannot be read (nothing changes then)
   * @example
   * ```ts
   * await catalog.refresh();
   * ```
   */
  refresh(log: Logger = () => undefined): Promise<string[]> {
    const run = this.activation.then(() => this.absorb(log));
    this.activation = run.catch(() => undefined);
    return run;
  }

  private async absorb(log: Logger): Promise<string[]> {
    const stored = await this.storage.listPackVersions();
    const active = await this.storage.getActiveVersions();
    let pending: StoredPackVersion[] = [];
    for (const v of stored) {
      if (this.integrityProblems.some((p) => p.pack === v.pack && p.version === v.version)) continue;
      let actual: string;
      try {
        actual = hashPack(v.document as never);
      } catch {
        actual = 'unreadable';
      }
      if (actual !== v.packHash) {
        this.integrityProblems.push({ pack: v.pack, version: v.version, storedHash: v.packHash, actualHash: actual });
        log({
          level: 'error',
          msg: `stored pack ${v.pack}@${v.version} does not match its stored hash (edited in storage): refused`,
          pack: v.pack,
          version: v.version,
          storedHash: v.packHash,
          actualHash: actual,
        });
        continue;
      }
      if (!this.byHashIndex.has(v.packHash)) pending.push(v);
    }
    // Versions load after the versions they are bound to; a pass per level of `requires` settles any order.
    for (let pass = 0; pass < 8 && pending.length > 0; pass++) {
      const failed: StoredPackVersion[] = [];
      for (const v of pending) {
        const registry = v.bindings ? this.registryOf(v.bindings) : this.legacyRegistry(active);
        if (!registry) {
          failed.push(v);
          continue;
        }
        try {
          const pack = loadPack(v.document, { registry });
          const binding = bindingOf(pack, registry);
          if (this.get(v.pack, v.version)) {
            this.byHashIndex.set(pack.packHash, pack);
            this.bind(pack, binding);
          } else this.remember(pack, v.origin, v.createdAt, binding);
        } catch {
          failed.push(v);
        }
      }
      if (failed.length === pending.length) break;
      pending = failed;
    }
    for (const v of pending) {
      if (this.unloadable.has(`${v.pack}@${v.version}`)) continue;
      this.unloadable.add(`${v.pack}@${v.version}`);
      log({ level: 'warn', msg: `stored pack ${v.pack}@${v.version} no longer loads; it is not available`, pack: v.pack, version: v.version });
    }
    const changed: string[] = [];
    for (const [id, version] of Object.entries(active)) {
      const pack = this.get(id, version);
      if (!pack) {
        log({ level: 'warn', msg: `active version ${id}@${version} is not available; keeping the current one`, pack: id, version });
        continue;
      }
      if (this.activeById.get(id) !== pack) {
        this.activeById.set(id, pack);
        changed.push(id);
      }
    }
    return changed;
  }

  /** A registry of exactly the given versions, or undefined while one of them is not loaded yet. */
  private registryOf(bindings: UsedPack[]): PackRegistry | undefined {
    const registry = new PackRegistry();
    for (const b of bindings) {
      const pack = this.byHashIndex.get(b.packHash);
      if (!pack || pack.id !== b.pack) return undefined;
      registry.add(pack);
    }
    return registry;
  }

  /** Rows stored before bindings were kept: bind to the versions stored as active (or the bundled ones). */
  private legacyRegistry(active: Record<string, string>): PackRegistry {
    const registry = new PackRegistry();
    for (const [id, bundled] of this.activeById) registry.add(this.get(id, active[id] ?? '') ?? bundled);
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
    const pack = this.byHashIndex.get(packHash);
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
        const known = this.byHashIndex.get(u.packHash);
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

  /** The active version of a pack. */
  active(id: string): Pack | undefined {
    return this.activeById.get(id);
  }

  /** Every active pack, sorted by id. */
  listActive(): Pack[] {
    return [...this.activeById.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** A registry of the active packs (for loading uploads that `require` them). */
  registry(): PackRegistry {
    const registry = new PackRegistry();
    for (const pack of this.activeById.values()) registry.add(pack);
    return registry;
  }

  /** A known version of a pack. */
  get(id: string, version: string): Pack | undefined {
    return this.versions.get(id)?.get(version)?.pack;
  }

  /** A known pack by its hash (what a log record names). */
  byHash(packHash: string): Pack | undefined {
    return this.byHashIndex.get(packHash);
  }

  /** Whether the catalogue knows any version of the pack. */
  knows(id: string): boolean {
    return this.versions.has(id);
  }

  /** The versions of a pack, oldest first. */
  listVersions(id: string): VersionInfo[] {
    const active = this.activeById.get(id);
    return [...(this.versions.get(id)?.values() ?? [])].map((e) => ({
      version: e.pack.version,
      packHash: e.pack.packHash,
      origin: e.origin,
      status: e.pack === active ? 'active' : 'draft',
      createdAt: e.createdAt,
    }));
  }

  /**
   * Stores a loaded and tested version as a draft.
   *
   * @returns `created`, `exists` (same document already stored) or `conflict` (same version, other document)
   * @throws StorageUnavailableError
   */
  async addDraft(pack: Pack, suite: unknown, registry: PackRegistry = this.registry()): Promise<'created' | 'exists' | 'conflict'> {
    const binding = bindingOf(pack, registry);
    const known = this.get(pack.id, pack.version);
    if (known) return known.packHash === pack.packHash ? 'exists' : 'conflict';
    const createdAt = this.clock().toISOString();
    const result = await this.storage.putPackVersion({
      pack: pack.id,
      version: pack.version,
      packHash: pack.packHash,
      document: pack.document,
      origin: 'uploaded',
      createdAt,
      suite,
      bindings: binding,
    });
    if (result !== 'conflict' && !this.get(pack.id, pack.version)) this.remember(pack, 'uploaded', createdAt, binding);
    return result;
  }

  /**
   * Makes a known version the active one: storage first, then the in-memory switch.
   *
   * @returns the activation and the version it replaced
   * @throws StorageUnavailableError; nothing switches when storage fails
   */
  activate(id: string, version: string): Promise<{ activation: Activation; previous: string | undefined; pack: Pack }> {
    const run = this.activation.then(async () => {
      const pack = this.get(id, version);
      if (!pack) throw new Error(`unknown version ${id}@${version}`);
      const activation: Activation = { pack: id, version, activatedAt: this.clock().toISOString() };
      const previous = this.activeById.get(id)?.version;
      await this.storage.activateVersion(activation);
      this.activeById.set(id, pack);
      return { activation, previous, pack };
    });
    this.activation = run.catch(() => undefined);
    return run;
  }

  private remember(pack: Pack, origin: 'bundled' | 'uploaded', createdAt: string, binding: UsedPack[]): void {
    let versions = this.versions.get(pack.id);
    if (!versions) this.versions.set(pack.id, (versions = new Map()));
    versions.set(pack.version, { pack, origin, createdAt });
    this.byHashIndex.set(pack.packHash, pack);
    this.bind(pack, binding);
  }

  private bind(pack: Pack, binding: UsedPack[]): void {
    const uses: UsedPack[] = [{ pack: pack.id, version: pack.version, packHash: pack.packHash }];
    for (const b of binding) {
      const dep = this.byHashIndex.get(b.packHash);
      for (const u of dep ? this.uses(dep) : [b]) if (!uses.some((x) => x.packHash === u.packHash)) uses.push(u);
    }
    this.bound.set(pack, { binding, uses });
  }
}

/** The versions of its required packs a pack was loaded against (the registry it was loaded with). */
function bindingOf(pack: Pack, registry: PackRegistry): UsedPack[] {
  return (pack.document.requires ?? []).flatMap((r) => {
    const dep = registry.get(r.pack);
    return dep ? [{ pack: dep.id, version: dep.version, packHash: dep.packHash }] : [];
  });
}

function sameUses(a: UsedPack[], b: UsedPack[]): boolean {
  return a.length === b.length && a.every((u, i) => u.packHash === b[i]?.packHash);
}
