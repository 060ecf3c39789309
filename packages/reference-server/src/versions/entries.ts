/**
 * Policy changes as log entries (docs/design/log-record-v2.md): every stored upload is a `pack-version` entry and
 * every activation or rollback an `activation` entry, appended to the same hash chain as the decisions in the
 * transaction that changes the state. `actor` is what the caller said (header `Aftersales-Actor` or body field
 * `actor`): the admin token is shared, so the log records the name given, not a proven identity.
 */
import { randomUUID } from 'node:crypto';
import type { ActivationEntry, PackVersionEntry } from '@aftersales/core';
import { bindingsHash } from '../storage/rows.js';
import type { Activation, PackVersionOrigin, UsedPack } from '../storage/types.js';

/**
 * The pack-version entry of a version about to be stored.
 *
 * @param v - the version: pack, version, hash, origin, when stored and the bindings stored with it
 * @param actor - the caller-given actor, when given
 * @example
 * ```ts
 * const entry = packVersionEntry({ pack: 'quality-severity', version: '1.1.0', packHash, origin: 'uploaded', createdAt, bindings: [] }, 'li.wei');
 * ```
 */
export function packVersionEntry(
  v: { pack: string; version: string; packHash: string; origin: PackVersionOrigin; createdAt: string; bindings?: UsedPack[] },
  actor?: string,
): PackVersionEntry {
  return {
    format: 2, kind: 'pack-version', id: randomUUID(), recordedAt: v.createdAt,
    pack: v.pack, version: v.version, packHash: v.packHash, origin: v.origin,
    ...(v.bindings ? { bindingsHash: bindingsHash(v.bindings) } : {}),
    ...(actor !== undefined ? { actor } : {}),
  };
}

/**
 * The activation entry of an activation about to be stored.
 *
 * @param a - the activation (pack, version, when, the impact seen or the forced reason)
 * @param packHash - the activated version's hash
 * @param previousVersion - the version it replaces (null when none was active)
 * @param action - `rollback` when the version was stored before the one it replaces, else `activate`
 * @param actor - the caller-given actor, when given
 * @example
 * ```ts
 * const entry = activationEntry(activation, packHash, '1.0.0', 'activate', 'li.wei');
 * ```
 */
export function activationEntry(a: Activation, packHash: string, previousVersion: string | null, action: 'activate' | 'rollback', actor?: string): ActivationEntry {
  return {
    format: 2, kind: 'activation', id: randomUUID(), recordedAt: a.activatedAt,
    pack: a.pack, version: a.version, packHash, previousVersion, action,
    ...(a.impact ? { impact: a.impact } : {}),
    ...(a.forced ? { forced: a.forced } : {}),
    ...(actor !== undefined ? { actor } : {}),
  };
}
