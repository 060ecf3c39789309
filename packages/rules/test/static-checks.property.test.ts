/**
 * The static checks at load against every bundled pack: each pack loads with no static problem, and each of its
 * own conditions, mutated the way an author slips, is caught — every string compared with `equal` on an enum fact,
 * with two adjacent letters swapped, is refused as an unknown enum value suggesting the original; every number
 * compared with lessThan…greaterThanInclusive on a numeric fact, written as a string, is refused as a type
 * mismatch; every literal event param set to a value of another type is refused where the outcome schema types it.
 * The conditions are read from each pack's plan (its leaves and their pointers), so a new pack folder is covered.
 */
import { validatePack, type Pack, type Problem, type RulePackDocument } from '@aftersales/core';
import { describe, expect, it } from 'vitest';
import { bundledPackDocuments, bundledPackIds, loadBundledPacks } from '../src/index.js';

const registry = loadBundledPacks();
const STATIC_CODES = new Set(['TYPE_MISMATCH', 'UNKNOWN_ENUM_VALUE', 'UNREACHABLE_CONDITION', 'INVALID_OUTCOME']);
type Json = Record<string, any>;

const copy = (id: string): Json => JSON.parse(JSON.stringify(bundledPackDocuments[id])) as Json;
function at(doc: Json, pointer: string): Json {
  return pointer.slice(1).split('/').reduce<Json>((node, token) => node[token.replace(/~1/g, '/').replace(/~0/g, '~')] as Json, doc);
}
const problemsOf = (doc: Json): Problem[] => validatePack(doc as unknown as RulePackDocument, { registry });

/** A typo of a word: its two middle letters swapped (or a letter dropped when they are the same). */
function typo(word: string): string {
  const i = Math.floor(word.length / 2);
  return word[i - 1] !== word[i] ? word.slice(0, i - 1) + word[i] + word[i - 1] + word.slice(i + 1) : word.slice(0, i) + word.slice(i + 1);
}

describe.each(bundledPackIds.map((id) => [id]))('%s', (id) => {
  const pack = registry.get(id) as Pack;
  const properties = (pack.document.facts.properties ?? {}) as Record<string, Json>;
  const leaves = [...pack.plan.rules.flatMap((r) => r.conditions.leaves), ...[...pack.plan.sharedConditions.values()].flatMap((t) => t.leaves)];
  const unique = [...new Map(leaves.map((l) => [l.pointer, l])).values()];

  it('loads with no static-check problem', () => {
    expect(problemsOf(copy(id)).filter((p) => STATIC_CODES.has(p.code))).toEqual([]);
  });

  it('refuses every enum value it compares with equal, misspelt, and suggests the value as written', () => {
    const enumLeaves = unique.filter((l) => l.operator === 'equal' && l.segments.length === 0 && typeof l.condition.value === 'string' && Array.isArray(properties[l.fact]?.enum));
    for (const leaf of enumLeaves) {
      const written = leaf.condition.value as string;
      const misspelt = typo(written);
      if ((properties[leaf.fact]!.enum as unknown[]).includes(misspelt)) continue;
      const doc = copy(id);
      at(doc, leaf.pointer).value = misspelt;
      expect(problemsOf(doc), `${leaf.pointer}: ${misspelt}`).toContainEqual(
        expect.objectContaining({ path: `${leaf.pointer}/value`, code: 'UNKNOWN_ENUM_VALUE', found: misspelt, suggestion: written }),
      );
    }
  });

  it('refuses every numeric threshold it compares, written as a string', () => {
    const numeric = unique.filter((l) => /^(less|greater)Than/.test(l.operator) && typeof l.condition.value === 'number' && ['integer', 'number'].includes(properties[l.fact]?.type));
    for (const leaf of numeric) {
      const doc = copy(id);
      at(doc, leaf.pointer).value = String(leaf.condition.value);
      expect(problemsOf(doc), leaf.pointer).toContainEqual(expect.objectContaining({ path: `${leaf.pointer}/value`, code: 'TYPE_MISMATCH' }));
    }
  });

  it('refuses every literal event param of another type than the outcome schema gives it', () => {
    const outcome = (pack.document.outcome.properties ?? {}) as Record<string, Json>;
    pack.document.rules.forEach((rule, i) => {
      for (const [key, value] of Object.entries(rule.event.params ?? {})) {
        const type = outcome[key]?.type;
        if (typeof type !== 'string' || !['string', 'integer', 'number', 'boolean'].includes(type) || typeof value === 'object') continue;
        const doc = copy(id);
        doc.rules[i].event.params[key] = type === 'string' ? 3 : 'x';
        expect(problemsOf(doc), `/rules/${i}/event/params/${key}`).toContainEqual(expect.objectContaining({ path: `/rules/${i}/event/params/${key}`, code: 'INVALID_OUTCOME' }));
      }
    });
  });
});
