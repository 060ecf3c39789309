/**
 * The one storage interface of the pack-version lifecycle: what the catalogue reads and writes (versions with
 * their documents and bindings, activations, the watch for another replica's changes). Both storages implement it
 * as part of {@link Storage}; nothing else in the lifecycle touches storage.
 */
import type { Storage } from '../storage/types.js';

/**
 * The version lifecycle's view of storage.
 *
 * @example
 * ```ts
 * const store: VersionStore = new SqliteStorage({ file: ':memory:' });
 * await store.listPackVersionHeads();
 * ```
 */
export type VersionStore = Pick<Storage, 'putPackVersion' | 'listPackVersionHeads' | 'getPackVersion' | 'getActiveVersions' | 'activateVersion' | 'watchChanges'>;
