import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { flowsmith } from "../support/cli.js";
import { CORPUS } from "../support/paths.js";

const tmp = mkdtempSync(join(tmpdir(), "flowsmith-cli-"));
const write = (name: string, text: string) => {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
};

describe("flowsmith validate", () => {
  it("prints exactly the documented --json shape and exits 0 for a clean definition", () => {
    const f = join(CORPUS, "globus__globus-flows-examples__transfer_examples_simple_definition.json");
    const r = flowsmith(["validate", "--json", f]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ results: [{ file: f, diagnostics: [] }] });
  });

  it("exits 1 with located diagnostics for a broken definition", () => {
    const f = write(
      "broken.json",
      `{
  "StartAt": "A",
  "States": {
    "A": {
      "Type": "Pass",
      "Next": "B"
    }
  }
}
`,
    );
    const json = flowsmith(["validate", "--json", f]);
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.stdout);
    expect(Object.keys(parsed)).toEqual(["results"]);
    for (const d of parsed.results[0].diagnostics) expect(Object.keys(d).sort()).toEqual(["code", "message", "pointer", "severity"]);
    expect(parsed.results[0].diagnostics).toContainEqual(expect.objectContaining({ code: "TRANSITION_TARGET_UNDEFINED", pointer: "/States/A/Next", severity: "error" }));
    const human = flowsmith(["validate", f]);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/broken\.json:6:\d+: error TRANSITION_TARGET_UNDEFINED: Next of "A" names "B"/);
    expect(human.stdout).toMatch(/1 file checked: \d+ errors?/);
  });

  it("reports JSON syntax errors with the line, not a stack trace", () => {
    const f = write("syntax.json", '{\n  "StartAt": "A",\n  "States": {,}\n}\n');
    const r = flowsmith(["validate", f]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/syntax\.json:3:\d+: error PARSE_ERROR/);
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
  });

  it("reports duplicate keys", () => {
    const f = write("dup.json", '{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true, "End": true}}}');
    const r = flowsmith(["validate", "--json", f]);
    expect(JSON.parse(r.stdout).results[0].diagnostics).toContainEqual(expect.objectContaining({ code: "DUPLICATE_JSON_KEY", pointer: "/States/A/End" }));
  });

  it("validates YAML definitions with line numbers", () => {
    const f = write("flow.yaml", "StartAt: A\nStates:\n  A:\n    Type: Wait\n    Seconds: 1\n    Seconds_: 2\n    End: true\n");
    const r = flowsmith(["validate", f]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/flow\.yaml:6:\d+: error STATE_FIELD_UNKNOWN/);
  });

  it("accepts a Flows API flow document and checks its embedded schema", () => {
    const f = write("doc.json", JSON.stringify({ definition: { StartAt: "A", States: { A: { Type: "Pass", InputPath: "$.input.x", ResultPath: "$.copy", End: true } } }, input_schema: { type: "object", properties: { input: { type: "object", properties: { y: {} }, additionalProperties: false } } } }));
    const r = flowsmith(["validate", "--json", f]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).results[0].diagnostics[0]).toMatchObject({ code: "INPUT_READ_UNDECLARED", pointer: "/definition/States/A/InputPath" });
  });

  it("dry-runs an input against a schema (--schema --input) with JSON pointers", () => {
    const def = join(CORPUS, "globus__globus-flows-examples__transfer_examples_simple_definition.json");
    const schema = join(CORPUS, "globus__globus-flows-examples__transfer_examples_simple_input_schema.json");
    const good = join(CORPUS, "globus__globus-flows-examples__transfer_examples_simple_sample_input.json");
    expect(flowsmith(["validate", def, "--schema", schema, "--input", good]).code).toBe(0);
    const bad = write("bad-input.json", JSON.stringify({ source: { id: "not-a-uuid", path: "/x" }, destination: { path: 3 } }));
    const r = flowsmith(["validate", "--json", def, "--schema", schema, "--input", bad]);
    expect(r.code).toBe(1);
    const input = JSON.parse(r.stdout).results.find((x: { file: string }) => x.file === bad);
    expect(input.diagnostics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: "INPUT_INVALID", pointer: "/source/id" }),
        expect.objectContaining({ code: "INPUT_INVALID", pointer: "/destination/path" }),
        expect.objectContaining({ code: "INPUT_INVALID", pointer: "/destination/id" }),
      ]),
    );
  });

  it("validates every seed flow clean", () => {
    const r = flowsmith(["validate", "--json"]);
    expect(r.code).toBe(0);
    const results = JSON.parse(r.stdout).results as { file: string; diagnostics: unknown[] }[];
    expect(results.filter((x) => x.file.endsWith(".flow.ts")).map((x) => x.file.split("/").pop()).sort()).toEqual(["als832_alcf.flow.ts", "als832_prune.flow.ts", "cosmic_bl7012.flow.ts", "frib_e21062.flow.ts", "tomocupy_alcf.flow.ts"]);
    for (const x of results) expect(x.diagnostics).toEqual([]);
  });

  it("documents exit codes and rejects unknown flags with exit 1", () => {
    const help = flowsmith(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Exit codes:[\s\S]*3\s+authentication/);
    const bad = flowsmith(["validate", "--no-such-flag"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/unknown option '--no-such-flag'/);
    const missing = flowsmith(["validate", "no_such_flow"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no flow named "no_such_flow"/);
  });
});
