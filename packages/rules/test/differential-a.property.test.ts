/** Differential test, part a of 2 (packs with index parity 0): see differential.shared.ts. */
import { describe } from 'vitest';
import { differentialTests } from './differential.shared.js';

describe('compiled path vs json-rules-engine (part a)', () => differentialTests(0));
