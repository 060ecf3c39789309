import { describe, expect, it } from 'vitest';
import { colourWanted, palette } from './colour.js';

describe('colourWanted', () => {
  it('colours a terminal only, and not when NO_COLOR is non-empty or --no-color is given', () => {
    expect(colourWanted({ isTTY: true }, {})).toBe(true);
    expect(colourWanted({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(colourWanted({}, {})).toBe(false);
    expect(colourWanted({ isTTY: false }, {})).toBe(false);
    expect(colourWanted({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colourWanted({ isTTY: true }, {}, true)).toBe(false);
  });
});

describe('palette', () => {
  it('wraps text in SGR codes when on and leaves it unchanged when off', () => {
    expect(palette(true).red('FAIL')).toBe('\u001b[31mFAIL\u001b[39m');
    expect(palette(true).bold('x')).toBe('\u001b[1mx\u001b[22m');
    const plain = palette(false);
    for (const paint of [plain.red, plain.green, plain.yellow, plain.bold, plain.dim]) expect(paint('PASS')).toBe('PASS');
  });
});
