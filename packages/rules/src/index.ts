/**
 * @aftersales/rules — the after-sales policy packs as data, each with its test suite. The JSON documents are
 * imported statically (see `bundled.ts`, generated from the folders under `packs/`), so the package works in
 * bundlers and browsers without a file system. {@link loadBundledPacks} loads and validates them all into a
 * registry in which packs that `require` others resolve.
 *
 * @packageDocumentation
 */
import { loadPacks, PackRegistry } from '@aftersales/core';
import type { Pack, RulePackDocument, TestSuite } from '@aftersales/core';
import { BUNDLED } from './bundled.js';

/** The ids of every bundled pack, sorted. */
export const bundledPackIds: readonly string[] = Object.freeze(BUNDLED.map((b) => b.id));

/** Every bundled pack document by id, as authored (treat as read-only). */
export const bundledPackDocuments: Readonly<Record<string, RulePackDocument>> = Object.freeze(
  Object.fromEntries(BUNDLED.map((b) => [b.id, b.pack])),
);

/** Every bundled pack's test suite by pack id (treat as read-only). */
export const bundledSuites: Readonly<Record<string, TestSuite>> = Object.freeze(
  Object.fromEntries(BUNDLED.map((b) => [b.id, b.suite])),
);

let loaded: Pack[] | undefined;

/**
 * Loads and validates every bundled pack, in `requires` order, into a new registry. The packs are compiled once
 * and shared between the registries this returns (a {@link Pack} is immutable); each call gives a fresh
 * registry, so adding to it does not affect other callers.
 *
 * @returns a registry holding every bundled pack
 * @throws `PackValidationError` (`INVALID_PACK`) when a bundled pack is invalid — a defect of this package
 * @example
 * ```ts
 * import { loadBundledPacks } from '@aftersales/rules';
 * const registry = loadBundledPacks();
 * const decision = await registry.get('quality-severity')!.evaluate(
 *   { claimAmountYuan: 50000 },
 *   { asOf: '2026-03-01T09:00:00+08:00' },
 * );
 * decision.outcome; // { class: 'major', level: 2 }
 * ```
 */
export function loadBundledPacks(): PackRegistry {
  if (!loaded) loaded = loadPacks(BUNDLED.map((b) => b.pack)).list();
  const registry = new PackRegistry();
  for (const pack of loaded) registry.add(pack);
  return registry;
}

/**
 * The document of one bundled pack.
 *
 * @param id - the pack id, e.g. `warranty-car`
 * @returns the pack document, or `undefined` when no bundled pack has this id
 * @example
 * ```ts
 * getPackDocument('warranty-car')?.parameters?.repairPeriodKm?.value; // 60000
 * ```
 */
export function getPackDocument(id: string): RulePackDocument | undefined {
  return Object.prototype.hasOwnProperty.call(bundledPackDocuments, id) ? bundledPackDocuments[id] : undefined;
}

/**
 * The test suite of one bundled pack (its `<id>.test.json`).
 *
 * @param id - the pack id, e.g. `escalation`
 * @returns the suite, or `undefined` when no bundled pack has this id
 * @example
 * ```ts
 * import { runSuite } from '@aftersales/core';
 * const registry = loadBundledPacks();
 * const report = await runSuite(registry.get('escalation')!, getSuite('escalation')!);
 * report.failed; // 0
 * ```
 */
export function getSuite(id: string): TestSuite | undefined {
  return Object.prototype.hasOwnProperty.call(bundledSuites, id) ? bundledSuites[id] : undefined;
}
