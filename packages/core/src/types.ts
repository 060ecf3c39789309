/**
 * The public data shapes of aftersales: the rule pack as authored (JSON), the decision returned by an
 * evaluation, the structured problems carried by errors, and the test-suite format. These are the contracts
 * that policy owners, auditors and host systems code against.
 */

/** A text a person reads, in Chinese and English. */
export interface Localized {
  zh: string;
  en: string;
}

/** A document a pack encodes. */
export interface PackSource {
  id: string;
  document: string;
  clause: string;
  quote?: string;
  /** The quote is a heading with nothing under it in the source (e.g. a table-of-contents entry). */
  headingOnly?: true;
  /** How a quote from an OCR-garbled line reads; the quote itself stays exactly as the source stands. */
  reading?: string;
  kind?: 'manual' | 'regulation' | 'standard' | 'practice' | 'consultancy';
  meta?: Meta;
}

/** A named figure of a pack that a caller may override per evaluation. */
export interface ParameterDefinition {
  type: 'number' | 'integer' | 'string' | 'boolean';
  value: number | string | boolean;
  unit?: string;
  minimum?: number;
  maximum?: number;
  enum?: Array<number | string | boolean>;
  description: Localized;
  /** Where the figure comes from; absent when {@link ParameterDefinition.notPublished} is set. */
  source?: string;
  /** The manual does not publish this figure: the value is a documented default, not the manual's. */
  notPublished?: true;
  meta?: Meta;
}

/** A value resolved at evaluation: a parameter, a fact (with an optional property path) or the evaluation context. */
export type Reference =
  | { param: string }
  | { fact: string; path?: string }
  | { context: 'asOf' | 'asOfDate' };

/**
 * A priority as json-rules-engine reads it (`parseInt`): `2.5` is 2, `"10"` is 10, `0` or none is 1.
 */
export type Priority = number | string;

/**
 * Free-form metadata of a pack's owner or host (ids, owners, tickets): kept as written, hashed with the pack, never
 * read by a decision. The one place for keys the format does not define: any other unknown key is refused.
 */
export type Meta = Record<string, unknown>;

/**
 * A leaf condition of a rule (json-rules-engine shape). A key the format does not define is refused; a host's
 * own keys go under `meta` (see docs/migrating-from-json-rules-engine.md).
 */
export interface LeafCondition {
  fact: string;
  /** A plain JSONPath: `$.a.b`, `a.b`, `$.items[0].price`, `$.[0].id`, `$['dot.key']`. */
  path?: string;
  /** A built-in operator, optionally decorated: `someFact:equal`, `not:in`, `everyFact:swap:contains`. */
  operator: ConditionOperator | (string & {});
  value: unknown;
  priority?: Priority;
  name?: string;
  /** json-rules-engine's fact params: known, and refused at load (`DYNAMIC_FACT`), since a pack's facts are data. */
  params?: unknown;
  meta?: Meta;
}

/** A boolean group of conditions (json-rules-engine shape). */
export type TopCondition =
  | { all: Condition[]; priority?: Priority; name?: string; meta?: Meta }
  | { any: Condition[]; priority?: Priority; name?: string; meta?: Meta }
  | { not: Condition; priority?: Priority; name?: string; meta?: Meta };

/** A reference to one of the pack's shared `conditions` by name (json-rules-engine's `{ condition }`). */
export interface ConditionReference {
  condition: string;
  priority?: Priority;
  name?: string;
  meta?: Meta;
}

/** Any condition: a leaf, a group or a shared-condition reference. */
export type Condition = LeafCondition | TopCondition | ConditionReference;

/** The operators a pack may use (json-rules-engine's built-ins); decorators are written before them with `:`. */
export type ConditionOperator =
  | 'equal'
  | 'notEqual'
  | 'lessThan'
  | 'lessThanInclusive'
  | 'greaterThan'
  | 'greaterThanInclusive'
  | 'in'
  | 'notIn'
  | 'contains'
  | 'doesNotContain';

/** A rule as authored in a pack. A key the format does not define is refused; a host's own keys go under `meta`. */
export interface RuleDefinition {
  /** Unique in the pack, non-empty; `aftersales lint` suggests kebab-case. */
  name: string;
  source: string;
  priority?: Priority;
  conditions: TopCondition | ConditionReference;
  event: { type: string; params?: Record<string, unknown>; meta?: Meta };
  message?: Localized;
  meta?: Meta;
}

/** json-rules-engine's `allowUndefinedFacts`: `"allow"` reads an absent fact as undefined; `"error"` refuses it. */
export type UndefinedFacts = 'allow' | 'error';

/** A fact computed from other facts and parameters by a named calculator. */
export interface DerivedDefinition {
  name: string;
  calculator: string;
  args: Record<string, unknown>;
  description?: Localized;
}

/** Another pack whose outcome this pack uses as a fact. */
export interface RequiresDefinition {
  pack: string;
  as: string;
  factsFrom?: string;
}

/** How fired rules combine into one outcome. */
export type HitPolicy = 'first' | 'collect' | 'unique';

/** A JSON Schema document (2020-12), kept opaque. */
export type JsonSchema = Record<string, unknown>;

/** A rule pack as authored: one JSON document. */
export interface RulePackDocument {
  $schema?: string;
  id: string;
  version: string;
  title: Localized;
  description: Localized;
  sources: PackSource[];
  effective: { from: string; to?: string };
  timeZone?: string;
  hitPolicy: HitPolicy;
  /** What a rule reading a fact absent from the input gets (default `"allow"`). */
  undefinedFacts?: UndefinedFacts;
  /**
   * json-rules-engine's `replaceFactsInEventParams`: `true` (the default for a pack) resolves references in event
   * params; `false` returns event params as written, as json-rules-engine does without the option.
   */
  replaceFactsInEventParams?: boolean;
  parameters?: Record<string, ParameterDefinition>;
  facts: JsonSchema;
  derived?: DerivedDefinition[];
  requires?: RequiresDefinition[];
  /** Shared conditions by name, referred to as `{ "condition": name }` (json-rules-engine's `setCondition`). */
  conditions?: Record<string, TopCondition | ConditionReference>;
  rules: RuleDefinition[];
  default: Record<string, unknown>;
  defaultMessage?: Localized;
  /** Fidelity notes for auditors: interpretations made, figures not published, what the sources leave open. */
  notes?: Localized[];
  outcome: JsonSchema;
  meta?: Meta;
  /** Free keys of the pack's owner: `x-` names, kept, never read (older packs; `meta` is the place for new ones). */
  [key: `x-${string}`]: unknown;
}

/** One problem found in a pack, facts or parameters: where (JSON pointer) and why. */
export interface Problem {
  /** JSON pointer into the document that was checked, e.g. `/rules/3/conditions/all/0/value`. */
  path: string;
  /** A short statement: "must be >= 0". */
  message: string;
  /** A stable machine code, e.g. `schema.minimum`, `UNKNOWN_PARAMETER`. */
  code: string;
  /** What was expected, where it can be said. */
  expected?: unknown;
  /** What was found, where it can be said. */
  found?: unknown;
  /** The known name closest to an unknown one ("did you mean"), where one is within two edits. */
  suggestion?: string;
}

/** The result of one leaf condition in an explanation. */
export interface ConditionTrace {
  fact: string;
  path?: string;
  operator: string;
  /** The value compared against, resolved (a parameter's value, another fact's value). */
  value: unknown;
  /** The parameter behind {@link ConditionTrace.value}, when the condition names one. */
  param?: string;
  /** The fact's value as seen; absent when the condition was not evaluated. */
  factValue?: unknown;
  result: boolean | 'not-evaluated';
}

/** Whether one rule fired, and each of its leaf conditions. */
export interface RuleTrace {
  rule: string;
  fired: boolean;
  conditions: ConditionTrace[];
}

/** A fired rule in a decision. */
export interface FiredRule {
  rule: string;
  source: string;
  priority: number;
  event: { type: string; params: Record<string, unknown> };
}

/** What an evaluation returns: the outcome and everything needed to audit it. */
export interface Decision<O = Record<string, unknown>> {
  pack: string;
  version: string;
  /** `"sha256:" + hex` of the canonical JSON (RFC 8785) of the pack document. */
  packHash: string;
  /** The instant the decision was taken as of, as given by the caller (ISO 8601). */
  asOf: string;
  /** Parameter overrides applied for this evaluation (empty when none). */
  parameters: Record<string, unknown>;
  outcome: O;
  fired: FiredRule[];
  /** Derived facts and required packs' outcomes, as computed. */
  derived: Record<string, unknown>;
  explanation: RuleTrace[];
  messages: Localized;
}

/** Options of one evaluation. */
export interface EvaluateOptions {
  /** The instant to decide as of (ISO 8601 date-time with offset, or a Date). Required: no clock inside a decision. */
  asOf: string | Date;
  /** Parameter overrides for this evaluation (a tenant, an OEM); validated against each parameter's type. */
  parameters?: Record<string, unknown>;
  /** Include the per-rule explanation (default true). */
  explain?: boolean;
  /**
   * `"compiled"` (default): the pack's rule stage generated at load as one JavaScript function.
   * `"interpreted"`: the plan's rule tree run by closures, the reference the generated function is proven against.
   * `"json-rules-engine"` (or its older name `"reference"`): json-rules-engine itself, built from the same pack
   * plan. Both give the same decision (a conformance corpus and a differential test hold them equal).
   */
  engine?: 'compiled' | 'interpreted' | 'json-rules-engine' | 'reference';
  /**
   * The working-day calendar this decision's working-day clocks count (public holidays, make-up working days),
   * instead of the one the pack was loaded with; a host supplies a year the shipped data does not cover yet.
   */
  calendar?: WorkingDayCalendar;
}

/**
 * A working-day calendar: the data a host supplies. Dates are local calendar dates `YYYY-MM-DD` in the pack's
 * time zone.
 *
 * @example
 * ```ts
 * const calendar: WorkingDayCalendar = {
 *   id: 'cn-state-council',
 *   version: '2027.1',
 *   firstYear: 2027,
 *   lastYear: 2027,
 *   holidays: ['2027-01-01'],
 *   workdays: [],
 * };
 * ```
 */
export interface WorkingDayCalendar {
  /** What the calendar is, e.g. `cn-state-council` (China, State Council schedule). */
  id: string;
  /** The version of its data, recorded so a decision can be traced to the calendar it counted with. */
  version: string;
  /** The first year the data covers (inclusive). */
  firstYear: number;
  /** The last year the data covers (inclusive): a day after it cannot be counted. */
  lastYear: number;
  /** Days off: public holidays and the days moved into them (any weekday). */
  holidays: readonly string[];
  /** Weekend days that are working days (make-up days, 调休). */
  workdays: readonly string[];
}

/** One case of a pack's test suite. */
export interface TestCase {
  name: string;
  facts: Record<string, unknown>;
  asOf?: string;
  parameters?: Record<string, unknown>;
  expect: {
    outcome?: Record<string, unknown>;
    fired?: string[];
    error?: string;
  };
}

/** A pack's test suite (`<pack-id>.test.json`). */
export interface TestSuite {
  /** Where an editor finds the suite format's schema. */
  $schema?: string;
  pack: string;
  asOf?: string;
  cases: TestCase[];
}
