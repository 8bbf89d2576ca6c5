/**
 * The definition IR: plain JSON types for exactly what Globus Flows accepts
 * (globus-flows.md §1). Validator, engine and deployer consume only these types;
 * DSL builders produce them through one render function per state.
 */

export type JsonPrimitive = null | boolean | number | string;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export interface JsonObject {
  [key: string]: JsonValue;
}

/** A JSONPath string starting with `$` (e.g. `$.input.source.path`). */
export type JsonPathString = string;

/**
 * `Parameters` of Action, Pass and ExpressionEval states. Keys ending in `.$` take a
 * JSONPath, keys ending in `.=` take a Globus expression; `__Private_Parameters`
 * lists keys whose values are hidden from run status and logs (§1.3).
 */
export interface Parameters {
  [key: string]: JsonValue | undefined;
  __Private_Parameters?: string[];
}

export interface FlowDefinition {
  Comment?: string;
  StartAt: string;
  States: { [name: string]: State };
}

export type StateType =
  | "Action"
  | "Pass"
  | "Choice"
  | "Wait"
  | "Fail"
  | "ExpressionEval"
  | "CreateWebInput"
  | "AwaitWebInput";

/** Legacy type names seen in early globus-automate examples; still parsed, warned about. */
export type LegacyStateType = "ActionWait";

export interface StateBase {
  Type: StateType | LegacyStateType;
  Comment?: string;
}

export interface Transition {
  /** Exactly one of `Next` and `End: true` (§1.6). */
  Next?: string;
  End?: boolean;
}

export interface Catcher {
  /** Error names: ActionUnableToRun, ActionFailedException, ActionTimeout, States.ALL, … */
  ErrorEquals: string[];
  Next: string;
  ResultPath?: JsonPathString;
}

export type ActionHandler =
  | { Type: "ActionProvider"; Url: string; Scope?: string }
  | { Type: "RegisteredAPI"; Id: string }
  /** `urn:globus:flows:handle:globus:<SERVICE>.<ROUTE>` form of a Globus-hosted registered API. */
  | string;

export type RunAs = "User" | "Flow" | (string & {});

export interface ActionState extends StateBase, Transition {
  Type: "Action";
  /** Base URL of the action provider; exactly one of ActionUrl and Handler. */
  ActionUrl?: string;
  Handler?: ActionHandler;
  ActionScope?: string;
  /** Exactly one of Parameters and InputPath. */
  Parameters?: Parameters;
  InputPath?: JsonPathString;
  /** Defaults to `$`: the action status replaces the whole run state (§1.2). */
  ResultPath?: JsonPathString;
  /** Seconds to wait for completion before ActionTimeout; integer; default 300. */
  WaitTime?: number;
  /** The docs and the OpenAPI disagree on the default; flowsmith always emits it. */
  ExceptionOnActionFailure?: boolean;
  RunAs?: RunAs;
  Catch?: Catcher[];
  /** Legacy 2020 globus-automate spelling of ActionUrl. */
  Resource?: string;
}

export interface PassState extends StateBase, Transition {
  Type: "Pass";
  InputPath?: JsonPathString;
  Parameters?: Parameters;
  Result?: JsonValue;
  ResultPath?: JsonPathString;
}

export interface ExpressionEvalState extends StateBase, Transition {
  Type: "ExpressionEval";
  Parameters: Parameters;
  ResultPath: JsonPathString;
}

export interface WaitState extends StateBase, Transition {
  Type: "Wait";
  Seconds?: number;
  SecondsPath?: JsonPathString;
  Timestamp?: string;
  TimestampPath?: JsonPathString;
}

export interface FailState extends StateBase {
  Type: "Fail";
  Error?: string;
  ErrorPath?: JsonPathString;
  Cause?: string;
  CausePath?: JsonPathString;
}

/** Comparison operators of a Choice rule with a literal operand (§1.6.4). */
export const STRING_OPERATORS = [
  "StringEquals",
  "StringLessThan",
  "StringGreaterThan",
  "StringLessThanEquals",
  "StringGreaterThanEquals",
] as const;
export const NUMERIC_OPERATORS = [
  "NumericEquals",
  "NumericLessThan",
  "NumericGreaterThan",
  "NumericLessThanEquals",
  "NumericGreaterThanEquals",
] as const;
export const TIMESTAMP_OPERATORS = [
  "TimestampEquals",
  "TimestampLessThan",
  "TimestampGreaterThan",
  "TimestampLessThanEquals",
  "TimestampGreaterThanEquals",
] as const;
export const BOOLEAN_OPERATORS = ["BooleanEquals"] as const;
export const TYPE_TEST_OPERATORS = [
  "IsNull",
  "IsPresent",
  "IsNumeric",
  "IsString",
  "IsBoolean",
  "IsTimestamp",
] as const;

type WithPath<T extends string> = T | `${T}Path`;
export type StringOperator = WithPath<(typeof STRING_OPERATORS)[number]> | "StringMatches";
export type NumericOperator = WithPath<(typeof NUMERIC_OPERATORS)[number]>;
export type TimestampOperator = WithPath<(typeof TIMESTAMP_OPERATORS)[number]>;
export type BooleanOperator = WithPath<"BooleanEquals">;
export type TypeTestOperator = (typeof TYPE_TEST_OPERATORS)[number];
export type ComparisonOperator =
  | StringOperator
  | NumericOperator
  | TimestampOperator
  | BooleanOperator
  | TypeTestOperator;

/** Every comparison operator name, each with its operand kind. */
export const COMPARISON_OPERATORS: Readonly<Record<ComparisonOperator, "string" | "number" | "timestamp" | "boolean" | "path">> =
  (() => {
    const table: Record<string, "string" | "number" | "timestamp" | "boolean" | "path"> = {};
    for (const op of STRING_OPERATORS) Object.assign(table, { [op]: "string", [`${op}Path`]: "path" });
    for (const op of NUMERIC_OPERATORS) Object.assign(table, { [op]: "number", [`${op}Path`]: "path" });
    for (const op of TIMESTAMP_OPERATORS) Object.assign(table, { [op]: "timestamp", [`${op}Path`]: "path" });
    Object.assign(table, { BooleanEquals: "boolean", BooleanEqualsPath: "path", StringMatches: "string" });
    for (const op of TYPE_TEST_OPERATORS) table[op] = "boolean";
    return table as Record<ComparisonOperator, "string" | "number" | "timestamp" | "boolean" | "path">;
  })();

export type VariableRule = { Variable: JsonPathString } & Partial<Record<ComparisonOperator, JsonPrimitive>>;
export interface AndRule {
  And: ChoiceRule[];
}
export interface OrRule {
  Or: ChoiceRule[];
}
export interface NotRule {
  Not: ChoiceRule;
}
export type ChoiceRule = VariableRule | AndRule | OrRule | NotRule;
export type TopLevelChoiceRule = ChoiceRule & { Next: string };

export interface ChoiceState extends StateBase {
  Type: "Choice";
  Choices: TopLevelChoiceRule[];
  Default?: string;
}

/** Web-input states used by globus-flows-examples `web_input_examples`. */
export interface WebInputState extends StateBase, Transition {
  Type: "CreateWebInput" | "AwaitWebInput";
  Parameters?: Parameters;
  InputPath?: JsonPathString;
  ResultPath?: JsonPathString;
  Catch?: Catcher[];
}

/** Legacy globus-automate state that waited for an asynchronous `Resource` action. */
export interface ActionWaitState extends StateBase, Transition {
  Type: "ActionWait";
  ResultPath?: JsonPathString;
  WaitTime?: number;
  Catch?: Catcher[];
}

export type State =
  | ActionState
  | PassState
  | ChoiceState
  | WaitState
  | FailState
  | ExpressionEvalState
  | WebInputState
  | ActionWaitState;

/** State types that carry `Next`/`End`. */
export const TRANSITIONING_TYPES: ReadonlySet<string> = new Set([
  "Action",
  "Pass",
  "Wait",
  "ExpressionEval",
  "CreateWebInput",
  "AwaitWebInput",
  "ActionWait",
]);

/** A flow's JSON input schema (any JSON Schema document). */
export type InputSchema = JsonObject;

/** `$._context` (globus-flows.md §1.5): read-only facts about the run, readable from every state. */
export interface RunContext {
  flow_id: string;
  run_id: string;
  username: string;
  email: string;
  user_id: string;
  identities: string[];
  token_info: { exp: number; iat: number; nbf: number };
}
