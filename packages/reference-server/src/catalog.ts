/**
 * The server's catalogue of pack versions: every version it knows (bundled with the release, or uploaded by a
 * policy owner and kept in storage), which one of each pack is active, and the lookup by pack hash used by replay.
 * Activation writes storage first, then swaps the in-memory pointer in one synchronous step: a decision takes the
 * active `Pack` object when it starts and finishes on it, so decisions in flight finish on the old version and
 * every decision records exactly the version it used. Activations are serialised so memory and storage agree.
 *
 * A pack that `requires` another binds the required pack when it is loaded (the engine resolves `requires` at load):
 * bundled packs bind the bundled versions, uploaded packs the versions active at upload or at start-up.
 */
import { loadPack, PackRegistry, type Pack } from '@aftersales/core';
import type { Storage, StoredPackVersion, Activation } from './storage/types.js';

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
  private activation: Promise<unknown> = Promise.resolve();

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
      catalog.remember(pack, 'bundled', now);
      catalog.activeById.set(pack.id, pack);
      const result = await storage.putPackVersion({
        pack: pack.id,
        version: pack.version,
        packHash: pack.packHash,
        document: pack.document,
        origin: 'bundled',
        createdAt: now,
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
    const stored = await storage.listPackVersions();
    // Packs that require others load after them; a few passes settle any order.
    let pending = stored.filter((v) => !catalog.get(v.pack, v.version) || catalog.get(v.pack, v.version)?.packHash !== v.packHash);
    for (let pass = 0; pass < 5 && pending.length > 0; pass++) {
      const failed: StoredPackVersion[] = [];
      for (const v of pending) {
        try {
          const pack = loadPack(v.document, { registry: catalog.registry() });
          if (catalog.get(v.pack, v.version)) catalog.byHashIndex.set(pack.packHash, pack);
          else catalog.remember(pack, v.origin, v.createdAt);
        } catch {
          failed.push(v);
        }
      }
      pending = failed;
    }
    for (const v of pending) {
      log({ level: 'warn', msg: `stored pack ${v.pack}@${v.version} no longer loads; it is not available`, pack: v.pack, version: v.version });
    }
    const active = await storage.getActiveVersions();
    for (const [id, version] of Object.entries(active)) {
      const pack = catalog.get(id, version);
      if (pack) catalog.activeById.set(id, pack);
      else log({ level: 'warn', msg: `active version ${id}@${version} is not available; keeping the bundled one`, pack: id, version });
    }
    return catalog;
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
  async addDraft(pack: Pack, suite: unknown): Promise<'created' | 'exists' | 'conflict'> {
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
    });
    if (result !== 'conflict' && !this.get(pack.id, pack.version)) this.remember(pack, 'uploaded', createdAt);
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

  private remember(pack: Pack, origin: 'bundled' | 'uploaded', createdAt: string): void {
    let versions = this.versions.get(pack.id);
    if (!versions) this.versions.set(pack.id, (versions = new Map()));
    versions.set(pack.version, { pack, origin, createdAt });
    this.byHashIndex.set(pack.packHash, pack);
  }
}
