/**
 * The head every hand-written test pack repeats (id, version, bilingual title and description, one source, the
 * effective date, the hit policy), so a test states only the parts it is about. Tests only; not exported.
 */
import type { RulePackDocument } from './types.js';

/** Options of {@link testPackHeader}; each has the default a test usually wants. */
export interface TestPackHeaderOptions {
  hitPolicy?: RulePackDocument['hitPolicy'];
  /** The one source's id, which the rules' `source` strings cite. */
  source?: string;
  /** `effective.from`. */
  from?: string;
  /** Title in both languages (defaults to the id). */
  title?: string;
}

/** The header of a test pack: spread it into a document literal and add facts, rules, default and outcome. */
export function testPackHeader(id: string, options: TestPackHeaderOptions = {}) {
  const { hitPolicy = 'collect', source = 's', from = '2026-01-01', title = id } = options;
  return {
    id,
    version: '1.0.0',
    title: { zh: title, en: title },
    description: { zh: '测试', en: 'Test' },
    sources: [{ id: source, document: 'test', clause: '1', kind: 'practice' as const }],
    effective: { from },
    hitPolicy,
  };
}

/** What `f` throws, or `undefined` when it returns: for assertions on an error's fields. */
export function thrownBy<E = unknown>(f: () => unknown): E | undefined {
  try {
    f();
  } catch (e) {
    return e as E;
  }
  return undefined;
}
