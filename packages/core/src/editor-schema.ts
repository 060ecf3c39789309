/**
 * The editor schema of one pack: the pack format's JSON Schema (2020-12) narrowed by what the pack itself declares,
 * so that an editor completes and checks the pack's own names where the format only says "a string": a condition's
 * `fact` (the declared, derived and required facts), its `path` (the property paths the fact schema declares), a
 * reference's `param` (the pack's parameters), a condition's `value` (the fact's enum values) and a rule's
 * `event.params` (the outcome's fields). It is a snapshot of the pack: a fact or parameter added later is unknown
 * to it until it is written again (`aftersales schema`). Pure: the pack is read, nothing else.
 */
import { isPlainObject } from './json.js';
import type { Pack } from './pack.js';
import { rulePackSchema } from './schema.js';

type Schema = Record<string, unknown>;

/** Property paths are listed down to this depth (`a.b.c.d`). */
const MAX_PATH_DEPTH = 4;
/** At most this many paths per fact are listed. */
const MAX_PATHS = 200;

/** A deep copy of JSON data. */
function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The local `$ref` target of a schema inside the fact schema, or the schema itself. */
function deref(schema: unknown, root: Schema, seen = 0): Schema | undefined {
  if (!isPlainObject(schema)) return undefined;
  const ref = schema.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/') || seen > 8) return schema;
  let target: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    target = isPlainObject(target) && Object.prototype.hasOwnProperty.call(target, key) ? target[key] : undefined;
  }
  return deref(target, root, seen + 1);
}

/** What an editor is told about one place of the fact schema: the dotted path, its enum, whether the list is whole. */
interface FactPaths {
  paths: string[];
  /** The enum (or const) at each path that has one, `''` for the fact itself. */
  enums: Map<string, unknown[]>;
  /** Every object on the way declares its properties and refuses others: the list is every path there is. */
  closed: boolean;
}

function enumOf(schema: Schema): unknown[] | undefined {
  if (Array.isArray(schema.enum)) return schema.enum as unknown[];
  if ('const' in schema) return [schema.const];
  return undefined;
}

/** The paths into one fact that its schema declares (object properties only; arrays and combinators end a path). */
function factPaths(schema: unknown, root: Schema): FactPaths {
  const out: FactPaths = { paths: [], enums: new Map(), closed: true };
  const walk = (raw: unknown, prefix: string, depth: number) => {
    const s = deref(raw, root);
    if (!s) {
      out.closed = false;
      return;
    }
    const values = enumOf(s);
    if (values) out.enums.set(prefix, values);
    if (['anyOf', 'oneOf', 'allOf', 'if', 'patternProperties', '$dynamicRef'].some((k) => k in s)) out.closed = false;
    const properties = s.properties;
    if (!isPlainObject(properties)) {
      if (s.type === 'object' || (Array.isArray(s.type) && s.type.includes('object'))) out.closed = false;
      return;
    }
    if (s.additionalProperties !== false) out.closed = false;
    for (const [name, sub] of Object.entries(properties)) {
      if (out.paths.length >= MAX_PATHS) {
        out.closed = false;
        return;
      }
      // A name a dotted path cannot spell (`a.b`, `a[0]`) is reached with brackets: `['a.b']`.
      const token = /^[A-Za-z_$][\w$-]*$/.test(name) ? name : `['${name.replace(/'/g, "\\'")}']`;
      const path = prefix === '' ? token : token.startsWith('[') ? `${prefix}${token}` : `${prefix}.${token}`;
      out.paths.push(path);
      if (depth < MAX_PATH_DEPTH) walk(sub, path, depth + 1);
      else out.closed = false;
    }
  };
  walk(schema, '', 1);
  return out;
}

/** A description of a fact for hover, from its schema's `description`. */
function describeFact(schema: unknown, root: Schema): string | undefined {
  const s = deref(schema, root);
  return s && typeof s.description === 'string' ? s.description : undefined;
}

/** An outcome field in event params: its description, and its enum values (or a reference) when it has an enum. */
function fieldSchema(sub: unknown): Schema {
  if (!isPlainObject(sub)) return {};
  const description = typeof sub.description === 'string' ? { description: sub.description } : {};
  const values = enumOf(sub);
  return values ? { ...description, anyOf: [{ enum: values }, { $ref: '#/$defs/reference' }] } : description;
}

/** `{ enum }` when the list is known, else the strings the editor suggests without refusing others. */
function nameSchema(names: string[], closed: boolean, base: Schema): Schema {
  if (names.length === 0) return closed ? { ...base, not: {} } : base;
  return closed ? { ...base, enum: names } : { ...base, examples: names };
}

/**
 * The JSON Schema an editor uses for one pack: the pack format (`schema/rule-pack.schema.json`) with its generic
 * names narrowed to the pack's own. A fact name or a parameter name outside the pack is a diagnostic (as
 * `validate` refuses it); fact paths are an enum when the fact schema lists every property (`additionalProperties:
 * false` all the way), else suggestions; a condition on an enum fact suggests and checks the enum's values; a
 * rule's `event.params` lists the outcome's fields with their schemas. Valid 2020-12: ajv compiles it.
 *
 * @param pack - a loaded pack
 * @returns the schema, with `$id` `https://aftersales.dev/schema/packs/<id>.schema.json`
 * @example
 * ```ts
 * const schema = editorSchema(loadPack(json));
 * writeFileSync('packs/claim-review/claim-review.schema.json', JSON.stringify(schema, null, 2));
 * ```
 */
export function editorSchema(pack: Pack): Record<string, unknown> {
  const doc = pack.document;
  const schema = copy(rulePackSchema);
  const defs = schema.$defs as Record<string, Schema>;
  schema.$id = `https://aftersales.dev/schema/packs/${pack.id}.schema.json`;
  schema.title = `aftersales rule pack ${pack.id}`;
  schema.description = `The rule pack format narrowed to the names of ${pack.id} ${pack.version}: its facts, fact paths, parameters and outcome fields. Written by \`aftersales schema\`; write it again after adding a fact or a parameter.`;

  // Fact names: declared, derived (in order), required packs' outcomes.
  const facts = doc.facts as Schema;
  const declared = isPlainObject(facts.properties) ? (facts.properties as Record<string, unknown>) : {};
  const factNames = [...Object.keys(declared), ...(doc.derived ?? []).map((d) => d.name), ...(doc.requires ?? []).map((r) => r.as)];
  defs.factName = { ...nameSchema([...new Set(factNames)], true, { type: 'string' }), description: `A fact of ${pack.id}.` };

  // Parameters.
  const parameters = Object.keys(doc.parameters ?? {});
  const reference = defs.reference as Schema & { properties: Record<string, Schema> };
  reference.properties.param = { ...nameSchema(parameters, true, { type: 'string' }), description: `A parameter of ${pack.id}.` };

  // Per fact: its paths, and the values a condition on it (or on one of its paths) can compare with.
  const byFact: Schema[] = [];
  for (const [name, sub] of Object.entries(declared)) {
    const { paths, enums, closed } = factPaths(sub, facts);
    const description = describeFact(sub, facts);
    const then: Schema = { properties: { ...(description ? { fact: { description } } : {}) } };
    const thenProperties = then.properties as Record<string, Schema>;
    if (paths.length > 0) thenProperties.path = nameSchema(paths, closed, {});
    const valueChoices = (values: unknown[]): Schema => ({
      anyOf: [{ enum: values }, { type: 'array', items: { enum: values } }, { $ref: '#/$defs/reference' }],
    });
    const pathEnums = [...enums].filter(([path]) => path !== '');
    const own = enums.get('');
    const cases: Schema[] = [];
    if (own) cases.push({ if: { not: { required: ['path'] } }, then: { properties: { value: valueChoices(own) } } });
    for (const [path, values] of pathEnums) {
      cases.push({ if: { required: ['path'], properties: { path: { const: path } } }, then: { properties: { value: valueChoices(values) } } });
    }
    if (cases.length > 0) then.allOf = cases;
    if (Object.keys(thenProperties).length === 0 && cases.length === 0) continue;
    byFact.push({ if: { required: ['fact'], properties: { fact: { const: name } } }, then });
  }
  const leaf = defs.leafCondition as Schema;
  if (byFact.length > 0) leaf.allOf = [...(Array.isArray(leaf.allOf) ? (leaf.allOf as Schema[]) : []), ...byFact];

  // Outcome fields in a rule's event params (a value may also be a reference, resolved at evaluation).
  const outcome = doc.outcome as Schema;
  if (isPlainObject(outcome.properties)) {
    const fields = Object.fromEntries(
      Object.entries(outcome.properties as Record<string, unknown>).map(([field, sub]) => [
        field,
        // Only a field's enum (or const) is checked: a value elsewhere may hold references at any depth.
        fieldSchema(sub),
      ]),
    );
    const rule = defs.rule as Schema & { properties: Record<string, Schema & { properties: Record<string, Schema> }> };
    const event = rule.properties.event!;
    event.properties.params = {
      type: 'object',
      description: `The outcome of ${pack.id} this rule gives (merged over default).`,
      properties: fields,
      ...(outcome.additionalProperties === false ? { additionalProperties: false } : {}),
    };
  }
  return schema;
}
