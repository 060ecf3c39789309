import { describe, expect, it } from 'vitest';
import { consolePath, rootOf } from './layout.js';
import { factFields, factsFromForm, flatten, localDateTime, offsetIn } from './schema-fields.js';

const schema = {
  type: 'object',
  required: ['kind'],
  properties: {
    kind: { enum: ['a', 'b', 1, null], default: 'a' },
    amount: { type: 'number', minimum: 0, default: 0 },
    count: { type: 'integer' },
    flag: { type: 'boolean', default: false },
    on: { type: 'string', format: 'date' },
    at: { type: 'string', format: 'date-time' },
    name: { type: 'string' },
    nested: { type: 'object', properties: { score: { type: 'number' }, 'a/b': { type: 'string' } } },
    free: { type: 'object' },
    tags: { type: 'array', items: { enum: ['x', 'y'] } },
    days: { type: 'array', items: { type: 'string', format: 'date' } },
  },
};

describe('the fact form', () => {
  const fields = factFields(schema);

  it('gives each property the input its schema needs, with pointer, required mark, default and bounds', () => {
    expect(flatten(fields).map((f) => [f.pointer, f.kind])).toEqual([
      ['/kind', 'enum'],
      ['/amount', 'number'],
      ['/count', 'integer'],
      ['/flag', 'boolean'],
      ['/on', 'date'],
      ['/at', 'date-time'],
      ['/name', 'string'],
      ['/nested', 'object'],
      ['/nested/score', 'number'],
      ['/nested/a~1b', 'string'],
      ['/free', 'json'],
      ['/tags', 'enum-list'],
      ['/days', 'lines'],
    ]);
    expect(fields[0]).toMatchObject({ required: true, default: 'a', enum: ['a', 'b', 1, null] });
    expect(fields[1]).toMatchObject({ required: false, minimum: 0 });
  });

  it('reads typed facts back, leaving empty fields out and keeping text that does not parse for the engine to refuse', () => {
    const facts = factsFromForm(
      fields,
      {
        'f/kind': '1',
        'f/amount': '12.5',
        'f/count': 'three',
        'f/flag': 'true',
        'f/on': '2026-01-15',
        'f/at': '2026-01-15T10:00',
        'f/name': '',
        'f/nested/score': '3',
        'f/free': '{"x":1}',
        'f/tags': ['"x"', '"y"'],
        'f/tags#present': '1',
        'f/days': '2026-01-01\n\n2026-02-01\n',
      },
      () => '+08:00',
    );
    expect(facts).toEqual({
      kind: 1,
      amount: 12.5,
      count: 'three',
      flag: true,
      on: '2026-01-15',
      at: '2026-01-15T10:00:00+08:00',
      nested: { score: 3 },
      free: { x: 1 },
      tags: ['x', 'y'],
      days: ['2026-01-01', '2026-02-01'],
    });
  });

  it('reads an enum list with nothing ticked as empty, and leaves an untouched nested object out', () => {
    expect(factsFromForm(fields, { 'f/tags#present': '1' }, () => 'Z')).toEqual({ tags: [] });
    expect(factsFromForm(fields, {}, () => 'Z')).toEqual({});
  });

  it('puts local date-times in the pack’s time zone', () => {
    expect(offsetIn('Asia/Shanghai')('2026-01-15T10:00')).toBe('+08:00');
    expect(offsetIn('America/New_York')('2026-07-01T10:00')).toBe('-04:00');
    expect(offsetIn(undefined)('2026-01-15T10:00')).toBe('Z');
    expect(localDateTime(new Date('2026-01-15T02:00:00Z'), 'Asia/Shanghai')).toBe('2026-01-15T10:00');
  });
});

describe('console addresses', () => {
  it('finds the app root from a page under any mount prefix', () => {
    expect(rootOf('/console')).toBe('./');
    expect(rootOf('/console/packs/quality-severity?version=1.0.0')).toBe('../../');
    expect(rootOf('/portal/console/log/abc')).toBe('../../');
    expect(consolePath('/portal/console/log?pack=x')).toBe('/console/log?pack=x');
  });
});
