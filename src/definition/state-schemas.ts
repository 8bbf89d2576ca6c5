/**
 * JSON Schemas for the shape of each state type (globus-flows.md §1.6; field lists agree
 * with the Flows OpenAPI and the flows-ide schema). Only shapes live here: the rules
 * that need the whole definition (targets, exactly-one-of, operators) are checks in
 * src/validate. Kept permissive where real definitions in the wild differ from the docs
 * (Pass.Result of any JSON type; ExpressionEval with End).
 */
type Schema = Record<string, unknown>;

const str: Schema = { type: "string" };
const path: Schema = { type: "string" };
// Comment: null is what generators emit (Gladier writes it on every state) and the service
// accepts it; checks/tolerated.ts warns about it.
const common = { Type: str, Comment: { type: ["string", "null"] } };
const transition = { Next: str, End: { type: "boolean" } };
const parameters: Schema = { type: "object" };
const catcher: Schema = {
  type: "object",
  required: ["ErrorEquals", "Next"],
  additionalProperties: false,
  properties: { ErrorEquals: { type: "array", items: { type: "string", minLength: 1 }, minItems: 1, uniqueItems: true }, Next: str, ResultPath: path },
};
const catchList: Schema = { type: "array", items: catcher, minItems: 1 };

const handler: Schema = {
  anyOf: [
    // flows-ide's schema accepts any string handler; checks/tolerated.ts warns about non-URN ones.
    { type: "string", minLength: 1 },
    {
      type: "object",
      required: ["Type", "Url"],
      additionalProperties: false,
      properties: { Type: { const: "ActionProvider" }, Url: { type: "string", pattern: "^https://\\S+$" }, Scope: str },
    },
    {
      type: "object",
      required: ["Type", "Id"],
      additionalProperties: false,
      // flows-ide: `"format": "uuid"`; a non-UUID Id (the registered-API tutorial's placeholder) is a warning in checks/tolerated.ts.
      properties: { Type: { const: "RegisteredAPI" }, Id: { type: "string", minLength: 1 } },
    },
  ],
};

export const STATE_SCHEMAS: Record<string, Schema> = {
  Action: {
    type: "object",
    additionalProperties: false,
    properties: {
      ...common,
      ...transition,
      ActionUrl: str,
      Handler: handler,
      ActionScope: str,
      Parameters: parameters,
      InputPath: path,
      ResultPath: path,
      WaitTime: { type: "integer", minimum: 1 },
      ExceptionOnActionFailure: { type: "boolean" },
      RunAs: str,
      Catch: catchList,
      Resource: str,
    },
  },
  Pass: {
    type: "object",
    additionalProperties: false,
    properties: { ...common, ...transition, InputPath: path, Parameters: parameters, Result: {}, ResultPath: path },
  },
  ExpressionEval: {
    type: "object",
    required: ["Parameters", "ResultPath"],
    additionalProperties: false,
    properties: { ...common, ...transition, Parameters: parameters, ResultPath: path },
  },
  Wait: {
    type: "object",
    additionalProperties: false,
    properties: {
      ...common,
      ...transition,
      Seconds: { type: "integer", minimum: 0, maximum: 31536000 },
      SecondsPath: path,
      Timestamp: str,
      TimestampPath: path,
    },
  },
  Fail: {
    type: "object",
    additionalProperties: false,
    properties: { ...common, Error: str, ErrorPath: path, Cause: str, CausePath: path },
  },
  Choice: {
    type: "object",
    required: ["Choices"],
    additionalProperties: false,
    properties: { ...common, Choices: { type: "array", items: { type: "object" }, minItems: 1 }, Default: str },
  },
  CreateWebInput: {
    type: "object",
    additionalProperties: false,
    properties: { ...common, ...transition, Parameters: parameters, InputPath: path, ResultPath: path, Catch: catchList },
  },
  AwaitWebInput: {
    type: "object",
    additionalProperties: false,
    properties: { ...common, ...transition, Parameters: parameters, InputPath: path, ResultPath: path, Catch: catchList },
  },
  ActionWait: {
    type: "object",
    additionalProperties: false,
    properties: { ...common, ...transition, ResultPath: path, WaitTime: { type: "integer", minimum: 1 }, Catch: catchList },
  },
};

export const MODERN_STATE_TYPES = ["Action", "Pass", "Choice", "Wait", "Fail", "ExpressionEval", "CreateWebInput", "AwaitWebInput"];
export const LEGACY_STATE_TYPES = ["ActionWait"];
/** ASL types that Globus rejects, with what to use instead. */
export const ASL_ONLY_TYPES: Record<string, string> = {
  Task: "use an Action state with an ActionUrl",
  Succeed: 'use a Pass state with "End": true',
  Parallel: "run the branches one after another, or start several runs",
  Map: "loop with ExpressionEval + Choice over a list index",
};
