import { describe, expect, it } from "vitest";
import {
  action, choice, compileFlow, compute, defineFlow, deleteItems, env, expr, expressionEval, fail, FlowSourceError, ls, mkdir, pass, path, rule, secret, stat, transfer, validateDefinition, wait,
} from "../../src/index.js";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- untyped JSON documents mutated by the cases

interface Input {
  input: { source: { id: string; path: string }; destination: { id: string; path: string }; n: number; tags?: string[] };
}
const schema = {
  type: "object",
  properties: {
    input: {
      type: "object",
      additionalProperties: false,
      properties: { source: { type: "object" }, destination: { type: "object" }, n: { type: "number" }, tags: { type: "array" } },
    },
  },
};

function build(b: Parameters<typeof defineFlow<Input>>[0]["build"]) {
  const r = compileFlow(defineFlow<Input>({ name: "t", title: "T", inputSchema: schema, build: b }));
  return r;
}

describe("DSL rendering", () => {
  it("renders a transfer -> compute -> transfer flow exactly (golden)", () => {
    const r = build(($) => {
      const i = $.input;
      const a = transfer("Move", {
        source_endpoint: i.source.id,
        destination_endpoint: i.destination.id,
        DATA: [{ source_path: i.source.path, destination_path: expr`${i.destination.path} + 'x'`, recursive: true }],
        sync_level: 3,
        waitTime: 60,
      });
      const c = compute("Run", { endpoint: env("polaris_endpoint"), tasks: [{ function: "tomocupy_recon", kwargs: { file_name: i.source.path, n: i.n } }] });
      return a.next(c);
    });
    expect(r.diagnostics).toEqual([]);
    expect(r.flow!.definition).toStrictEqual({
      StartAt: "Move",
      States: {
        Move: {
          Type: "Action",
          ActionUrl: "https://transfer.actions.globus.org/transfer",
          Parameters: {
            "source_endpoint.$": "$.input.source.id",
            "destination_endpoint.$": "$.input.destination.id",
            DATA: [{ "source_path.$": "$.input.source.path", "destination_path.=": "`$.input.destination.path` + 'x'", recursive: true }],
            sync_level: 3,
          },
          ResultPath: "$.Move",
          WaitTime: 60,
          ExceptionOnActionFailure: true,
          Next: "Run",
        },
        Run: {
          Type: "Action",
          ActionUrl: "https://compute.actions.globus.org/v3",
          Parameters: { endpoint_id: "${env:polaris_endpoint}", tasks: [{ function_id: "${function:tomocupy_recon}", kwargs: { "file_name.$": "$.input.source.path", "n.$": "$.input.n" } }] },
          ResultPath: "$.Run",
          ExceptionOnActionFailure: true,
          End: true,
        },
      },
    });
    expect(r.flow!.functions).toEqual(["tomocupy_recon"]);
    expect(r.flow!.envRefs).toEqual(["polaris_endpoint"]);
  });

  it("renders every state type and the provider helpers", () => {
    const r = build(($) => {
      const i = $.input;
      const l = ls("List", { endpoint_id: i.source.id, path: i.source.path, filter: "type:dir" });
      const m = mkdir("Make", { endpoint_id: i.destination.id, path: i.destination.path });
      const s = stat("Stat", { endpoint_id: i.destination.id, path: i.destination.path });
      const d = deleteItems("Delete", { endpoint: i.source.id, DATA: [{ path: i.source.path }], recursive: true });
      const e = expressionEval("Count", { parameters: { n: expr("len(List.details.DATA)") }, resultPath: "$.count" });
      const w = wait("Pause", { secondsPath: path<number>("$.count.n") });
      const p = pass("Done", { result: { ok: true }, resultPath: "$.done" });
      const f = fail("Failed", { error: "E", causePath: "$.why" });
      const h = action("Hello", { url: "https://actions.globus.org/hello_world", parameters: { echo_string: "hi", password: secret("s3cret") }, runAs: "Flow", resultPath: null, exceptionOnActionFailure: null });
      l.catch(["ActionFailedException", "ActionTimeout"], m, { resultPath: "$.lsError" });
      l.next(s);
      m.next(s);
      s.next(d).next(e).next(w).next(h).next(p);
      void f;
      return l;
    });
    expect(r.diagnostics).toEqual([]);
    const S = r.flow!.definition.States as Obj;
    expect(S.List.Catch).toEqual([{ ErrorEquals: ["ActionFailedException", "ActionTimeout"], Next: "Make", ResultPath: "$.lsError" }]);
    expect(S.Make.Next).toBe("Stat");
    expect(S.Delete.Parameters).toEqual({ "endpoint.$": "$.input.source.id", DATA: [{ "path.$": "$.input.source.path" }], recursive: true });
    expect(S.Count).toEqual({ Type: "ExpressionEval", Parameters: { "n.=": "len(List.details.DATA)" }, ResultPath: "$.count", Next: "Pause" });
    expect(S.Pause).toEqual({ Type: "Wait", SecondsPath: "$.count.n", Next: "Hello" });
    expect(S.Hello).toEqual({ Type: "Action", ActionUrl: "https://actions.globus.org/hello_world", Parameters: { echo_string: "hi", password: "s3cret", __Private_Parameters: ["password"] }, RunAs: "Flow", Next: "Done" });
    expect(S.Done).toEqual({ Type: "Pass", Result: { ok: true }, ResultPath: "$.done", End: true });
    // Failed is not connected: it is not part of the graph
    expect(S.Failed).toBeUndefined();
    expect(validateDefinition(r.flow!.definition).filter((d) => d.severity === "error")).toEqual([]);
  });

  it("joins Choice branches with afterwards(), including the default", () => {
    const r = build(($) => {
      const c = choice("Big?");
      const big = pass("Big");
      const small = pass("Small");
      c.when(rule.numericGreaterThan($.input.n, 10), big).when(rule.and(rule.isPresent($.input.tags), rule.not(rule.numericEquals($.input.n, 0))), small);
      const after = pass("After");
      c.afterwards({ includeOtherwise: true }).next(after);
      return c;
    });
    const S = r.flow!.definition.States as Obj;
    expect(S["Big?"]).toEqual({
      Type: "Choice",
      Choices: [
        { Variable: "$.input.n", NumericGreaterThan: 10, Next: "Big" },
        { And: [{ Variable: "$.input.tags", IsPresent: true }, { Not: { Variable: "$.input.n", NumericEquals: 0 } }], Next: "Small" },
      ],
      Default: "After",
    });
    expect(S.Big.Next).toBe("After");
    expect(S.Small.Next).toBe("After");
    expect(S.After.End).toBe(true);
  });

  it("uses the Path form of an operator when the operand is a path", () => {
    const r = build(($) => {
      const c = choice("Same?").when(rule.stringEquals($.input.source.path, $.input.destination.path), pass("Yes")).otherwise(pass("No"));
      return c;
    });
    expect((r.flow!.definition.States["Same?"] as Obj).Choices[0]).toEqual({ Variable: "$.input.source.path", StringEqualsPath: "$.input.destination.path", Next: "Yes" });
  });

  it("allows many incoming edges and loops", () => {
    const r = build(($) => {
      const init = pass("Init", { result: { i: 0 }, resultPath: "$.state" });
      const step = expressionEval("Step", { parameters: { i: expr("state.i + 1") }, resultPath: "$.state" });
      const more = choice("More?");
      init.next(step).next(more);
      more.when(rule.numericLessThan(path("$.state.i"), 3), step).otherwise(pass("Done"));
      void $;
      return init;
    });
    expect(r.diagnostics).toEqual([]);
    expect((r.flow!.definition.States["More?"] as Obj).Choices[0].Next).toBe("Step");
  });
});

describe("DSL mistakes are reported at the call that made them", () => {
  it("reports a duplicate state name with both call sites", () => {
    const r = build(() => {
      const a = pass("Same");
      const b = pass("Same");
      return a.next(b);
    });
    const d = r.diagnostics.find((x) => x.code === "DSL_DUPLICATE_STATE_NAME")!;
    expect(d).toBeDefined();
    const sites = [...d.message.matchAll(/builders\.test\.ts:(\d+):\d+/g)].map((m) => Number(m[1]));
    expect(sites).toHaveLength(2);
    expect(sites[1]! - sites[0]!).toBe(1);
    expect(d.source?.file).toMatch(/builders\.test\.ts$/);
  });

  it("refuses a second next() on one state, naming the first", () => {
    const r = build(() => {
      const a = pass("A");
      a.next(pass("B"));
      a.next(pass("C"));
      return a;
    });
    const d = r.diagnostics.find((x) => x.code === "DSL_ERROR")!;
    expect(d.message).toMatch(/already continues with "B" \(set at .*builders\.test\.ts:\d+/);
    expect(d.source?.file).toMatch(/builders\.test\.ts$/);
  });

  it("rejects a path inside an array, a bad expression, and a bad path", () => {
    expect(() => path("$.a..")).toThrow(FlowSourceError);
    expect(() => expr("a +")).toThrow(/invalid expression/);
    const r = build(($) => transfer("T", { source_endpoint: "x", destination_endpoint: "y", DATA: [$.input.source as never] }));
    expect(r.diagnostics[0]!.code).toBe("DSL_ERROR");
    expect(r.diagnostics[0]!.message).toMatch(/array elements/);
  });

  it("checks WaitTime and the exactly-one-of options", () => {
    expect(() => transfer("T", { source_endpoint: "a", destination_endpoint: "b", DATA: [], waitTime: 1.5 })).toThrow(/positive integer/);
    expect(() => wait("W", { seconds: 1, timestamp: "2026-01-01T00:00:00Z" } as never)).toThrow(/exactly one/);
    expect(() => compute("C", { endpoint: "e", tasks: [] })).toThrow(/at least one task/);
    expect(() => compute("C", { endpoint: "e", tasks: [{ function: "f", function_id: "u" }] })).toThrow(/exactly one of function/);
  });

  it("reports a build that throws", () => {
    const r = build(() => {
      throw new Error("boom");
    });
    expect(r.diagnostics[0]).toMatchObject({ code: "DSL_ERROR", message: expect.stringContaining("boom") });
  });
});
