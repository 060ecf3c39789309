/**
 * The generated rule stage against the interpreted plan on random fact sets of every bundled pack: see
 * `generatedDifferentialTests` in differential.shared.ts. GENERATED_CASES sets the count per pack (2,000 by
 * default; `GENERATED_CASES=100000` for the full run).
 */
import { describe } from 'vitest';
import { generatedDifferentialTests } from './differential.shared.js';

describe('generated function vs interpreted plan', () => generatedDifferentialTests());
