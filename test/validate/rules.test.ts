/**
 * One broken definition per validator rule, each pinned to its diagnostic code
 * (style-anchors.md §3.8: the expected code per fixture, not just "has errors").
 */
import { describe, expect, it } from "vitest";
import { CATALOG, validateDefinition, type DiagnosticCode } from "../../src/index.js";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- untyped JSON documents mutated by the cases

const UUID = "6c54cade-bde5-45c1-bdea-f4bd71dba2cc";

/** A small valid definition every case breaks in one way. */
function base(): Obj {
  return {
    Comment: "base",
    StartAt: "Transfer",
    States: {
      Transfer: {
        Type: "Action",
        ActionUrl: "https://transfer.actions.globus.org/transfer",
        Parameters: {
          source_endpoint: UUID,
          "destination_endpoint.$": "$.input.destination.id",
          DATA: [{ "source_path.$": "$.input.source.path", destination_path: "/~/out/", recursive: true }],
        },
        ResultPath: "$.Transfer",
        WaitTime: 600,
        ExceptionOnActionFailure: true,
        Catch: [{ ErrorEquals: ["ActionFailedException"], Next: "Failed", ResultPath: "$.error" }],
        Next: "Check",
      },
      Check: {
        Type: "Choice",
        Choices: [{ Variable: "$.Transfer.status", StringEquals: "SUCCEEDED", Next: "Compute" }],
        Default: "Failed",
      },
      Compute: {
        Type: "Action",
        ActionUrl: "https://compute.actions.globus.org/v3",
        Parameters: { "endpoint_id.$": "$.input.endpoint", tasks: [{ function_id: UUID, kwargs: { "name.=": "input.source.path + '/x'" } }] },
        ResultPath: "$.Compute",
        ExceptionOnActionFailure: true,
        Next: "Pause",
      },
      Pause: { Type: "Wait", Seconds: 5, Next: "Summarise" },
      Summarise: { Type: "ExpressionEval", Parameters: { "n.=": "len(Compute.details.result)" }, ResultPath: "$.summary", Next: "Done" },
      Done: { Type: "Pass", End: true },
      Failed: { Type: "Fail", Error: "TransferFailed", Cause: "the transfer failed" },
    },
  };
}

const schema = {
  type: "object",
  required: ["input"],
  additionalProperties: false,
  properties: {
    input: {
      type: "object",
      additionalProperties: false,
      properties: {
        source: { type: "object", properties: { id: { type: "string" }, path: { type: "string" } }, additionalProperties: false },
        destination: { type: "object", properties: { id: { type: "string" }, path: { type: "string" } } },
        endpoint: { type: "string", format: "uuid" },
      },
    },
  },
};

type Case = [label: string, code: DiagnosticCode, mutate: (d: Obj) => unknown, pointer?: string];

const cases: Case[] = [
  ["top level not an object", "DEFINITION_NOT_OBJECT", () => []],
  ["unknown top-level field", "TOP_LEVEL_FIELD_UNKNOWN", (d) => ((d.TimeoutSeconds = 5), d), "/TimeoutSeconds"],
  ["missing StartAt", "TOP_LEVEL_FIELD_MISSING", (d) => (delete d.StartAt, d)],
  ["missing States", "TOP_LEVEL_FIELD_MISSING", (d) => (delete d.States, d)],
  ["StartAt not a string", "FIELD_TYPE", (d) => ((d.StartAt = 3), d), "/StartAt"],
  ["empty States", "STATES_EMPTY", (d) => ((d.States = {}), d)],
  ["StartAt names no state", "START_AT_UNDEFINED", (d) => ((d.StartAt = "Nope"), d), "/StartAt"],
  ["state name too long", "STATE_NAME_INVALID", (d) => ((d.States["x".repeat(129)] = { Type: "Pass", End: true }), d)],
  ["state not an object", "STATE_NOT_OBJECT", (d) => ((d.States.Done = "Pass"), d), "/States/Done"],
  ["state without Type", "STATE_TYPE_MISSING", (d) => (delete d.States.Done.Type, d), "/States/Done"],
  ["ASL-only Task type", "STATE_TYPE_UNKNOWN", (d) => ((d.States.Done = { Type: "Task", Resource: "x", End: true }), d), "/States/Done/Type"],
  ["Succeed type", "STATE_TYPE_UNKNOWN", (d) => ((d.States.Done = { Type: "Succeed" }), d), "/States/Done/Type"],
  ["legacy ActionWait", "STATE_TYPE_LEGACY", (d) => ((d.States.Done = { Type: "ActionWait", End: true }), d), "/States/Done/Type"],
  ["ExpressionEval without ResultPath", "STATE_FIELD_MISSING", (d) => (delete d.States.Summarise.ResultPath, d), "/States/Summarise"],
  ["misspelled field", "STATE_FIELD_UNKNOWN", (d) => ((d.States.Transfer.ResultPth = "$.x"), d), "/States/Transfer/ResultPth"],
  ["unknown field in a catcher", "STATE_FIELD_UNKNOWN", (d) => ((d.States.Transfer.Catch[0].Retry = 1), d), "/States/Transfer/Catch/0/Retry"],
  ["Comment not a string", "STATE_FIELD_TYPE", (d) => ((d.States.Done.Comment = 5), d), "/States/Done/Comment"],
  ["OutputPath", "OUTPUT_PATH_NOT_ALLOWED", (d) => ((d.States.Done.OutputPath = "$.x"), d), "/States/Done/OutputPath"],
  ["Retry", "RETRY_NOT_SUPPORTED", (d) => ((d.States.Transfer.Retry = [{ ErrorEquals: ["States.ALL"] }]), d), "/States/Transfer/Retry"],
  ["Next and End", "NEXT_END_CONFLICT", (d) => ((d.States.Pause.End = true), d), "/States/Pause"],
  ["neither Next nor End", "NEXT_END_MISSING", (d) => (delete d.States.Done.End, d), "/States/Done"],
  ["End false without Next", "NEXT_END_MISSING", (d) => ((d.States.Done.End = false), d), "/States/Done"],
  ["Next to a missing state", "TRANSITION_TARGET_UNDEFINED", (d) => ((d.States.Pause.Next = "summarise"), d), "/States/Pause/Next"],
  ["Default to a missing state", "TRANSITION_TARGET_UNDEFINED", (d) => ((d.States.Check.Default = "Nowhere"), d), "/States/Check/Default"],
  ["rule Next to a missing state", "TRANSITION_TARGET_UNDEFINED", (d) => ((d.States.Check.Choices[0].Next = "Nowhere"), d), "/States/Check/Choices/0/Next"],
  ["Catch Next to a missing state", "TRANSITION_TARGET_UNDEFINED", (d) => ((d.States.Transfer.Catch[0].Next = "Nowhere"), d), "/States/Transfer/Catch/0/Next"],
  ["unreachable state", "UNREACHABLE_STATE", (d) => ((d.States.Orphan = { Type: "Pass", End: true }), d), "/States/Orphan"],
  ["no terminal state", "NO_TERMINAL_STATE", (d) => ((d.States = { A: { Type: "Pass", Next: "B" }, B: { Type: "Pass", Next: "A" } }), (d.StartAt = "A"), d)],
  ["empty Choices", "CHOICES_EMPTY", (d) => ((d.States.Check.Choices = []), d), "/States/Check/Choices"],
  ["rule with two operators", "CHOICE_RULE_OPERATOR", (d) => ((d.States.Check.Choices[0].IsPresent = true), d), "/States/Check/Choices/0"],
  ["rule with no operator", "CHOICE_RULE_OPERATOR", (d) => (delete d.States.Check.Choices[0].StringEquals, d), "/States/Check/Choices/0"],
  ["misspelled operator", "CHOICE_RULE_OPERATOR", (d) => ((d.States.Check.Choices[0] = { Variable: "$.x", StringEqual: "a", Next: "Compute" }), d), "/States/Check/Choices/0/StringEqual"],
  ["top-level rule without Next", "CHOICE_RULE_NEXT_MISSING", (d) => (delete d.States.Check.Choices[0].Next, d), "/States/Check/Choices/0"],
  ["nested rule with Next", "CHOICE_NESTED_NEXT", (d) => ((d.States.Check.Choices[0] = { And: [{ Variable: "$.a", IsPresent: true, Next: "Done" }], Next: "Compute" }), d), "/States/Check/Choices/0/And/0/Next"],
  ["comparison without Variable", "CHOICE_VARIABLE_MISSING", (d) => (delete d.States.Check.Choices[0].Variable, d), "/States/Check/Choices/0"],
  ["numeric operator with a string", "CHOICE_OPERAND_TYPE", (d) => ((d.States.Check.Choices[0] = { Variable: "$.n", NumericEquals: "3", Next: "Compute" }), d), "/States/Check/Choices/0/NumericEquals"],
  ["timestamp operator with a bad date", "CHOICE_OPERAND_TYPE", (d) => ((d.States.Check.Choices[0] = { Variable: "$.t", TimestampLessThan: "yesterday", Next: "Compute" }), d)],
  ["Wait with two durations", "WAIT_DURATION", (d) => ((d.States.Pause.SecondsPath = "$.s"), d), "/States/Pause"],
  ["Wait with no duration", "WAIT_DURATION", (d) => (delete d.States.Pause.Seconds, d), "/States/Pause"],
  ["Wait with a bad Timestamp", "WAIT_TIMESTAMP_INVALID", (d) => (delete d.States.Pause.Seconds, (d.States.Pause.Timestamp = "2026-13-01"), d), "/States/Pause/Timestamp"],
  ["Fail with Error and ErrorPath", "FAIL_FIELD_CONFLICT", (d) => ((d.States.Failed.ErrorPath = "$.e"), d), "/States/Failed/ErrorPath"],
  ["Catch on a Pass", "CATCH_NOT_ALLOWED", (d) => ((d.States.Done.Catch = [{ ErrorEquals: ["States.ALL"], Next: "Failed" }]), d), "/States/Done/Catch"],
  ["empty ErrorEquals", "CATCH_ERROR_EQUALS_EMPTY", (d) => ((d.States.Transfer.Catch[0].ErrorEquals = []), d), "/States/Transfer/Catch/0/ErrorEquals"],
  ["States.ALL not last", "CATCH_ALL_NOT_LAST", (d) => (d.States.Transfer.Catch.unshift({ ErrorEquals: ["States.ALL"], Next: "Failed" }), d), "/States/Transfer/Catch/0/ErrorEquals"],
  ["Action without ActionUrl", "ACTION_TARGET_MISSING", (d) => (delete d.States.Transfer.ActionUrl, d), "/States/Transfer"],
  ["ActionUrl and Handler", "ACTION_TARGET_CONFLICT", (d) => ((d.States.Transfer.Handler = { Type: "ActionProvider", Url: "https://transfer.actions.globus.org/transfer" }), d)],
  ["Action without input", "ACTION_INPUT_MISSING", (d) => (delete d.States.Compute.Parameters, d), "/States/Compute"],
  ["Parameters and InputPath", "ACTION_INPUT_CONFLICT", (d) => ((d.States.Compute.InputPath = "$.input"), d), "/States/Compute"],
  ["http ActionUrl", "ACTION_URL_INVALID", (d) => ((d.States.Compute.ActionUrl = "http://example.org/ap"), d), "/States/Compute/ActionUrl"],
  ["retired transfer URL", "ACTION_URL_RETIRED", (d) => ((d.States.Transfer.ActionUrl = "https://actions.automate.globus.org/transfer/transfer"), d), "/States/Transfer/ActionUrl"],
  ["legacy Resource key", "ACTION_RESOURCE_LEGACY", (d) => (delete d.States.Compute.ActionUrl, (d.States.Compute.Resource = "https://compute.actions.globus.org/v3"), d), "/States/Compute/Resource"],
  ["fractional WaitTime", "WAIT_TIME_NOT_INTEGER", (d) => ((d.States.Transfer.WaitTime = 1.5), d), "/States/Transfer/WaitTime"],
  ["string WaitTime", "WAIT_TIME_NOT_INTEGER", (d) => ((d.States.Transfer.WaitTime = "600"), d), "/States/Transfer/WaitTime"],
  ["empty RunAs", "RUN_AS_INVALID", (d) => ((d.States.Compute.RunAs = " "), d), "/States/Compute/RunAs"],
  ["bad InputPath", "JSONPATH_SYNTAX", (d) => ((d.States.Done.InputPath = "$.input..[0"), d), "/States/Done/InputPath"],
  ["path without $", "JSONPATH_SYNTAX", (d) => ((d.States.Transfer.Parameters["destination_endpoint.$"] = "input.destination.id"), d), "/States/Transfer/Parameters/destination_endpoint.$"],
  ["bad nested .$ value", "JSONPATH_SYNTAX", (d) => ((d.States.Transfer.Parameters.DATA[0]["source_path.$"] = "$.input.source.[path"), d), "/States/Transfer/Parameters/DATA/0/source_path.$"],
  ["bad Choice Variable", "JSONPATH_SYNTAX", (d) => ((d.States.Check.Choices[0].Variable = "$.Transfer..status."), d), "/States/Check/Choices/0/Variable"],
  ["bad SecondsPath", "JSONPATH_SYNTAX", (d) => (delete d.States.Pause.Seconds, (d.States.Pause.SecondsPath = "$.a b"), d), "/States/Pause/SecondsPath"],
  ["wildcard ResultPath", "RESULT_PATH_INVALID", (d) => ((d.States.Transfer.ResultPath = "$.results[*]"), d), "/States/Transfer/ResultPath"],
  ["ResultPath into _context", "RESULT_PATH_INVALID", (d) => ((d.States.Summarise.ResultPath = "$._context.x"), d), "/States/Summarise/ResultPath"],
  ["bad expression", "EXPRESSION_SYNTAX", (d) => ((d.States.Summarise.Parameters["n.="] = "len(Compute.details.result"), d), "/States/Summarise/Parameters/n.="],
  ["assignment in an expression", "EXPRESSION_SYNTAX", (d) => ((d.States.Summarise.Parameters["n.="] = "x = 1"), d), "/States/Summarise/Parameters/n.="],
  ["lambda in an expression", "EXPRESSION_UNSUPPORTED", (d) => ((d.States.Summarise.Parameters["n.="] = "(lambda x: x)(1)"), d), "/States/Summarise/Parameters/n.="],
  ["bad nested expression", "EXPRESSION_SYNTAX", (d) => ((d.States.Compute.Parameters.tasks[0].kwargs["name.="] = "input.source.path +"), d), "/States/Compute/Parameters/tasks/0/kwargs/name.="],
  ["x and x.$", "PARAMETER_KEY_COLLISION", (d) => ((d.States.Transfer.Parameters.destination_endpoint = UUID), d)],
  [".$ value not a string", "PARAMETER_VALUE_NOT_STRING", (d) => ((d.States.Transfer.Parameters["label.$"] = 5), d), "/States/Transfer/Parameters/label.$"],
  [".= value not a string", "PARAMETER_VALUE_NOT_STRING", (d) => ((d.States.Summarise.Parameters["n.="] = ["len(x)"]), d), "/States/Summarise/Parameters/n.="],
  ["__Private_Parameters not an array", "PRIVATE_PARAMETERS_INVALID", (d) => ((d.States.Transfer.Parameters.__Private_Parameters = "source_endpoint"), d)],
  ["__Private_Parameters names a missing key", "PRIVATE_PARAMETER_UNKNOWN", (d) => ((d.States.Transfer.Parameters.__Private_Parameters = ["password"]), d)],
  ["transfer without DATA", "PROVIDER_PARAMETER_MISSING", (d) => (delete d.States.Transfer.Parameters.DATA, d), "/States/Transfer/Parameters"],
  ["transfer item without destination_path", "PROVIDER_PARAMETER_MISSING", (d) => (delete d.States.Transfer.Parameters.DATA[0].destination_path, d), "/States/Transfer/Parameters/DATA/0"],
  ["compute v3 with v2 names", "PROVIDER_PARAMETER_UNKNOWN", (d) => ((d.States.Compute.Parameters.function = UUID), d), "/States/Compute/Parameters/function"],
  ["compute task without function_id", "PROVIDER_PARAMETER_MISSING", (d) => (delete d.States.Compute.Parameters.tasks[0].function_id, d)],
  ["DATA not a list", "PROVIDER_PARAMETER_TYPE", (d) => ((d.States.Transfer.Parameters.DATA = { source_path: "/a" }), d), "/States/Transfer/Parameters/DATA"],
  ["Choice rule Next not a string", "STATE_FIELD_TYPE", (d) => ((d.States.Check.Choices[0].Next = 5), d), "/States/Check/Choices/0/Next"],
  ["Type named like an Object.prototype member", "STATE_TYPE_UNKNOWN", (d) => ((d.States.Done.Type = "toString"), d), "/States/Done/Type"],
  ["StartAt named like an Object.prototype member", "START_AT_UNDEFINED", (d) => ((d.StartAt = "hasOwnProperty"), d), "/StartAt"],
  ["empty Handler", "STATE_FIELD_TYPE", (d) => (delete d.States.Compute.ActionUrl, (d.States.Compute.Handler = ""), d), "/States/Compute/Handler"],
  ["http Handler Url", "STATE_FIELD_TYPE", (d) => (delete d.States.Compute.ActionUrl, (d.States.Compute.Handler = { Type: "ActionProvider", Url: "http://compute.actions.globus.org/v3" }), d), "/States/Compute/Handler"],
  ["RegisteredAPI Id not a UUID", "HANDLER_FORM", (d) => (delete d.States.Compute.ActionUrl, (d.States.Compute.Handler = { Type: "RegisteredAPI", Id: "nope" }), d), "/States/Compute/Handler/Id"],
  ["string Handler that is not a handle URN", "HANDLER_FORM", (d) => (delete d.States.Compute.ActionUrl, (d.States.Compute.Handler = "compute"), d), "/States/Compute/Handler"],
  ['"Comment": null on a state', "COMMENT_NULL", (d) => ((d.States.Pause.Comment = null), d), "/States/Pause/Comment"],
  ["catching ActionFailedException with the default unset", "EXCEPTION_DEFAULT_DEPENDENCE", (d) => (delete d.States.Transfer.ExceptionOnActionFailure, d), "/States/Transfer/Catch"],
  ["branching on a failure with the default unset", "EXCEPTION_DEFAULT_DEPENDENCE", (d) => (delete d.States.Compute.ExceptionOnActionFailure, (d.States.Summarise.Parameters["ok.="] = "Compute.details.code != 'NotFound'"), d), "/States/Compute"],
  ["an expression function Globus does not document", "EXPRESSION_UNDOCUMENTED", (d) => ((d.States.Summarise.Parameters["n.="] = "sorted(Compute.details.result)"), d), "/States/Summarise/Parameters/n.="],
  ["fractional Wait Seconds", "STATE_FIELD_TYPE", (d) => ((d.States.Pause.Seconds = 1.5), d), "/States/Pause/Seconds"],
  ["duplicate error names", "STATE_FIELD_TYPE", (d) => ((d.States.Transfer.Catch[0].ErrorEquals = ["ActionTimeout", "ActionTimeout"]), d), "/States/Transfer/Catch/0/ErrorEquals"],
  ["empty error name", "STATE_FIELD_TYPE", (d) => ((d.States.Transfer.Catch[0].ErrorEquals = [""]), d), "/States/Transfer/Catch/0/ErrorEquals/0"],
  ["ActionUrl with a space", "ACTION_URL_INVALID", (d) => ((d.States.Compute.ActionUrl = "https://actions.globus.org/hello world"), d), "/States/Compute/ActionUrl"],
  ["impossible Timestamp date", "WAIT_TIMESTAMP_INVALID", (d) => (delete d.States.Pause.Seconds, (d.States.Pause.Timestamp = "2026-02-30T00:00:00Z"), d), "/States/Pause/Timestamp"],
  ["wildcard SecondsPath", "PATH_NOT_SINGLE", (d) => (delete d.States.Pause.Seconds, (d.States.Pause.SecondsPath = "$.t[*]"), d), "/States/Pause/SecondsPath"],
  ["wildcard Choice Variable", "PATH_NOT_SINGLE", (d) => ((d.States.Check.Choices[0].Variable = "$.Transfer.*"), d), "/States/Check/Choices/0/Variable"],
  ["known provider with no Parameters", "PROVIDER_PARAMETER_MISSING", (d) => (delete d.States.Compute.Parameters, d), "/States/Compute/Parameters"],
  ["bad sync_level", "PROVIDER_PARAMETER_TYPE", (d) => ((d.States.Transfer.Parameters.sync_level = 7), d), "/States/Transfer/Parameters/sync_level"],
];

const schemaCases: Case[] = [
  ["misspelled input key", "INPUT_READ_UNDECLARED", (d) => ((d.States.Transfer.Parameters.DATA[0]["source_path.$"] = "$.input.sorce.path"), d), "/States/Transfer/Parameters/DATA/0/source_path.$"],
  ["misspelled nested input key in a closed object", "INPUT_READ_UNDECLARED", (d) => ((d.States.Transfer.Parameters.DATA[0]["source_path.$"] = "$.input.source.pth"), d)],
  ["misspelled input key in an expression", "INPUT_READ_UNDECLARED", (d) => ((d.States.Compute.Parameters.tasks[0].kwargs["name.="] = "input.sorce.path + '/x'"), d)],
  ["misspelled input key in a Choice", "INPUT_READ_UNDECLARED", (d) => ((d.States.Check.Choices[0].Variable = "$.input.endpont"), d), "/States/Check/Choices/0/Variable"],
  ["undeclared key in an open object", "INPUT_READ_UNKNOWN", (d) => ((d.States.Transfer.Parameters["destination_endpoint.$"] = "$.input.destination.uuid"), d)],
];

describe("validator rules", () => {
  it("the base definition is clean", () => {
    expect(validateDefinition(base(), { inputSchema: schema })).toEqual([]);
  });

  it.each([...cases, ...schemaCases])("%s -> %s", (_label, code, mutate, pointer) => {
    const d = mutate(base());
    const diags = validateDefinition(d, { inputSchema: schema });
    const hit = diags.filter((x) => x.code === code);
    expect(hit.length, JSON.stringify(diags, null, 1)).toBeGreaterThan(0);
    if (pointer !== undefined) expect(hit.map((h) => h.pointer)).toContain(pointer);
    for (const h of hit) {
      expect(h.message.length).toBeGreaterThan(10);
      expect(h.severity).toBe(code === "INPUT_READ_UNKNOWN" ? "info" : CATALOG[code].severity);
    }
  });

  it("covers every definition-level code in the catalog", () => {
    const covered = new Set([...cases, ...schemaCases].map((c) => c[1]));
    const elsewhere = new Set(["PARSE_ERROR", "DUPLICATE_JSON_KEY", "SCHEMA_INVALID", "SCHEMA_FORMAT_UNKNOWN", "INPUT_INVALID", "DSL_DUPLICATE_STATE_NAME", "DSL_ERROR", "CONFIG_INVALID"]);
    const missing = Object.keys(CATALOG).filter((c) => !covered.has(c as DiagnosticCode) && !elsewhere.has(c));
    expect(missing).toEqual([]);
  });

  it("accepts End: false beside Next (not a terminal state)", () => {
    const d = base();
    d.States.Pause.End = false;
    expect(validateDefinition(d, { inputSchema: schema })).toEqual([]);
  });

  it("reports one broken edge without a cascade of NO_TERMINAL_STATE", () => {
    const d = base();
    d.States.Summarise.Next = "done";
    const codes = validateDefinition(d).map((x) => x.code);
    expect(codes).toContain("TRANSITION_TARGET_UNDEFINED");
    expect(codes).not.toContain("NO_TERMINAL_STATE");
  });

  it("does not flag optional reads (is_present, getattr) as undeclared input", () => {
    const d = base();
    d.States.Summarise.Parameters["n.="] = "getattr('input.maybe', 0) + (1 if is_present('input.other') else 0)";
    expect(validateDefinition(d, { inputSchema: schema })).toEqual([]);
  });

  it("does not mutate the definition it checks", () => {
    const d = base();
    const before = JSON.stringify(d);
    validateDefinition(d, { inputSchema: schema });
    expect(JSON.stringify(d)).toBe(before);
  });

  it("keeps going after the first problem and reports all of them", () => {
    const d = base();
    d.States.Pause.Next = "nowhere";
    d.States.Done.OutputPath = "$";
    d.States.Transfer.WaitTime = 0.5;
    const codes = validateDefinition(d).map((x) => x.code);
    expect(codes).toEqual(expect.arrayContaining(["TRANSITION_TARGET_UNDEFINED", "OUTPUT_PATH_NOT_ALLOWED", "WAIT_TIME_NOT_INTEGER"]));
  });

  it("turns the check of input reads off when a state replaces the whole run state", () => {
    const d = base();
    delete d.States.Compute.ResultPath;
    d.States.Transfer.Parameters.DATA[0]["source_path.$"] = "$.input.sorce.path";
    expect(validateDefinition(d, { inputSchema: schema }).filter((x) => x.code.startsWith("INPUT_READ"))).toEqual([]);
  });

  it("does not treat keys written by earlier states as input reads", () => {
    const d = base();
    d.States.Check.Choices[0].Variable = "$.summary.n";
    expect(validateDefinition(d, { inputSchema: schema }).filter((x) => x.code.startsWith("INPUT_READ"))).toEqual([]);
  });
});
