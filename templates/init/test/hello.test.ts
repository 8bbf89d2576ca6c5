/**
 * The example flow end to end on the local runtime, inside this project's own test suite:
 * flowsmith/testing starts a runtime for this file (temporary collections, the compute
 * endpoint running functions/ with python3), deploys the flow and its function, and runs it
 * from a copy of samples/run001 exactly as `flowsmith run-flow hello --rundir` would.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEnvironment, type TestEnvironment } from "flowsmith/testing";

let env: TestEnvironment;

beforeAll(async () => {
  env = await startTestEnvironment();
}, 60_000);

afterAll(async () => {
  await env?.stop();
});

describe("hello", () => {
  it("copies the run to the destination, summarises it there and brings the summary back", async () => {
    const source = env.collection("source");
    const rundir = source.copyIn("samples/run001", "/run001");

    const r = await env.runFlow("hello", { rundir });

    expect(r.status, JSON.stringify(r.run.details)).toBe("SUCCEEDED");
    expect(r.states).toEqual(["TransferRun", "ComputePaths", "Summarise", "TransferSummary"]);
    // The files at the destination, and the summary back in the run directory.
    expect(env.collection("destination").list("/hello/run001")).toEqual(expect.arrayContaining(["notes.txt", "readings.txt", "summary/summary.json"]));
    const summary = source.readJson<{ files: { path: string; lines: number }[] }>("/run001/summary/summary.json");
    expect(summary.files.map((f) => f.path).sort()).toEqual(["notes.txt", "readings.txt"]);
  }, 60_000);

  it("ends in the SummariseFailed state when the function fails", async () => {
    const rundir = env.collection("source").copyIn("samples/run001", "/run002");

    // No file matches the pattern, so hello_process raises and the Catch leads to the Fail state.
    const r = await env.runFlow("hello", { rundir, set: ["input.pattern=*.csv"] });

    expect(r.status).toBe("FAILED");
    expect(r.failure?.error).toBe("SummariseFailed");
    expect(r.caught[0]).toMatchObject({ state: "Summarise", next: "SummariseFailed" });
    expect(r.states).not.toContain("TransferSummary");
  }, 60_000);

  it("can replace a step's result, to test the paths real services rarely take", async () => {
    const rundir = env.collection("source").copyIn("samples/run001", "/run003");
    env.overrideAction("Summarise", { status: "FAILED", details: { exception: "WorkerLost: the node went away" } });
    try {
      const r = await env.runFlow("hello", { rundir });
      expect(r.status).toBe("FAILED");
      expect(r.failure?.error).toBe("SummariseFailed");
    } finally {
      env.clearOverrides();
    }
  }, 60_000);
});
