/**
 * What a pack's fact schema says about the values a fact (or a property path into it) can take, as far as it can
 * be read simply: its JSON types, its enum (or const) and its numeric bounds. The static checks compare a
 * condition's right-hand side with this; a schema read no further (a remote `$ref`, a type only given inside
 * `anyOf`) says nothing, and nothing is checked against it.
 */
import { isPlainObject } from './json.js';

/** A JSON type as JSON Schema names it; a whole number is `integer` (and also a `number`). */
export type JsonType = 'null' | 'boolean' | 'integer' | 'number' | 'string' | 'array' | 'object';

/** The values a fact can take, as its schema says them. */
export interface FactShape {
  /** The JSON types allowed; absent when the schema does not say. */
  types?: ReadonlySet<JsonType>;
  /** The only values allowed (`enum`, or `[const]`). */
  enum?: readonly unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  /** The schema itself (local `$ref`s followed). */
  schema: Record<string, unknown>;
}

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** The JSON type of a value (`integer` for a whole number). */
export function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return 'string';
  return 'object';
}

/** Whether a value of type `type` is allowed by `types` (an integer is a number; `loose`: any number is, too). */
export function typeAllowed(type: JsonType, types: ReadonlySet<JsonType>, loose = false): boolean {
  if (types.has(type)) return true;
  if (type === 'integer') return types.has('number');
  return loose && type === 'number' && types.has('integer');
}

/** Follows a local `$ref` (`#/$defs/x`) within the fact schema, a few hops at most. */
function resolve(root: Record<string, unknown>, schema: unknown): Record<string, unknown> | undefined {
  let current = schema;
  for (let hops = 0; hops < 8; hops++) {
    if (!isPlainObject(current)) return undefined;
    const ref = current.$ref;
    if (typeof ref !== 'string') return current;
    if (!ref.startsWith('#/')) return undefined;
    let target: unknown = root;
    for (const raw of ref.slice(2).split('/')) {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      target = isPlainObject(target) && hasOwn(target, key) ? target[key] : undefined;
    }
    current = target;
  }
  return undefined;
}

/** The schema of one step into a value: a property, an array item, or what `additionalProperties` allows. */
function childSchema(schema: Record<string, unknown>, segment: string): unknown {
  const properties = schema.properties;
  if (isPlainObject(properties) && hasOwn(properties, segment)) return properties[segment];
  if (/^(0|[1-9][0-9]*)$/.test(segment)) {
    const prefix = schema.prefixItems;
    if (Array.isArray(prefix) && Number(segment) < prefix.length) return prefix[Number(segment)];
    if (isPlainObject(schema.items)) return schema.items;
  }
  return isPlainObject(schema.additionalProperties) ? schema.additionalProperties : undefined;
}

/**
 * The shape of a schema: its types, enum and bounds.
 *
 * @param root - the fact schema the schema belongs to (for local `$ref`s)
 * @param schema - a schema within it
 * @returns the shape, or `undefined` when the schema cannot be read
 */
export function shapeOf(root: Record<string, unknown>, schema: unknown): FactShape | undefined {
  const s = resolve(root, schema);
  if (!s) return undefined;
  const shape: FactShape = { schema: s };
  const values = Array.isArray(s.enum) ? s.enum : hasOwn(s, 'const') ? [s.const] : undefined;
  if (values) shape.enum = values;
  if (typeof s.type === 'string') shape.types = new Set([s.type as JsonType]);
  else if (Array.isArray(s.type)) shape.types = new Set(s.type as JsonType[]);
  else if (values) shape.types = new Set(values.map(jsonTypeOf));
  for (const key of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'] as const) {
    if (typeof s[key] === 'number') shape[key] = s[key] as number;
  }
  return shape;
}

/**
 * The shape of a declared fact, or of the value a property path reaches inside it.
 *
 * @param facts - the pack's fact schema (`facts`)
 * @param fact - a fact name
 * @param segments - a parsed property path (empty for the whole fact)
 * @returns the shape, or `undefined` when the fact is not declared there or the schema cannot be followed
 */
export function factShape(facts: Record<string, unknown>, fact: string, segments: readonly string[]): FactShape | undefined {
  const properties = facts.properties;
  if (!isPlainObject(properties) || !hasOwn(properties, fact)) return undefined;
  let schema = resolve(facts, properties[fact]);
  for (const segment of segments) {
    if (!schema) return undefined;
    schema = resolve(facts, childSchema(schema, segment));
  }
  return schema ? shapeOf(facts, schema) : undefined;
}

/** The item shape of an array fact, when its schema gives one. */
export function itemShape(root: Record<string, unknown>, shape: FactShape): FactShape | undefined {
  return isPlainObject(shape.schema.items) ? shapeOf(root, shape.schema.items) : undefined;
}

/** The types a shape allows, in words: `integer`, `string or null`. */
export function typesInWords(types: ReadonlySet<JsonType>): string {
  return [...types].join(' or ');
}
