/**
 * @aftersales/core — load a rule pack (JSON), validate it, evaluate facts in json-rules-engine's condition format and return a
 * decision with its explanation. Isomorphic: no file system, no network, no clock.
 *
 * @packageDocumentation
 */

// Loading and evaluating packs
export { loadPack, validatePack, Pack } from './pack.js';
export type { LoadPackOptions, PackEvaluateOptions } from './pack.js';
export { PackRegistry, loadPacks } from './registry.js';
export type { PackLookup, RequiredPack } from './lookup.js';

// The pack plan: a pack compiled once, read by every part of core
export { compile } from './plan.js';
export type { PackPlan, PlanRule, PlanDerived, PlanRequired } from './plan.js';
export type { ConditionTree, PlanNode, PlanLeaf, PlanGroup, PlanNot, Operand, PathReport, ViaReference } from './condition-tree.js';
export type { Resolver, Scope } from './references.js';

// The generated rule stage (one function per pack) and explanations materialised from a compact trace
export { generateSource } from './codegen.js';
export type { GeneratedSource, GeneratedFactory, GeneratedHelpers, GeneratedRuntime, GeneratedStage, CompactTrace } from './codegen.js';
export { decisionTrace } from './decision.js';
export { explanationFromTraceJson } from './explanation.js';
export type { TraceJson } from './explanation.js';

// Errors (each with a stable `code`)
export {
  AftersalesError,
  ERROR_MESSAGES,
  isErrorCode,
  errorCodeOf,
  toErrorBody,
  PackValidationError,
  SuiteValidationError,
  FactValidationError,
  ParameterValidationError,
  RuleConflictError,
  PackNotEffectiveError,
  UnsafePathError,
  OutcomeValidationError,
} from './errors.js';
export type { ErrorCode, ErrorBody } from './errors.js';
// A problem in the reader's language (ajv-i18n for ajv's keywords, the catalogue for our codes)
export { problemText, problemDetailsText, PROBLEM_MESSAGES } from './problem-text.js';

// Calculators for derived facts
export { listCalculators, getCalculator } from './calculators.js';

// Working-day calendars (data a host supplies)
export { checkCalendar, compileCalendar, mergeCalendars } from './working-day-calendar.js';
export type { CompiledCalendar } from './working-day-calendar.js';
export type { CalculatorInfo, CalculatorContext, CalculatorArgument } from './calculators.js';

// "Did you mean": the closest known name within two edits
export { suggest, editDistance, MAX_SUGGESTION_DISTANCE } from './suggest.js';

// Safe property paths and canonical hashing
export { getPath, parsePath } from './path.js';
export { canonicalJson, sha256Hex, hashPack, hashRecord, GENESIS_HASH } from './canonical.js';
// The log's format-2 entries: one hash, the canonical assembly and a pure chain check (docs/design/log-record-v2.md)
export { hashEntry, hashEntryParts, entryParts, assembleCanonical, checkChainRow, verifyEntries } from './canonical.js';
export { jsonTextNestsDeeperThan } from './json.js';
export type { RecordContent } from './canonical.js';
export type {
  EntryKind, EntryBase, EntryPackRef, Evidence, DecisionEntry, PackVersionEntry, ActivationEntry, LogEntry, ChainRow,
  ChainBreak, ChainBreakReason,
} from './canonical.js';

// Verifying a hash-chained log (the server's verification thread and the offline `aftersales audit verify`)
export { ChainChecker, verifyExport, recordFormat, headSignedText } from './log-verify.js';
export type { ChainPoint, LineBreak, LineBreakReason, ChainCheckerOptions, SignedHead, ExportHead, VerifyExportOptions, VerifyExportResult } from './log-verify.js';

// json-rules-engine's operators and decorators, as data
export { parseOperator, operatorFunction } from './operators.js';
export { moveRuleKeysToMeta, moveConditionKeysToMeta } from './pack-meta.js';
export type { MovedKey } from './pack-meta.js';
export type { ParsedOperator, OperatorFunction } from './operators.js';

// Test suites, coverage, lint, docs and explanations in words
export { runSuite, leafConditions, deepEqual } from './testing.js';
export { validateSuite, assertValidSuite, testSuiteSchema } from './suite.js';
export type { ValidateSuiteOptions } from './suite.js';
export type { SuiteReport, CaseResult, CoverageReport, LeafRef } from './testing.js';
export { lintPack, lintMessages } from './lint.js';
export type { LintReport, ThresholdGap, UniqueGap } from './lint.js';
export { renderPackDocs, formatCondition, formatConditionTree, formatNumber } from './docs.js';
export type { Lang } from './docs.js';
export { describeDecision } from './describe.js';
// Words for enumerations: hit policies, source kinds, operators and a pack's own enum labels (x-labels)
export { hitPolicyName, sourceKindName, operatorText, enumLabel, checkEnumLabels, HIT_POLICY_NAMES, SOURCE_KIND_NAMES, OPERATOR_TEXT } from './enum-labels.js';

// The editor schema of one pack (the pack format narrowed to its own names)
export { editorSchema } from './editor-schema.js';
export { decisionMessages } from './decision.js';

// The decision-space difference of two versions of a pack
export { diffPacks, outcomeChanges } from './pack-diff.js';
export type { PackDiff, PackDiffOptions, DiffBase, DiffRegion, DiffReplay, DiffOutcome, DiffChange } from './pack-diff.js';
export type { RuleChange, ParameterChange } from './pack-diff-changes.js';
export type { DiffBound } from './pack-diff-points.js';

// Data shapes
export type {
  Localized,
  Meta,
  PackSource,
  ParameterDefinition,
  Reference,
  LeafCondition,
  TopCondition,
  ConditionReference,
  Condition,
  ConditionOperator,
  Priority,
  UndefinedFacts,
  RuleDefinition,
  DerivedDefinition,
  RequiresDefinition,
  HitPolicy,
  JsonSchema,
  RulePackDocument,
  Problem,
  WorkingDayCalendar,
  ConditionTrace,
  RuleTrace,
  FiredRule,
  Decision,
  EvaluateOptions,
  TestCase,
  TestSuite,
} from './types.js';
