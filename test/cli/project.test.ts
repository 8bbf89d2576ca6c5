/** build, graph, import and TS-flow diagnostics in a scratch project that uses flowsmith like a user's would. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { flowsmith } from "../support/cli.js";
import { CORPUS, REPO } from "../support/paths.js";

/** A project directory whose node_modules/flowsmith is this repository. */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), "flowsmith-proj-"));
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(REPO, join(dir, "node_modules", "flowsmith"));
  mkdirSync(join(dir, "flows"));
  mkdirSync(join(dir, "schemas"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "beamline-flows", type: "module", private: true }));
  return dir;
}

const FLOW = `import { action, defineFlow, pass, transfer } from "flowsmith";

export default defineFlow({
  name: "demo",
  title: "Demo",
  build: ($) => {
    const t = transfer("Move", {
      source_endpoint: "6c54cade-bde5-45c1-bdea-f4bd71dba2cc",
      destination_endpoint: "6c54cade-bde5-45c1-bdea-f4bd71dba2cc",
      DATA: [{ source_path: "/a", destination_path: "/b" }],
    });
    const bad = action("Broken", {
      url: "https://transfer.actions.globus.org/mkdir",
      parameters: { endpoint_id: "x" },
    });
    return t.next(bad).next(pass("Done"));
  },
});
`;

describe("a flows project", () => {
  it("validate points at the DSL line that made a broken state", () => {
    const dir = project();
    writeFileSync(join(dir, "flows", "demo.flow.ts"), FLOW);
    writeFileSync(join(dir, "schemas", "demo.json"), JSON.stringify({ type: "object" }));
    const r = flowsmith(["validate"], { cwd: dir });
    expect(r.code).toBe(1);
    // mkdir requires `path`: the error names demo.flow.ts line 12, the action() call.
    expect(r.stdout).toMatch(/flows\/demo\.flow\.ts:12:\d+: error PROVIDER_PARAMETER_MISSING: "Broken" does not pass "path"/);
    expect(existsSync(join(dir, "build"))).toBe(false);
    const b = flowsmith(["build"], { cwd: dir });
    expect(b.code).toBe(1);
    expect(existsSync(join(dir, "build", "demo"))).toBe(false);
  });

  it("build writes the definition and schema, graph draws it", () => {
    const dir = project();
    writeFileSync(join(dir, "flows", "demo.flow.ts"), FLOW.replace('parameters: { endpoint_id: "x" }', 'parameters: { endpoint_id: "x", path: "/new" }'));
    writeFileSync(join(dir, "schemas", "demo.json"), JSON.stringify({ type: "object", properties: {} }));
    const b = flowsmith(["build"], { cwd: dir });
    expect(b.stderr).toBe("");
    expect(b.code).toBe(0);
    const def = JSON.parse(readFileSync(join(dir, "build", "demo", "definition.json"), "utf8"));
    expect(Object.keys(def.States)).toEqual(["Move", "Broken", "Done"]);
    expect(JSON.parse(readFileSync(join(dir, "build", "demo", "input_schema.json"), "utf8"))).toEqual({ type: "object", properties: {} });
    const g = flowsmith(["graph", "demo"], { cwd: dir });
    expect(g.code).toBe(0);
    expect(g.stdout).toMatch(/^flowchart TD/);
    expect(g.stdout).toMatch(/s0 --> s1/);
    const dot = flowsmith(["graph", "demo", "--format", "dot"], { cwd: dir });
    expect(dot.stdout).toMatch(/^digraph flow \{/);
    expect(dot.stdout).toContain('"Move" -> "Broken"');
    expect(flowsmith(["graph", "demo", "--format", "svg"], { cwd: dir }).code).toBe(1);
  });

  it("a flow file that does not compile is a diagnostic, not a stack trace", () => {
    const dir = project();
    writeFileSync(join(dir, "flows", "demo.flow.ts"), "export default {;\n");
    const r = flowsmith(["validate"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/demo\.flow\.ts:1:\d+: error DSL_ERROR: syntax error in demo\.flow\.ts: /);
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at .*:\d+:\d+\)/);
  });

  it("import writes a flow that builds back to the same definition, and refuses to overwrite", () => {
    const dir = project();
    const src = join(CORPUS, "globus__globus-flows-examples__transfer_examples_two_hop_definition.json");
    const schema = join(CORPUS, "globus__globus-flows-examples__transfer_examples_two_hop_input_schema.json");
    const r = flowsmith(["import", src, "--schema", schema, "--name", "two_hop"], { cwd: dir });
    // two_hop's branch on a FAILED stat depends on the disputed ExceptionOnActionFailure default: the one warning.
    expect(r.stderr.split("\n").filter((l) => /warning|error/.test(l))).toEqual([expect.stringMatching(/warning EXCEPTION_DEFAULT_DEPENDENCE: "IdentifyPathTypes" reads whether "GetDestinationPathInfo" failed/)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/round trip verified/);
    const b = flowsmith(["build", "two_hop"], { cwd: dir });
    expect(b.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "build", "two_hop", "definition.json"), "utf8"))).toEqual(JSON.parse(readFileSync(src, "utf8")));
    expect(JSON.parse(readFileSync(join(dir, "schemas", "two_hop.json"), "utf8"))).toEqual(JSON.parse(readFileSync(schema, "utf8")));
    const again = flowsmith(["import", src, "--name", "two_hop"], { cwd: dir });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists[\s\S]*--force/);
  });

  it("import refuses a definition with errors and shows them", () => {
    const dir = project();
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ StartAt: "A", States: { A: { Type: "Pass", Next: "B" } } }));
    const r = flowsmith(["import", bad, "--name", "bad"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/TRANSITION_TARGET_UNDEFINED/);
    expect(existsSync(join(dir, "flows", "bad.flow.ts"))).toBe(false);
    expect(flowsmith(["import", bad, "--name", "Bad Name"], { cwd: dir }).stderr).toMatch(/--name "Bad Name" must be/);
  });
});
