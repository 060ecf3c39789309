/**
 * Maps JSON pointers to line and column in the JSON text they point into, so `aftersales validate` can say
 * `pack.json:42:17 /rules/3/conditions/all/0/value must be number` and an editor can jump there. A small
 * single-pass scanner over the text records where each value (and each member's key) starts; it also reports the
 * position of a syntax error, which `JSON.parse` only gives as an offset in some Node versions.
 */

/** A 1-based line and column. */
export interface Position {
  line: number;
  column: number;
}

/** Positions of every value in a JSON text, by JSON pointer. */
export interface JsonLocations {
  /** Where the value at `pointer` starts; for a pointer that does not exist, its nearest existing ancestor. */
  locate(pointer: string): Position;
}

/** A JSON syntax error with its position. */
export class JsonSyntaxError extends Error {
  readonly code = 'INVALID_JSON';
  constructor(
    message: string,
    readonly position: Position,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

/** Escapes one reference token of a JSON pointer (RFC 6901). */
export function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Scans a JSON text and records where every value starts.
 *
 * @param text - the JSON text
 * @returns a locator from JSON pointer to line and column
 * @throws {@link JsonSyntaxError} when the text is not JSON, with the position of the error
 * @example
 * ```ts
 * const locations = locateJson('{\n  "a": [1, 2]\n}');
 * locations.locate('/a/1'); // { line: 2, column: 12 }
 * ```
 */
export function locateJson(source: string): JsonLocations {
  // Editors do not show a byte-order mark: columns count from the character after it.
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const positions = new Map<string, number>();
  let i = 0;
  // Line starts, to turn offsets into positions by binary search.
  const lineStarts = [0];
  for (let k = 0; k < text.length; k++) if (text.charCodeAt(k) === 10) lineStarts.push(k + 1);
  const toPosition = (offset: number): Position => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (lineStarts[lo] ?? 0) + 1 };
  };
  const fail = (message: string): never => {
    throw new JsonSyntaxError(`${message} at line ${toPosition(i).line}, column ${toPosition(i).column}`, toPosition(i));
  };
  const skip = (): void => {
    while (i < text.length) {
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
      else break;
    }
  };
  const readString = (): string => {
    const start = i;
    i++;
    while (i < text.length) {
      const c = text[i];
      if (c === '\\') i += 2;
      else if (c === '"') {
        i++;
        return JSON.parse(text.slice(start, i)) as string;
      } else if (c !== undefined && c < ' ') fail('control character in string');
      else i++;
    }
    i = start;
    return fail('unterminated string');
  };
  const value = (pointer: string): void => {
    skip();
    positions.set(pointer, i);
    const c = text[i];
    if (c === '{') {
      i++;
      skip();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        skip();
        if (text[i] !== '"') fail('expected a property name');
        const key = readString();
        const child = `${pointer}/${escapePointerToken(key)}`;
        skip();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        value(child);
        skip();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail("expected ',' or '}'");
      }
    } else if (c === '[') {
      i++;
      skip();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (let index = 0; ; index++) {
        value(`${pointer}/${index}`);
        skip();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail("expected ',' or ']'");
      }
    } else if (c === '"') {
      readString();
    } else {
      const match = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
      if (!match) fail('unexpected token');
      i += match![0].length;
    }
  };
  value('');
  skip();
  if (i < text.length) fail('unexpected data after the JSON value');

  return {
    locate(pointer: string): Position {
      let current = pointer === '/' ? '' : pointer;
      for (;;) {
        const offset = positions.get(current);
        if (offset !== undefined) return toPosition(offset);
        if (current === '') return { line: 1, column: 1 };
        current = current.slice(0, current.lastIndexOf('/'));
      }
    },
  };
}
