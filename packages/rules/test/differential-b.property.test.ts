/** Differential test, part b of 2 (packs with index parity 1): see differential.shared.ts. */
import { describe } from 'vitest';
import { differentialTests } from './differential.shared.js';

describe('compiled path vs json-rules-engine (part b)', () => differentialTests(1));
