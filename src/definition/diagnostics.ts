/**
 * The one catalog of diagnostic codes. Codes are stable (tests, --json consumers and
 * users' CI depend on them); messages are built by the check that finds the problem.
 */

export type Severity = "error" | "warning" | "info";

export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  /** RFC 6901 JSON pointer into the document the diagnostic is about ("" = the whole document). */
  pointer: string;
  /** Where a person should look: the DSL call site or the line in a JSON/YAML file. */
  source?: SourceLocation;
  hint?: string;
}

interface CatalogEntry {
  severity: Severity;
  summary: string;
}

export const CATALOG = {
  // Documents
  PARSE_ERROR: { severity: "error", summary: "the file is not valid JSON or YAML" },
  DUPLICATE_JSON_KEY: { severity: "error", summary: "a key appears twice in one object; only the last would be kept" },
  DEFINITION_NOT_OBJECT: { severity: "error", summary: "a flow definition must be a JSON object" },
  TOP_LEVEL_FIELD_MISSING: { severity: "error", summary: "StartAt and States are required" },
  TOP_LEVEL_FIELD_UNKNOWN: { severity: "error", summary: "only Comment, StartAt and States are allowed at the top level" },
  FIELD_TYPE: { severity: "error", summary: "a field has the wrong JSON type" },
  STATES_EMPTY: { severity: "error", summary: "States must name at least one state" },
  START_AT_UNDEFINED: { severity: "error", summary: "StartAt names a state that does not exist" },
  STATE_NAME_INVALID: { severity: "error", summary: "state names must be 1-128 characters" },
  // State structure
  STATE_NOT_OBJECT: { severity: "error", summary: "a state must be a JSON object" },
  STATE_TYPE_MISSING: { severity: "error", summary: "every state needs a Type" },
  STATE_TYPE_UNKNOWN: { severity: "error", summary: "Globus Flows accepts Action, Pass, Choice, Wait, Fail, ExpressionEval (and web-input states)" },
  STATE_TYPE_LEGACY: { severity: "warning", summary: "a retired globus-automate state type" },
  STATE_FIELD_MISSING: { severity: "error", summary: "a required field of this state type is missing" },
  STATE_FIELD_UNKNOWN: { severity: "error", summary: "this state type does not accept the field" },
  STATE_FIELD_TYPE: { severity: "error", summary: "a state field has the wrong type" },
  OUTPUT_PATH_NOT_ALLOWED: { severity: "error", summary: "Globus Flows has no OutputPath; use ResultPath" },
  RETRY_NOT_SUPPORTED: { severity: "error", summary: "Globus Flows does not support Retry" },
  NEXT_END_CONFLICT: { severity: "error", summary: "a state has both Next and End" },
  NEXT_END_MISSING: { severity: "error", summary: "a state needs exactly one of Next and End: true" },
  // Graph
  TRANSITION_TARGET_UNDEFINED: { severity: "error", summary: "Next, Default or a Catch names a state that does not exist" },
  UNREACHABLE_STATE: { severity: "warning", summary: "no path from StartAt leads to this state" },
  NO_TERMINAL_STATE: { severity: "error", summary: "no state ends the run (End: true, Fail, or a terminal Wait/Pass)" },
  // Choice
  CHOICES_EMPTY: { severity: "error", summary: "a Choice needs at least one rule" },
  CHOICE_RULE_OPERATOR: { severity: "error", summary: "a Choice rule needs exactly one operator" },
  CHOICE_RULE_NEXT_MISSING: { severity: "error", summary: "a top-level Choice rule needs Next" },
  CHOICE_NESTED_NEXT: { severity: "error", summary: "rules inside And/Or/Not must not have Next" },
  CHOICE_VARIABLE_MISSING: { severity: "error", summary: "a comparison rule needs Variable" },
  CHOICE_OPERAND_TYPE: { severity: "error", summary: "the operand does not match the operator" },
  // Wait / Fail
  WAIT_DURATION: { severity: "error", summary: "a Wait needs exactly one of Seconds, Timestamp, SecondsPath, TimestampPath" },
  WAIT_TIMESTAMP_INVALID: { severity: "error", summary: "Timestamp must be an RFC 3339 date-time" },
  FAIL_FIELD_CONFLICT: { severity: "error", summary: "Error/ErrorPath and Cause/CausePath are mutually exclusive" },
  // Catch
  CATCH_NOT_ALLOWED: { severity: "error", summary: "only Action (and web-input) states may have Catch" },
  CATCH_ERROR_EQUALS_EMPTY: { severity: "error", summary: "ErrorEquals must list at least one error name" },
  CATCH_ALL_NOT_LAST: { severity: "warning", summary: "States.ALL should be alone in the last catcher" },
  // Action
  ACTION_TARGET_MISSING: { severity: "error", summary: "an Action needs ActionUrl or Handler" },
  ACTION_TARGET_CONFLICT: { severity: "error", summary: "ActionUrl and Handler are mutually exclusive" },
  // The docs require one of the two; the flows-ide schema (the service's own) requires neither.
  ACTION_INPUT_MISSING: { severity: "warning", summary: "an Action without Parameters or InputPath sends an empty body" },
  ACTION_INPUT_CONFLICT: { severity: "error", summary: "Parameters and InputPath are mutually exclusive" },
  ACTION_URL_INVALID: { severity: "error", summary: "ActionUrl must be an https:// URL" },
  ACTION_URL_RETIRED: { severity: "warning", summary: "this action provider URL is retired" },
  ACTION_RESOURCE_LEGACY: { severity: "warning", summary: "Resource is the retired spelling of ActionUrl" },
  WAIT_TIME_NOT_INTEGER: { severity: "error", summary: "WaitTime must be a positive integer number of seconds" },
  RUN_AS_INVALID: { severity: "error", summary: "RunAs must be a non-empty role name" },
  // Paths, parameters, expressions
  JSONPATH_SYNTAX: { severity: "error", summary: "a JSONPath is malformed" },
  PATH_NOT_SINGLE: { severity: "error", summary: "this path must select exactly one value (no wildcards, slices, unions or filters)" },
  RESULT_PATH_INVALID: { severity: "error", summary: "ResultPath must select exactly one location outside $._context" },
  EXPRESSION_SYNTAX: { severity: "error", summary: "a .= expression does not parse" },
  EXPRESSION_UNSUPPORTED: { severity: "warning", summary: "valid Python that Globus expressions are not known to support (lambda, walrus, bitwise operators…)" },
  PARAMETER_KEY_COLLISION: { severity: "error", summary: "x, x.$ and x.= would all produce the same key" },
  PARAMETER_VALUE_NOT_STRING: { severity: "error", summary: ".$ and .= values must be strings" },
  PRIVATE_PARAMETERS_INVALID: { severity: "error", summary: "__Private_Parameters must be an array of key names" },
  PRIVATE_PARAMETER_UNKNOWN: { severity: "warning", summary: "__Private_Parameters names a key the object does not have" },
  // Known providers
  PROVIDER_PARAMETER_MISSING: { severity: "error", summary: "the action provider requires this parameter" },
  PROVIDER_PARAMETER_UNKNOWN: { severity: "warning", summary: "the action provider does not document this parameter" },
  // Fidelity: what Globus accepts but only tolerates, and logic that depends on a disputed default
  COMMENT_NULL: { severity: "warning", summary: "Comment is null; Globus accepts it, the published schemas say string" },
  HANDLER_FORM: { severity: "warning", summary: "a Handler that is neither a urn:globus:flows:handle: URN nor a UUID registered API" },
  EXCEPTION_DEFAULT_DEPENDENCE: { severity: "warning", summary: "the flow's logic depends on the disputed default of ExceptionOnActionFailure" },
  EXPRESSION_UNDOCUMENTED: { severity: "warning", summary: "an expression uses a function or construct Globus does not document" },
  PROVIDER_PARAMETER_TYPE: { severity: "error", summary: "the parameter has the wrong type for this provider" },
  // Input schema and run input
  INPUT_READ_UNDECLARED: { severity: "error", summary: "the flow reads an input key the input schema cannot contain" },
  INPUT_READ_UNKNOWN: { severity: "warning", summary: "the flow reads an input key the input schema does not declare" },
  SCHEMA_INVALID: { severity: "error", summary: "the input schema is not a valid JSON Schema" },
  SCHEMA_FORMAT_UNKNOWN: { severity: "warning", summary: "the input schema uses a format flowsmith does not know" },
  INPUT_INVALID: { severity: "error", summary: "the run input does not match the input schema" },
  // Project configuration
  CONFIG_INVALID: { severity: "error", summary: "flowsmith.yaml has an unknown key or a bad value" },
  // DSL
  DSL_DUPLICATE_STATE_NAME: { severity: "error", summary: "two different states share one name" },
  DSL_ERROR: { severity: "error", summary: "the flow source could not be built" },
} as const satisfies Record<string, CatalogEntry>;

export type DiagnosticCode = keyof typeof CATALOG;

/** Build a diagnostic with the catalog's severity (overridable for context-dependent cases). */
export function diag(
  code: DiagnosticCode,
  pointer: string,
  message: string,
  extra: { severity?: Severity; hint?: string; source?: SourceLocation } = {},
): Diagnostic {
  const d: Diagnostic = { code, severity: extra.severity ?? CATALOG[code].severity, message, pointer };
  if (extra.hint) d.hint = extra.hint;
  if (extra.source) d.source = extra.source;
  return d;
}

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === "error");
}

/** RFC 6901 pointer from path segments. */
export function pointerOf(...segments: (string | number)[]): string {
  return segments.map((s) => "/" + String(s).replace(/~/g, "~0").replace(/\//g, "~1")).join("");
}

export function parsePointer(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}
