/**
 * Enum labels (`x-labels` beside an `enum` in a pack's fact schema) in the README, in condition text and in
 * explanations, in both languages; refused when they label a value the enum does not have or have the wrong shape.
 * Hit policies, source kinds and decorated operators in words.
 */
import { describe, expect, it } from 'vitest';
import severityFixture from '../test/fixtures/severity.pack.json';
import { renderPackDocs, formatCondition } from './docs.js';
import { enumLabel, hitPolicyName, operatorText, sourceKindName } from './enum-labels.js';
import { loadPack, validatePack } from './pack.js';

type Json = Record<string, any>;
/** The severity fixture with an enum fact `channel` labelled in both languages and a rule on it. */
function labelled(): Json {
  const doc = JSON.parse(JSON.stringify(severityFixture)) as Json;
  doc.facts.properties.channel = {
    enum: ['store', 'online'],
    default: 'store',
    'x-labels': { zh: { store: '门店', online: '线上' }, en: { store: 'in store', online: 'online' } },
  };
  doc.rules[0].conditions = { all: [doc.rules[0].conditions, { fact: 'channel', operator: 'in', value: ['online'] }] };
  return doc;
}

describe('x-labels', () => {
  it('is a valid part of a fact schema, and a label of a value the enum lacks is refused', () => {
    expect(validatePack(labelled())).toEqual([]);
    const extra = labelled();
    extra.facts.properties.channel['x-labels'].zh.phone = '电话';
    expect(validatePack(extra)).toEqual([
      expect.objectContaining({ path: '/facts/properties/channel/x-labels/zh/phone', code: 'UNKNOWN_ENUM_LABEL', found: 'phone', expected: ['store', 'online'] }),
    ]);
    const shape = labelled();
    shape.facts.properties.channel['x-labels'] = { fr: { store: 'magasin' } };
    expect(validatePack(shape).map((p) => p.path)).toContain('/facts/properties/channel/x-labels/fr');
  });

  it('gives the label of a value in each language, and nothing for a value without one', () => {
    const doc = loadPack(labelled()).document;
    expect(enumLabel(doc, 'channel', undefined, 'online', 'zh')).toBe('线上');
    expect(enumLabel(doc, 'channel', undefined, 'store', 'en')).toBe('in store');
    expect(enumLabel(doc, 'casualties', undefined, 1, 'zh')).toBeUndefined();
  });

  it('shows labels in condition text and in the README facts table, in Chinese', () => {
    const pack = loadPack(labelled());
    const text = formatCondition(pack.document.rules[0]!.conditions, pack.document, 'zh');
    expect(text).toContain('channel 属于 [线上（online）]');
    const readme = renderPackDocs(pack, 'zh');
    expect(readme).toContain('"store" (门店) \\| "online" (线上)');
    expect(readme).toContain('channel 属于 [线上（online）]');
    expect(renderPackDocs(pack, 'en')).toContain('"store" (in store) \\| "online" (online)');
  });
});

describe('the pack format enumerations in words', () => {
  it('names hit policies, source kinds and decorated operators in Chinese', () => {
    expect(hitPolicyName('unique', 'zh')).toBe('唯一命中（多条命中即报错）');
    expect(sourceKindName('regulation', 'zh')).toBe('法规');
    expect(operatorText('not:in', 'zh')).toBe('非 属于');
    expect(operatorText('someFact:greaterThan', 'en')).toBe('some item >');
    expect(operatorText('nearly', 'zh')).toBe('nearly');
    const readme = renderPackDocs(loadPack(labelled()), 'zh');
    expect(readme).toContain(`命中策略 \`${severityFixture.hitPolicy}\`：${hitPolicyName(severityFixture.hitPolicy, 'zh')}。`);
    expect(readme).toContain(`| ${sourceKindName(severityFixture.sources[0]!.kind!, 'zh')} |`);
  });
});
