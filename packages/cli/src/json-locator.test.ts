/**
 * Tests of the JSON pointer locator: positions of nested values, escaped keys, missing pointers, syntax errors.
 */
import { describe, expect, it } from 'vitest';
import { JsonSyntaxError, locateJson } from './json-locator.js';

describe('locateJson', () => {
  const text = '{\n  "a": [1, {"b/c": "x", "d~e": null}],\n  "f": {\n    "g": true\n  }\n}\n';
  const locations = locateJson(text);

  it('gives the 1-based line and column where each value starts', () => {
    expect(locations.locate('')).toEqual({ line: 1, column: 1 });
    expect(locations.locate('/a')).toEqual({ line: 2, column: 8 });
    expect(locations.locate('/a/0')).toEqual({ line: 2, column: 9 });
    expect(locations.locate('/a/1/b~1c')).toEqual({ line: 2, column: 20 });
    expect(locations.locate('/a/1/d~0e')).toEqual({ line: 2, column: 32 });
    expect(locations.locate('/f/g')).toEqual({ line: 4, column: 10 });
  });

  it('falls back to the nearest existing ancestor for a pointer that does not exist', () => {
    expect(locations.locate('/f/missing')).toEqual({ line: 3, column: 8 });
    expect(locations.locate('/nope/deeper')).toEqual({ line: 1, column: 1 });
  });

  it('reports syntax errors with their position', () => {
    expect(() => locateJson('{\n  "a": 1,\n}')).toThrow(JsonSyntaxError);
    try {
      locateJson('{\n  "a": tru\n}');
    } catch (error) {
      expect((error as JsonSyntaxError).position).toEqual({ line: 2, column: 8 });
    }
    expect(() => locateJson('[1] 2')).toThrow(/after the JSON value/);
    expect(() => locateJson('"open')).toThrow(/unterminated string/);
  });

  it('accepts a byte-order mark and every JSON scalar', () => {
    const l = locateJson('\uFEFF[-1.5e3, "\\"q\\"", false, null]');
    // Editors do not show the mark: columns count from the character after it.
    expect(l.locate('/3')).toEqual({ line: 1, column: 26 });
  });
});
