/**
 * What a pack needs to know of the packs it requires, and where it finds them: a small interface, so the pack
 * compiler does not depend on the registry (which loads packs) and the two do not import each other.
 */
import type { Decision, EvaluateOptions } from './types.js';

/** A loaded pack as another pack's `requires` sees it. */
export interface RequiredPack {
  /** The pack id. */
  readonly id: string;
  /** Ids of every pack it requires, directly or not. */
  requiresDeep(): Set<string>;
  /** Its whole decision (promise). */
  evaluate(facts: unknown, options: EvaluateOptions): Promise<Decision>;
  /** Its whole decision (synchronous, compiled). */
  evaluateSync(facts: unknown, options: EvaluateOptions): Decision;
}

/** Finds loaded packs by id ({@link PackRegistry} is one). */
export interface PackLookup {
  /** The pack with this id, if any. */
  get(id: string): RequiredPack | undefined;
}
