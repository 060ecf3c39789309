/**
 * @aftersales/rules — the after-sales policy packs as data. The JSON documents are imported statically as JSON
 * modules (see `bundled.ts`, generated from the folders under `packs/`) and shipped once, in `packs/`: Node reads
 * them beside the module, bundlers inline them, so the package needs no file system of its own.
 * {@link loadBundledPacks} loads and validates them all into a registry in which packs that `require` others
 * resolve. The test suites are not loaded here: they are `@aftersales/rules/suites` (all) and
 * `@aftersales/rules/suites/<id>` (one).
 *
 * @packageDocumentation
 */
import { loadPacks, PackRegistry } from '@aftersales/core';
import type { Pack, RulePackDocument, WorkingDayCalendar } from '@aftersales/core';
import { chinaWorkingDayCalendar } from './china-calendar.js';
import { BUNDLED } from './bundled.js';
import type { BundledPackId, BundledPackTypes } from './pack-types/index.js';

// The facts, outcome and parameters of every bundled pack, generated from the packs' schemas
export type * from './pack-types/index.js';

/** The typed pack of a bundled pack id: `Pack<QualitySeverityFacts, QualitySeverityOutcome, …>`. */
export type BundledPack<K extends BundledPackId> = Pack<BundledPackTypes[K]['facts'], BundledPackTypes[K]['outcome'], BundledPackTypes[K]['parameters']>;

/**
 * A registry of the bundled packs: `get` with a bundled pack id gives that pack with its facts, outcome and
 * parameters typed (it is always present); with another id, an untyped pack or `undefined`.
 */
export interface BundledPackRegistry extends PackRegistry {
  get<K extends BundledPackId>(id: K): BundledPack<K>;
  get(id: string): Pack | undefined;
}

/** The ids of every bundled pack, sorted. */
export const bundledPackIds: readonly string[] = Object.freeze(BUNDLED.map((b) => b.id));

/** Every bundled pack document by id, as authored (treat as read-only). */
export const bundledPackDocuments: Readonly<Record<string, RulePackDocument>> = Object.freeze(
  Object.fromEntries(BUNDLED.map((b) => [b.id, b.pack])),
);

let loaded: Pack[] | undefined;

// China's working-day calendar, the bundled packs' default
export { chinaWorkingDayCalendar } from './china-calendar.js';

/**
 * Loads and validates every bundled pack, in `requires` order, into a new registry. The packs are compiled once
 * and shared between the registries this returns (a {@link Pack} is immutable); each call gives a fresh
 * registry, so adding to it does not affect other callers.
 *
 * Their working-day clocks count China's calendar ({@link chinaWorkingDayCalendar}: public holidays and make-up
 * working days), or the `calendar` given, e.g. one a host extended with the year the State Council has just
 * published (`mergeCalendars` of `@aftersales/core`); a decision may still give its own in its options.
 *
 * @param options - `calendar`: the working-day calendar (default {@link chinaWorkingDayCalendar})
 * @returns a registry holding every bundled pack; `get('quality-severity')` is typed
 *   `Pack<QualitySeverityFacts, QualitySeverityOutcome, QualitySeverityParameters>`
 * @throws `PackValidationError` (`INVALID_PACK`) when a bundled pack is invalid — a defect of this package
 * @example
 * ```ts
 * import { loadBundledPacks } from '@aftersales/rules';
 *
 * const registry = loadBundledPacks();
 * const decision = await registry.get('quality-severity').evaluate(
 *   { claimAmountYuan: 50000 },
 *   { asOf: '2026-03-01T09:00:00+08:00' },
 * );
 * decision.outcome; // { class: 'major', level: 2 }
 * ```
 */
export function loadBundledPacks(options: { calendar?: WorkingDayCalendar } = {}): BundledPackRegistry {
  const calendar = options.calendar ?? chinaWorkingDayCalendar;
  let packs: Pack[];
  if (calendar === chinaWorkingDayCalendar) packs = loaded ??= loadPacks(BUNDLED.map((b) => b.pack), { calendar }).list();
  else packs = loadPacks(BUNDLED.map((b) => b.pack), { calendar }).list();
  const registry = new PackRegistry();
  for (const pack of packs) registry.add(pack);
  return registry as BundledPackRegistry;
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
