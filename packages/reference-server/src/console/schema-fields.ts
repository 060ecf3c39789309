/**
 * Reads a pack's fact schema (JSON Schema) as a tree of form fields: one node a property, with its JSON pointer,
 * the kind of input it needs, whether it is required, its default, its bounds and its description. The pack page's
 * fact table and the try-it form are both built from this one tree, and the try-it answer is read back through it
 * (`factsFromForm`), so a field shown is a field parsed.
 */

/** The input a schema node needs. */
export type FieldKind = 'number' | 'integer' | 'boolean' | 'enum' | 'date' | 'date-time' | 'string' | 'object' | 'enum-list' | 'lines' | 'json';

/** One property of the fact schema. */
export interface FactField {
  /** Property name. */
  name: string;
  /** JSON pointer from the facts root: `/indicators/delivery/score`. */
  pointer: string;
  kind: FieldKind;
  required: boolean;
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  description?: string;
  /** The JSON Schema type or format as written, for the table. */
  typeText: string;
  /** Nested properties (kind `object`). */
  children?: FactField[];
}

type Schema = Record<string, unknown>;
const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);
const escapeToken = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

function kindOf(s: Schema): { kind: FieldKind; typeText: string } {
  const type = Array.isArray(s.type) ? s.type.filter((t) => t !== 'null')[0] : s.type;
  if (Array.isArray(s.enum)) return { kind: 'enum', typeText: 'enum' };
  if (type === 'integer') return { kind: 'integer', typeText: 'integer' };
  if (type === 'number') return { kind: 'number', typeText: 'number' };
  if (type === 'boolean') return { kind: 'boolean', typeText: 'boolean' };
  if (type === 'string') {
    if (s.format === 'date') return { kind: 'date', typeText: 'string (date)' };
    if (s.format === 'date-time') return { kind: 'date-time', typeText: 'string (date-time)' };
    return { kind: 'string', typeText: 'string' };
  }
  if (type === 'object' && isSchema(s.properties) && Object.keys(s.properties).length > 0) return { kind: 'object', typeText: 'object' };
  if (type === 'array' && isSchema(s.items)) {
    const items = s.items;
    if (Array.isArray(items.enum)) return { kind: 'enum-list', typeText: 'array of enum' };
    if (items.type === 'string') return { kind: 'lines', typeText: `array of string${items.format ? ` (${String(items.format)})` : ''}` };
  }
  return { kind: 'json', typeText: typeof type === 'string' ? type : 'JSON' };
}

/**
 * The fields of an object schema, in the schema's property order.
 *
 * @param schema - a pack's `facts` schema (or a nested object schema)
 * @param at - JSON pointer of the schema's object (default: the root)
 * @returns one field a property
 * @example
 * ```ts
 * factFields(pack.document.facts)[0]?.pointer // '/casualties'
 * ```
 */
export function factFields(schema: unknown, at = ''): FactField[] {
  if (!isSchema(schema) || !isSchema(schema.properties)) return [];
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  return Object.entries(schema.properties).map(([name, raw]) => {
    const s = isSchema(raw) ? raw : {};
    const pointer = `${at}/${escapeToken(name)}`;
    const { kind, typeText } = kindOf(s);
    const field: FactField = { name, pointer, kind, required: required.has(name), typeText };
    if ('default' in s) field.default = s.default;
    if (Array.isArray(s.enum)) field.enum = s.enum;
    if (kind === 'enum-list' && isSchema(s.items) && Array.isArray(s.items.enum)) field.enum = s.items.enum;
    if (typeof s.minimum === 'number') field.minimum = s.minimum;
    if (typeof s.maximum === 'number') field.maximum = s.maximum;
    if (typeof s.description === 'string') field.description = s.description;
    if (kind === 'object') field.children = factFields(s, pointer);
    return field;
  });
}

/** Every field of the tree, depth first (objects before their children). */
export function flatten(fields: FactField[]): FactField[] {
  return fields.flatMap((f) => [f, ...flatten(f.children ?? [])]);
}

/** The form control name of a field: `f` + its pointer. */
export const controlName = (field: FactField): string => `f${field.pointer}`;

/** A form value as entered: one string, or several for checkbox groups. */
export type FormValues = Record<string, string | string[] | File | (string | File)[]>;

const first = (v: FormValues[string] | undefined): string | undefined => {
  const x = Array.isArray(v) ? v[0] : v;
  return typeof x === 'string' ? x : undefined;
};

/** Parses one entered text by the field's kind; text that does not parse is kept, for the engine to refuse. */
function parseValue(field: FactField, text: string, timeZoneOffset: (local: string) => string): unknown {
  switch (field.kind) {
    case 'number':
    case 'integer': {
      const n = Number(text);
      return text.trim() !== '' && Number.isFinite(n) ? n : text;
    }
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'enum':
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text;
      }
    case 'date-time':
      return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(text) ? `${text.length === 16 ? `${text}:00` : text}${timeZoneOffset(text)}` : text;
    case 'lines':
      return text
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l !== '');
    case 'json':
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text;
      }
    default:
      return text;
  }
}

/**
 * Reads the facts back from a submitted try-it form: empty controls are left out (the pack's defaults apply),
 * numbers and booleans are typed, enum values are JSON, date-times get the pack's UTC offset, nested objects are
 * rebuilt; an object none of whose fields was filled is left out.
 *
 * @param fields - the tree from {@link factFields}
 * @param form - the parsed form body
 * @param timeZoneOffset - the UTC offset (`+08:00`) of a local date-time in the pack's time zone
 * @returns the facts
 * @example
 * ```ts
 * factsFromForm(factFields(schema), { 'f/claimAmountYuan': '30000' }, () => 'Z') // { claimAmountYuan: 30000 }
 * ```
 */
export function factsFromForm(fields: FactField[], form: FormValues, timeZoneOffset: (local: string) => string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    if (field.kind === 'object') {
      const nested = factsFromForm(field.children ?? [], form, timeZoneOffset);
      if (Object.keys(nested).length > 0) out[field.name] = nested;
      continue;
    }
    const raw = form[controlName(field)];
    if (field.kind === 'enum-list') {
      // The hidden marker says the group was on the form: none checked is an empty list.
      if (form[`${controlName(field)}#present`] === undefined) continue;
      const list = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter((x): x is string => typeof x === 'string');
      out[field.name] = list.map((x) => parseValue({ ...field, kind: 'enum' }, x, timeZoneOffset));
      continue;
    }
    const text = first(raw);
    if (text === undefined || text === '') continue;
    out[field.name] = parseValue(field, text, timeZoneOffset);
  }
  return out;
}

/**
 * The UTC offset of a local date-time in a time zone, as `+08:00` (`Z` for UTC), from the runtime's time zone data.
 *
 * @example
 * ```ts
 * offsetIn('Asia/Shanghai')('2026-01-15T10:00') // '+08:00'
 * ```
 */
export function offsetIn(timeZone: string | undefined): (local: string) => string {
  return (local) => {
    if (!timeZone || timeZone === 'UTC') return 'Z';
    const instant = new Date(`${local.length === 16 ? `${local}:00` : local}Z`);
    if (Number.isNaN(instant.getTime())) return 'Z';
    const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
      .formatToParts(instant)
      .find((p) => p.type === 'timeZoneName')?.value;
    const m = /GMT([+-]\d{2}:\d{2})/.exec(name ?? '');
    return m?.[1] ?? 'Z';
  };
}

/**
 * Local date-time text (`YYYY-MM-DDTHH:mm`) of an instant in a time zone, for a `datetime-local` control.
 *
 * @example
 * ```ts
 * localDateTime(new Date('2026-01-15T02:00:00Z'), 'Asia/Shanghai') // '2026-01-15T10:00'
 * ```
 */
export function localDateTime(instant: Date, timeZone: string | undefined): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: timeZone ?? 'UTC',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}
