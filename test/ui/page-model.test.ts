/**
 * The page's pure parts: the graph it draws is the Mermaid text `flowsmith graph` prints
 * (every state, every transition, catches dashed), and a run's log becomes steps with
 * their input, output and duration (the recorded Flows log fixture).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { toMermaid } from "../../src/compile/render-graph.js";
import { parseMermaid } from "../../src/ui/app/mermaid.js";
import { stepsOf } from "../../src/ui/app/steps.js";
import { REPO, FIXTURES } from "../support/paths.js";

const golden = (n: string) => JSON.parse(readFileSync(join(REPO, "test", "golden", `${n}.definition.json`), "utf8"));

describe("graph from the Mermaid output", () => {
  for (const name of ["als832_alcf", "cosmic_bl7012", "frib_e21062", "tomocupy_alcf"]) {
    it(`${name}: one box per state, the start and end, every transition`, () => {
      const def = golden(name);
      const g = parseMermaid(toMermaid(def));
      const states = g.nodes.filter((n) => n.shape !== "terminal").map((n) => n.name);
      expect(states.sort()).toEqual(Object.keys(def.States).sort());
      expect(g.nodes.filter((n) => n.shape === "terminal").map((n) => n.id).sort()).toEqual(["finish", "start"]);
      const byId = new Map(g.nodes.map((n) => [n.id, n.name]));
      const edges = g.edges.map((e) => `${byId.get(e.from)}>${byId.get(e.to)}`);
      expect(edges[0]).toBe(`start>${def.StartAt}`);
      for (const [s, st] of Object.entries<Record<string, unknown>>(def.States)) {
        if (typeof st.Next === "string") expect(edges).toContain(`${s}>${st.Next}`);
        for (const c of (st.Catch as { Next: string }[] | undefined) ?? []) expect(g.edges.some((e) => e.dashed && byId.get(e.from) === s && byId.get(e.to) === c.Next)).toBe(true);
        if (st.End === true) expect(edges).toContain(`${s}>end`);
      }
    });
  }

  it("keeps quotes, Choice and Fail shapes and edge labels", () => {
    const g = parseMermaid(toMermaid({ StartAt: "Pick", States: { Pick: { Type: "Choice", Choices: [{ Variable: "$.x", BooleanEquals: true, Next: 'Say "hi"' }], Default: "Oops" }, 'Say "hi"': { Type: "Pass", End: true }, Oops: { Type: "Fail" } } } as never));
    expect(g.nodes.find((n) => n.name === "Pick")?.shape).toBe("choice");
    expect(g.nodes.find((n) => n.name === "Oops")?.shape).toBe("fail");
    expect(g.nodes.some((n) => n.name === 'Say "hi"')).toBe(true);
    expect(g.edges.map((e) => e.label).filter(Boolean)).toEqual(["rule 1", "default"]);
  });
});

describe("steps from a run log", () => {
  it("pairs Started and Completed entries of the recorded log", () => {
    const log = JSON.parse(readFileSync(join(FIXTURES, "flows", "sdk-get_run_logs.default.json"), "utf8"));
    const steps = stepsOf(log.entries);
    expect(steps.length).toBeGreaterThan(0);
    const first = steps[0]!;
    expect(first).toMatchObject({ state: "SyncHelloWorld", type: "Action", start: "2023-04-25T18:54:30.715000+00:00", end: "2023-04-25T18:54:31.850000+00:00", input: { echo_string: "sync!" } });
    expect((first.output as { status: string }).status).toBe("SUCCEEDED");
  });

  it("keeps a caught failure's error and cause on the step", () => {
    const steps = stepsOf([
      { time: "2026-01-01T00:00:00Z", code: "ActionStarted", details: { state_name: "Run", state_type: "Action", input: {} } },
      { time: "2026-01-01T00:00:05Z", code: "ActionCaught", details: { state_name: "Run", error: "ActionFailedException", cause: "Traceback…" } },
    ]);
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ end: "2026-01-01T00:00:05Z", output: { error: "ActionFailedException", cause: "Traceback…" } });
  });
});
