import { describe, expect, it } from 'vitest';
import { renderPackDocs } from './docs.js';
import { loadPack, validatePack } from './pack.js';
import { testPackHeader } from './test-pack.fixture.js';

// A quote from an OCR-garbled line stays as the source stands; `reading` says how it reads.
const doc = {
  ...testPackHeader('garbled-quote'),
  sources: [{ id: 's', document: 'manual', clause: 'label', kind: 'manual' as const, quote: '°°烫° 斗最高温度150 °C', reading: '熨斗最高温度150°C' }],
  facts: { type: 'object', properties: { t: { type: 'number' } } },
  rules: [{ name: 'hot', source: 's', priority: 1, conditions: { all: [{ fact: 't', operator: 'greaterThan', value: 150 }] }, event: { type: 'hot', params: { hot: true } } }],
  default: { hot: false },
  outcome: { type: 'object', properties: { hot: { type: 'boolean' } } },
};

describe('a source quote with a reading', () => {
  it('is a valid pack', () => {
    expect(validatePack(doc)).toEqual([]);
  });

  it('is refused when the reading is empty', () => {
    const problems = validatePack({ ...doc, sources: [{ ...doc.sources[0], reading: '' }] });
    expect(problems.map((p) => p.path)).toContain('/sources/0/reading');
  });

  it('renders the quote as it stands and the reading beside it', () => {
    const pack = loadPack(doc);
    expect(renderPackDocs(pack, 'en')).toContain('“°°烫° 斗最高温度150 °C” (read as “熨斗最高温度150°C”)');
    expect(renderPackDocs(pack, 'zh')).toContain('(读作 “熨斗最高温度150°C”)');
  });
});
