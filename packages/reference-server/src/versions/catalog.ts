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
 * On load each stored document and its bindings are hashed again (integrity.ts): a version whose document or
 * bindings do not match the hashes stored with them was edited in storage; it is refused (not served), logged, and
 * `integrityProblems` lists it (`/readyz` then fails). When it is the stored active version of its pack, no other
 * version decides in its place: the pack is `withheld` (`503 PACK_INTEGRITY`) until a version is activated.
 *
 * An uploaded version is checked, compiled and tested in the admin thread (`runner.ts`, `tasks.ts`) and taken in here
 * as its canonical text: it is compiled on this thread only when first used (activated, decided, replayed), so
 * an upload never compiles a pack on the event loop.
 */
import { PackRegistry, type Pack } from '@aftersales/core';
import type { Logger } from '../logger.js';
import type { Activation, PackVersionText, UsedPack } from '../storage/types.js';
import { activationEntry, packVersionEntry } from './entries.js';
import { integrityProblem, type IntegrityProblem } from './integrity.js';
import { KnownVersions } from './known-versions.js';
import { bindingOf, infoOf, type CheckedVersion, type PackNode, type VersionInfo, type VersionRecord } from './record.js';
import type { VersionStore } from './store.js';

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
  private readonly known: KnownVersions;
  /** `pack@version#hash` of stored documents already hashed again (each is checked once per process). */
  private readonly verified = new Set<string>();
  private readonly activeById = new Map<string, Pack>();
  private activation: Promise<unknown> = Promise.resolve();
  private readonly unloadable = new Set<string>();
  /** Stored documents or bindings that no longer match their stored hash (edited in storage): refused, and `/readyz` fails. */
  readonly integrityProblems: IntegrityProblem[] = [];
  /**
   * Packs whose stored active version was refused for integrity: no other version decides in its place (their
   * decisions answer `503 PACK_INTEGRITY`) until a version is activated again.
   */
  readonly withheld = new Set<string>();

  private constructor(
    private readonly storage: VersionStore,
    private readonly clock: () => Date,
    log: Logger,
  ) {
    this.known = new KnownVersions((record) => {
      log({ level: 'warn', msg: `stored pack ${record.id}@${record.version} no longer loads; it is not available`, pack: record.id, version: record.version });
    });
  }

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
  static async open(bundled: PackRegistry, storage: VersionStore, clock: () => Date, log: Logger = () => undefined): Promise<PackCatalog> {
    const catalog = new PackCatalog(storage, clock, log);
    const now = clock().toISOString();
    for (const pack of bundled.list()) {
      const binding = bindingOf(pack, bundled);
      catalog.known.add({ id: pack.id, version: pack.version, packHash: pack.packHash, origin: 'bundled', createdAt: now, bindings: binding, status: 'active', compiled: pack });
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
    // Heads first (no documents): only a version not taken in yet has its document read, by (pack, version).
    const heads = await this.storage.listPackVersionHeads();
    const active = await this.storage.getActiveVersions();
    let pending: PackVersionText[] = [];
    for (const head of heads) {
      const stamp = `${head.pack}@${head.version}#${head.packHash}`;
      if (this.integrityProblems.some((p) => p.pack === head.pack && p.version === head.version)) continue;
      if (this.unloadable.has(stamp) || (this.verified.has(stamp) && this.known.hasHash(head.packHash))) continue;
      const v = await this.storage.getPackVersion(head.pack, head.version);
      if (!v) continue;
      const problem = integrityProblem(v);
      if (problem) {
        this.integrityProblems.push(problem);
        log({
          level: 'error',
          msg: `stored pack ${v.pack}@${v.version}: its ${problem.part} does not match the hash stored with it (edited in storage): refused`,
          pack: v.pack,
          version: v.version,
          part: problem.part,
          storedHash: problem.storedHash,
          actualHash: problem.actualHash,
        });
        continue;
      }
      this.verified.add(`${v.pack}@${v.version}#${v.packHash}`);
      if (!this.known.hasHash(v.packHash)) pending.push(v);
    }
    // Versions are taken in after the versions they are bound to; a pass per level of `requires` settles any order.
    // A version with stored bindings is kept as its text and compiled on first use (activated, decided, replayed):
    // a restart or a refresh compiles only the active versions.
    for (let pass = 0; pass < 8 && pending.length > 0; pass++) {
      const failed: PackVersionText[] = [];
      for (const v of pending) {
        const record: VersionRecord = { id: v.pack, version: v.version, packHash: v.packHash, origin: v.origin, createdAt: v.createdAt, bindings: v.bindings ?? [], status: 'draft', documentJson: v.documentJson };
        if (v.bindings ? !v.bindings.every((b) => this.known.hasHash(b.packHash)) : !this.loadsNow(record, active)) {
          failed.push(v);
          continue;
        }
        this.known.add(record, this.known.record(v.pack, v.version) !== undefined);
      }
      if (failed.length === pending.length) break;
      pending = failed;
    }
    for (const v of pending) {
      this.unloadable.add(`${v.pack}@${v.version}#${v.packHash}`);
      log({ level: 'warn', msg: `stored pack ${v.pack}@${v.version} no longer loads; it is not available`, pack: v.pack, version: v.version });
    }
    const changed: string[] = [];
    for (const [id, version] of Object.entries(active)) {
      const pack = this.get(id, version);
      if (!pack && this.integrityProblems.some((p) => p.pack === id && p.version === version)) {
        if (!this.withheld.has(id)) log({ level: 'error', msg: `active version ${id}@${version} was refused (edited in storage): ${id} decides nothing until a version is activated`, pack: id, version });
        this.withheld.add(id);
        continue;
      }
      if (!pack) {
        log({ level: 'warn', msg: `active version ${id}@${version} is not available; keeping the current one`, pack: id, version });
        continue;
      }
      this.withheld.delete(id);
      if (this.activeById.get(id) !== pack) {
        this.setActive(id, pack);
        changed.push(id);
      }
    }
    return changed;
  }

  /** A row stored before bindings were kept is compiled at once, bound to the versions stored as active. */
  private loadsNow(record: VersionRecord, active: Record<string, string>): boolean {
    try {
      this.known.compile(record, { registry: this.legacyRegistry(active) });
      return true;
    } catch {
      return false;
    }
  }

  /** The in-memory switch of the active version: the pointer and both records' status. */
  private setActive(id: string, pack: Pack): void {
    this.withheld.delete(id);
    const previous = this.activeById.get(id);
    if (previous) {
      const record = this.known.recordOf(previous);
      if (record) record.status = 'draft';
    }
    this.activeById.set(id, pack);
    const record = this.known.recordOf(pack);
    if (record) record.status = 'active';
  }

  /** Rows stored before bindings were kept: bind to the versions stored as active (or the bundled ones). */
  private legacyRegistry(active: Record<string, string>): PackRegistry {
    const registry = new PackRegistry();
    for (const [id, bundled] of this.activeById) registry.add(this.get(id, active[id] ?? '') ?? bundled);
    return registry;
  }

  /** The active version of a pack. */
  active(id: string): Pack | undefined {
    return this.withheld.has(id) ? undefined : this.activeById.get(id);
  }

  /** Every active pack, sorted by id. */
  listActive(): Pack[] {
    return [...this.activeById.values()].filter((p) => !this.withheld.has(p.id)).sort((a, b) => a.id.localeCompare(b.id));
  }

  /** A registry of the active packs (for loading uploads that `require` them). */
  registry(): PackRegistry {
    const registry = new PackRegistry();
    for (const pack of this.activeById.values()) registry.add(pack);
    return registry;
  }

  /** Whether the catalogue knows any version of the pack. */
  knows(id: string): boolean {
    return this.known.knows(id);
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
    return this.known.uses(pack);
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
    return this.known.forRecord(packHash, used);
  }

  /** A known version of a pack (an upload is compiled here on first use). */
  get(id: string, version: string): Pack | undefined {
    return this.known.get(id, version);
  }

  /** Whether a version of a pack is known (without compiling it). */
  has(id: string, version: string): boolean {
    return this.known.record(id, version) !== undefined;
  }

  /** A known version's document (without compiling it). */
  document(id: string, version: string): unknown {
    return this.known.document(id, version);
  }

  /** A known pack by its hash (what a log record names). */
  byHash(packHash: string): Pack | undefined {
    return this.known.byHash(packHash);
  }

  /** A known version as the admin thread takes it (its document and the versions it is bound to). */
  node(id: string, version: string): PackNode | undefined {
    const record = this.known.record(id, version);
    return record ? this.known.node(record) : undefined;
  }

  /** The active version of every pack as admin-thread nodes, by id (what an upload's `requires` binds to). */
  activeNodes(): Record<string, PackNode> {
    return Object.fromEntries([...this.activeById].map(([id, pack]) => [id, this.known.node(this.known.recordOf(pack) ?? this.recordFor(pack))]));
  }

  /** A record for a compiled pack the index does not hold (a composition): its document and bindings. */
  private recordFor(pack: Pack): VersionRecord {
    return { id: pack.id, version: pack.version, packHash: pack.packHash, origin: 'bundled', createdAt: '', bindings: [], status: 'draft', compiled: pack };
  }

  /** The versions of a pack, oldest first. */
  listVersions(id: string): VersionInfo[] {
    return this.known.list(id).map(infoOf);
  }

  /**
   * Stores an uploaded version that the admin thread checked, compiled and tested, as a draft, without compiling
   * it here (it is compiled when first used).
   *
   * @returns `created`, `exists` (same document already stored) or `conflict` (same version, other document)
   * @throws StorageUnavailableError
   * @example
   * ```ts
   * const checked = await runner.upload({ body, id, version, active: catalog.activeNodes() });
   * await catalog.addChecked({ pack: id, version, ...checked });
   * ```
   */
  async addChecked(v: CheckedVersion, actor?: string): Promise<'created' | 'exists' | 'conflict'> {
    const known = this.known.record(v.pack, v.version);
    if (known) return known.packHash === v.packHash ? 'exists' : 'conflict';
    const createdAt = this.clock().toISOString();
    const entry = packVersionEntry({ pack: v.pack, version: v.version, packHash: v.packHash, origin: 'uploaded', createdAt, bindings: v.binding }, actor);
    const result = await this.storage.putPackVersion({
      pack: v.pack,
      version: v.version,
      packHash: v.packHash,
      document: undefined,
      documentJson: v.documentJson,
      origin: 'uploaded',
      createdAt,
      suite: v.suite,
      bindings: v.binding,
    }, entry);
    if (result === 'conflict' || this.known.record(v.pack, v.version)) return result;
    this.verified.add(`${v.pack}@${v.version}#${v.packHash}`);
    this.known.add({ id: v.pack, version: v.version, packHash: v.packHash, origin: 'uploaded', createdAt, bindings: v.binding, status: 'draft', documentJson: v.documentJson });
    return result;
  }

  /**
   * Makes a known version the active one: storage first, then the in-memory switch.
   *
   * @param why - the impact the admin saw, or the reason of a forced activation; stored with the activation
   * @returns the activation and the version it replaced
   * @throws StorageUnavailableError; nothing switches when storage fails
   */
  activate(
    id: string,
    version: string,
    why: Pick<Activation, 'impact' | 'forced'> & { actor?: string } = {},
  ): Promise<{ activation: Activation; previous: string | undefined; pack: Pack; action: 'activate' | 'rollback' }> {
    const run = this.activation.then(async () => {
      const pack = this.get(id, version);
      if (!pack) throw new Error(`unknown version ${id}@${version}`);
      const activation: Activation = {
        pack: id,
        version,
        activatedAt: this.clock().toISOString(),
        ...(why.impact ? { impact: why.impact } : {}),
        ...(why.forced ? { forced: why.forced } : {}),
      };
      const previous = this.activeById.get(id)?.version;
      // A rollback activates a version stored before the one it replaces (the versions are listed oldest first).
      const order = this.known.list(id).map((r) => r.version);
      const action: 'activate' | 'rollback' = previous !== undefined && order.indexOf(version) < order.indexOf(previous) ? 'rollback' : 'activate';
      await this.storage.activateVersion(activation, activationEntry(activation, pack.packHash, previous ?? null, action, why.actor));
      this.setActive(id, pack);
      return { activation, previous, pack, action };
    });
    this.activation = run.catch(() => undefined);
    return run;
  }
}

