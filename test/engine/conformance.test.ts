/**
 * Engine conformance (asl-semantics.md §1.10, adapted to the Globus dialect): each case is
 * a definition, an input and the expected end status / output. Time is a ManualClock.
 */
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/engine/clock.js";
import { runToEnd, resumeRun, step, type EngineEnv } from "../../src/engine/interpreter.js";
import { newRun } from "../../src/engine/start.js";
import type { EngineRun, LogEntry } from "../../src/engine/types.js";
import type { FlowDefinition } from "../../src/definition/types.js";
import { FakeProvider } from "./fake-provider.js";

const AP = "https://example.org/ap";
const ID = "urn:globus:auth:identity:00000000-0000-0000-0000-000000000001";

function start(definition: unknown, input: unknown): EngineRun {
  return newRun({ run_id: "run-1", flow_id: "flow-1", definition: definition as FlowDefinition, input, caller: { identity: ID, username: "ada@example.org", email: "ada@example.org" }, now: Date.parse("2026-01-01T00:00:00Z") }).run;
}

async function execute(definition: unknown, input: unknown, provider = new FakeProvider(), options: EngineEnv["options"] = {}) {
  const clock = new ManualClock();
  const env: EngineEnv = { clock, providers: () => provider, options };
  const pending = runToEnd(start(definition, input), env);
  // Drive time forward until the run settles.
  for (let i = 0; i < 10000; i++) {
    const done = await Promise.race([pending.then(() => true), new Promise<boolean>((r) => setImmediate(() => r(false)))]);
    if (done) break;
    await clock.advance(1000);
  }
  const r = await pending;
  return { ...r, provider, clock };
}

const pass = (extra: object = {}) => ({ Type: "Pass", End: true, ...extra });
const one = (state: object) => ({ StartAt: "S", States: { S: state } });

describe("data flow", () => {
  it.each([
    ["Pass without ResultPath passes the input through", pass(), { a: 1 }, { a: 1 }],
    ["Result without ResultPath replaces the state", pass({ Result: { r: 1 } }), { a: 1 }, { r: 1 }],
    ['explicit ResultPath "$" replaces the state', pass({ Result: { r: 1 }, ResultPath: "$" }), { a: 1 }, { r: 1 }],
    ["ResultPath merges into the state", pass({ Result: "hi", ResultPath: "$.b.greeting" }), { a: 1 }, { a: 1, b: { greeting: "hi" } }],
    ["ResultPath overwrites an existing key", pass({ Result: 2, ResultPath: "$.a" }), { a: 1 }, { a: 2 }],
    ["Parameters with .$ in nested objects and arrays", pass({ Parameters: { x: { "y.$": "$.a" }, list: [{ "z.$": "$.b[1]" }] }, ResultPath: "$.p" }), { a: 1, b: [5, 6] }, { a: 1, b: [5, 6], p: { x: { y: 1 }, list: [{ z: 6 }] } }],
    ["Parameters with .= expressions and _context", pass({ Parameters: { "n.=": "a + 1", "who.=": "_context.username", "run.$": "$._context.run_id" }, ResultPath: "$.p" }), { a: 1 }, { a: 1, p: { n: 2, who: "ada@example.org", run: "run-1" } }],
    ["Pass InputPath + ResultPath moves the value (Globus)", pass({ InputPath: "$.DataOrigin", ResultPath: "$.DataDestination" }), { DataOrigin: "X", DataTransitMethod: "Y" }, { DataDestination: "X", DataTransitMethod: "Y" }],
    ["Pass InputPath alone replaces the state with the selection", pass({ InputPath: "$.a" }), { a: { b: 1 } }, { b: 1 }],
  ])("%s", async (_n, state, input, output) => {
    const r = await execute(one(state), input);
    expect(r.run.status).toBe("SUCCEEDED");
    expect(r.run.state).toEqual(output);
    expect(r.events.at(-1)).toMatchObject({ code: "FlowSucceeded", details: { output } });
  });

  it.each([0, "", false, null, [], {}])("$ applied to the falsy input %j", async (input) => {
    const r = await execute(one(pass({ InputPath: "$", ResultPath: "$.copy" })), input === null || typeof input !== "object" || Array.isArray(input) ? { v: input } : input);
    expect(r.run.status).toBe("SUCCEEDED");
    const r2 = await execute(one(pass({ InputPath: "$" })), input);
    expect(r2.run.state).toEqual(input);
  });

  it("ResultPath into a scalar fails the run (ResultPathMatchFailure)", async () => {
    const r = await execute(one(pass({ Result: 1, ResultPath: "$.a.b" })), { a: "scalar" });
    expect(r.run.status).toBe("FAILED");
    expect(r.run.error).toMatchObject({ code: "States.Runtime", state_name: "S" });
    expect(r.run.error!.cause).toMatch(/ResultPath/);
  });

  it("a .$ reference to a missing key fails the run and names the path", async () => {
    const r = await execute(one(pass({ Parameters: { "x.$": "$.input.sorce" } })), { input: { source: 1 } });
    expect(r.run.status).toBe("FAILED");
    expect(r.run.error!.cause).toMatch(/\$\.input\.sorce/);
  });

  it("ExpressionEval writes at its ResultPath", async () => {
    const r = await execute(one({ Type: "ExpressionEval", Parameters: { "names.=": "[f.name for f in files if f.size > 1]", "head.=": "pathsplit('/a/b/c')" }, ResultPath: "$.out", End: true }), { files: [{ name: "a", size: 1 }, { name: "b", size: 2 }] });
    expect(r.run.state).toMatchObject({ out: { names: ["b"], head: ["/a/b", "c"] } });
  });
});

describe("Choice", () => {
  const choice = (rules: object[], def: string | null = "No") => ({
    StartAt: "C",
    States: { C: { Type: "Choice", Choices: rules, ...(def ? { Default: def } : {}) }, Yes: pass({ Result: "yes" }), Yes2: pass({ Result: "yes2" }), No: pass({ Result: "no" }) },
  });
  it.each([
    ["first match wins", [{ Variable: "$.n", NumericGreaterThan: 1, Next: "Yes" }, { Variable: "$.n", NumericGreaterThan: 0, Next: "Yes2" }], { n: 5 }, "yes"],
    ["And needs all", [{ And: [{ Variable: "$.n", NumericEquals: 5 }, { Variable: "$.s", StringEquals: "x" }], Next: "Yes" }], { n: 5, s: "y" }, "no"],
    ["Or needs one", [{ Or: [{ Variable: "$.n", NumericEquals: 4 }, { Variable: "$.s", StringEquals: "y" }], Next: "Yes" }], { n: 5, s: "y" }, "yes"],
    ["Not negates", [{ Not: { Variable: "$.s", StringEquals: "x" }, Next: "Yes" }], { s: "y" }, "yes"],
    ["a type mismatch is false", [{ Variable: "$.n", StringEquals: "5", Next: "Yes" }], { n: 5 }, "no"],
    ["a missing Variable is false", [{ Variable: "$.missing", NumericEquals: 1, Next: "Yes" }], {}, "no"],
    ["IsPresent false on a missing path", [{ Variable: "$.missing", IsPresent: false, Next: "Yes" }], {}, "yes"],
    ["IsNull", [{ Variable: "$.v", IsNull: true, Next: "Yes" }], { v: null }, "yes"],
    ["IsNumeric / IsString / IsBoolean", [{ And: [{ Variable: "$.n", IsNumeric: true }, { Variable: "$.s", IsString: true }, { Variable: "$.b", IsBoolean: true }], Next: "Yes" }], { n: 1, s: "", b: false }, "yes"],
    ["IsTimestamp", [{ Variable: "$.t", IsTimestamp: true, Next: "Yes" }], { t: "2026-01-01T00:00:00Z" }, "yes"],
    ["StringMatches with * and an escaped star", [{ Variable: "$.f", StringMatches: "run-*.h5", Next: "Yes" }, { Variable: "$.f", StringMatches: "a\\*b", Next: "Yes2" }], { f: "a*b" }, "yes2"],
    ["StringEqualsPath compares two paths", [{ Variable: "$.a", StringEqualsPath: "$.b", Next: "Yes" }], { a: "x", b: "x" }, "yes"],
    ["TimestampLessThan", [{ Variable: "$.t", TimestampLessThan: "2027-01-01T00:00:00Z", Next: "Yes" }], { t: "2026-06-01T00:00:00Z" }, "yes"],
    ["NumericLessThanEqualsPath", [{ Variable: "$.a", NumericLessThanEqualsPath: "$.b", Next: "Yes" }], { a: 2, b: 2 }, "yes"],
    ["BooleanEquals", [{ Variable: "$.b", BooleanEquals: true, Next: "Yes" }], { b: true }, "yes"],
  ])("%s", async (_n, rules, input, result) => {
    const r = await execute(choice(rules), input);
    expect(r.run.status).toBe("SUCCEEDED");
    expect(r.run.state).toBe(result);
  });

  it("no match and no Default fails the run", async () => {
    const r = await execute(choice([{ Variable: "$.n", NumericEquals: 1, Next: "Yes" }], null), { n: 2 });
    expect(r.run.status).toBe("FAILED");
    expect(r.run.error!.code).toBe("States.NoChoiceMatched");
  });
});

describe("Wait", () => {
  it("waits Seconds on the injected clock", async () => {
    const clock = new ManualClock();
    const run = start({ StartAt: "W", States: { W: { Type: "Wait", Seconds: 30, Next: "D" }, D: pass() } }, {});
    const env: EngineEnv = { clock, providers: () => new FakeProvider() };
    let r = await step(run, env);
    expect(r.wakeAt).toBe(clock.now() + 30_000);
    r = await step(r.run, env);
    expect(r.run.position?.phase).toBe("waiting");
    await clock.advance(30_000);
    r = await step(r.run, env);
    expect(r.run.position?.state).toBe("D");
  });
  it.each([
    ["Seconds 0", { Seconds: 0 }, "SUCCEEDED"],
    ["a Timestamp in the past", { Timestamp: "2000-01-01T00:00:00Z" }, "SUCCEEDED"],
    ["SecondsPath", { SecondsPath: "$.s" }, "SUCCEEDED"],
    ["TimestampPath", { TimestampPath: "$.t" }, "SUCCEEDED"],
    ["a negative SecondsPath value", { SecondsPath: "$.neg" }, "FAILED"],
  ])("%s", async (_n, fields, status) => {
    const r = await execute(one({ Type: "Wait", End: true, ...fields }), { s: 2, neg: -1, t: "2026-01-01T00:00:05Z" });
    expect(r.run.status).toBe(status);
  });
});

describe("Fail", () => {
  it("ends FAILED with Error and Cause, or their Path forms", async () => {
    const a = await execute(one({ Type: "Fail", Error: "Bad", Cause: "because" }), {});
    expect(a.run.error).toMatchObject({ code: "Bad", cause: "because", state_name: "S" });
    const b = await execute(one({ Type: "Fail", ErrorPath: "$.e", CausePath: "$.c" }), { e: "E2", c: "C2" });
    expect(b.run.error).toMatchObject({ code: "E2", cause: "C2" });
    expect(b.events.at(-1)!.code).toBe("FlowFailed");
  });
});

describe("Action", () => {
  const action = (extra: object = {}) => ({ Type: "Action", ActionUrl: AP, Parameters: { "x.$": "$.x" }, ResultPath: "$.R", End: true, ...extra });

  it("writes the action status plus state_name at ResultPath", async () => {
    const r = await execute(one(action()), { x: 1 });
    expect(r.run.status).toBe("SUCCEEDED");
    expect(r.run.state).toMatchObject({ x: 1, R: { action_id: "act-1", status: "SUCCEEDED", state_name: "S", details: { echo: { x: 1 } } } });
    expect(r.events.map((e) => e.code)).toEqual(["ActionStarted", "ActionCompleted", "FlowSucceeded"]);
  });

  it("polls an asynchronous action until it ends, doubling the interval", async () => {
    const p = new FakeProvider(() => ({ statuses: ["ACTIVE", "ACTIVE", "ACTIVE", "SUCCEEDED"] }));
    const clock = new ManualClock();
    const env: EngineEnv = { clock, providers: () => p, options: { pollInitialMs: 100, pollMaxMs: 1000 } };
    let r = await step(start(one(action()), { x: 1 }), env);
    const gaps: number[] = [];
    while (!r.done) {
      r = await step(r.run, env);
      if (r.wakeAt) {
        gaps.push(r.wakeAt - clock.now());
        await clock.advance(r.wakeAt - clock.now());
      }
    }
    expect(gaps).toEqual([100, 200, 400]);
    expect(r.run.status).toBe("SUCCEEDED");
  });

  it("FAILED raises ActionFailedException when ExceptionOnActionFailure is true", async () => {
    const r = await execute(one(action({ ExceptionOnActionFailure: true })), { x: 1 }, new FakeProvider(() => ({ statuses: ["FAILED"], details: { code: "Boom", description: "it broke" } })));
    expect(r.run.status).toBe("FAILED");
    expect(r.run.error).toMatchObject({ code: "ActionFailedException", state_name: "S" });
    expect(r.run.error!.cause).toMatch(/it broke/);
  });

  it("FAILED is stored and the run continues when ExceptionOnActionFailure is false", async () => {
    const r = await execute(one(action({ ExceptionOnActionFailure: false })), { x: 1 }, new FakeProvider(() => ({ statuses: ["FAILED"] })));
    expect(r.run.status).toBe("SUCCEEDED");
    expect((r.run.state as { R: { status: string } }).R.status).toBe("FAILED");
  });

  it("an unset ExceptionOnActionFailure stores the FAILED status (OpenAPI, official examples); configurable to raise (docs)", async () => {
    const failing = () => new FakeProvider(() => ({ statuses: ["FAILED"] }));
    expect((await execute(one(action()), { x: 1 }, failing())).run.status).toBe("SUCCEEDED");
    expect((await execute(one(action()), { x: 1 }, failing(), { exceptionOnActionFailureDefault: true })).run.status).toBe("FAILED");
  });

  it("a failed /run raises ActionUnableToRun", async () => {
    const r = await execute(one(action()), { x: 1 }, new FakeProvider(() => ({ statuses: ["SUCCEEDED"], failRun: "endpoint_id is required" })));
    expect(r.run.error).toMatchObject({ code: "ActionUnableToRun" });
    expect(r.run.error!.cause).toMatch(/endpoint_id is required/);
  });

  it("WaitTime exceeded raises ActionTimeout and cancels the action", async () => {
    const p = new FakeProvider(() => ({ statuses: ["ACTIVE"] }));
    const r = await execute(one(action({ WaitTime: 5 })), { x: 1 }, p);
    expect(r.run.error).toMatchObject({ code: "ActionTimeout" });
    expect(p.cancels).toEqual(["act-1"]);
  });

  it("INACTIVE makes the run INACTIVE until resumed", async () => {
    const p = new FakeProvider(() => ({ statuses: ["INACTIVE"], details: { code: "ConsentRequired", description: "consent needed", required_scope: "x" } }));
    const clock = new ManualClock();
    const env: EngineEnv = { clock, providers: () => p };
    const first = await runToEnd(start(one(action()), { x: 1 }), env);
    expect(first.run.status).toBe("INACTIVE");
    expect(first.run.inactive).toMatchObject({ code: "ConsentRequired", state_name: "S" });
    const resumed = await resumeRun(first.run, env);
    expect(p.resumes).toEqual(["act-1"]);
    const end = await runToEnd(resumed, env);
    expect(end.run.status).toBe("SUCCEEDED");
  });

  it("a re-issued start after a crash uses the same request id (no second action)", async () => {
    const p = new FakeProvider();
    const clock = new ManualClock();
    const env: EngineEnv = { clock, providers: () => p };
    const entered = await step(start(one(action()), { x: 1 }), env);
    expect(entered.run.position?.phase).toBe("action-start");
    // The process dies after the provider accepted the run but before the result was saved:
    await step(entered.run, env);
    const again = await step(entered.run, env);
    expect(p.runs).toHaveLength(1);
    expect(again.run.status).toBe("SUCCEEDED");
  });
});

describe("Catch", () => {
  const def = (catchers: object[], script: ConstructorParameters<typeof FakeProvider>[0]) => ({
    definition: {
      StartAt: "A",
      States: {
        A: { Type: "Action", ActionUrl: AP, Parameters: {}, ResultPath: "$.A", WaitTime: 5, ExceptionOnActionFailure: true, Catch: catchers, Next: "Ok" },
        Ok: pass({ Result: "ok", ResultPath: "$.end" }),
        Handled: pass({ Result: "handled", ResultPath: "$.end" }),
        All: pass({ Result: "all", ResultPath: "$.end" }),
      },
    },
    provider: new FakeProvider(script),
  });

  it("routes ActionFailedException to its catcher and writes the error at ResultPath", async () => {
    const { definition, provider } = def([{ ErrorEquals: ["ActionFailedException"], Next: "Handled", ResultPath: "$.err" }], () => ({ statuses: ["FAILED"], details: { description: "nope" } }));
    const r = await execute(definition, { keep: 1 }, provider);
    expect(r.run.status).toBe("SUCCEEDED");
    expect(r.run.state).toMatchObject({ keep: 1, end: "handled", err: { Error: "ActionFailedException", details: { status: "FAILED", state_name: "A" } } });
  });

  it("without ResultPath the error replaces the run state", async () => {
    const { definition, provider } = def([{ ErrorEquals: ["ActionFailedException"], Next: "Handled" }], () => ({ statuses: ["FAILED"] }));
    const r = await execute(definition, { keep: 1 }, provider);
    expect(r.run.state).toMatchObject({ Error: "ActionFailedException", end: "handled" });
    expect((r.run.state as Record<string, unknown>).keep).toBeUndefined();
  });

  it("tries catchers in order; States.ALL matches what is left", async () => {
    const catchers = [{ ErrorEquals: ["ActionTimeout"], Next: "Handled", ResultPath: "$.err" }, { ErrorEquals: ["States.ALL"], Next: "All", ResultPath: "$.err" }];
    const timeout = def(catchers, () => ({ statuses: ["ACTIVE"] }));
    expect((await execute(timeout.definition, {}, timeout.provider)).run.state).toMatchObject({ end: "handled", err: { Error: "ActionTimeout" } });
    const unable = def(catchers, () => ({ statuses: ["SUCCEEDED"], failRun: "bad input" }));
    expect((await execute(unable.definition, {}, unable.provider)).run.state).toMatchObject({ end: "all", err: { Error: "ActionUnableToRun" } });
  });
});

describe("privacy and cancel", () => {
  it("keeps __Private_Parameters and _private keys out of the log", async () => {
    const d = one({ Type: "Action", ActionUrl: AP, Parameters: { user: "u", "password.$": "$._private.pw", __Private_Parameters: ["password"] }, ResultPath: "$.R", End: true });
    const r = await execute(d, { _private: { pw: "hunter2" }, open: 1 });
    const text = JSON.stringify(r.events.map((e: LogEntry) => e.details).slice(0, 1));
    expect(text).toContain('"user":"u"');
    expect(text).not.toContain("hunter2");
    expect(JSON.stringify(r.events.at(-1))).not.toContain("_private");
  });

  it("cancel ends the run and cancels its active action", async () => {
    const p = new FakeProvider(() => ({ statuses: ["ACTIVE"] }));
    const clock = new ManualClock();
    const env: EngineEnv = { clock, providers: () => p };
    let r = await step(start(one({ Type: "Action", ActionUrl: AP, Parameters: {}, End: true }), {}), env);
    r = await step(r.run, env);
    r = await step({ ...r.run, cancel_requested: true }, env);
    // FAILED + FlowCanceled is the captured service response (sdk-cancel_run.default.json).
    expect(r.run.status).toBe("FAILED");
    expect(r.run.error?.code).toBe("FlowCanceled");
    expect(r.events.at(-1)!.code).toBe("FlowCanceled");
    expect(p.cancels).toEqual(["act-1"]);
    const asEnded = await step({ ...(await step(start(one(pass()), {}), env)).run, cancel_requested: true, status: "ACTIVE" }, { ...env, options: { canceledStatus: "ENDED" } });
    expect(asEnded.run.status).toBe("ENDED");
  });
});
