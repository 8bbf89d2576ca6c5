// @ts-nocheck -- CLI end-to-end: outputs are parsed JSON checked at run time.
/**
 * The official globus-flows-examples as a user meets them: `flowsmith import` the published
 * definition and schema into a fresh project whose local collections are empty directories,
 * `run-flow` with the published sample input. two_hop and move stat a destination that does
 * not exist yet (a FAILED stat they branch on), so they succeed only with Globus's
 * ExceptionOnActionFailure behaviour. admin_signoff waits for a web input that
 * `flowsmith runs respond` answers.
 */
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { flowsmith } from "../support/cli.js";
import { CORPUS, REPO } from "../support/paths.js";

const EP1 = "6c54cade-bde5-45c1-bdea-f4bd71dba2cc";
const EP2 = "31ce9ba0-176d-45a5-add3-f37d233ba47d";
const ADMIN_SRC = "11111111-4aa5-44f5-871d-f37ee5afe1c7";
const ADMIN_DST = "22222222-cf92-4d9b-9450-5ac213a52455";
const ex = (name: string, part: string) => join(CORPUS, `globus__globus-flows-examples__${name}_${part}.json`);
let dir: string;
const col = (name: string, ...p: string[]) => join(dir, "collections", name, ...p);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "flowsmith-examples-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(REPO, join(dir, "node_modules", "flowsmith"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "examples", private: true, type: "module" }));
  writeFileSync(
    join(dir, "flowsmith.yaml"),
    [
      "project: examples",
      "environments:",
      "  local:",
      "    collections:",
      `      ep1: { id: ${EP1}, root: collections/ep1 }`,
      `      ep2: { id: ${EP2}, root: collections/ep2 }`,
      `      personal: { id: ${ADMIN_SRC}, root: collections/personal, display_name: My laptop }`,
      `      enclave: { id: ${ADMIN_DST}, root: collections/enclave }`,
      "",
    ].join("\n"),
  );
  // Only what the examples need to exist beforehand: the sources and two_hop's intermediate directory.
  mkdirSync(col("ep1", "ep1-example-directory", "sub"), { recursive: true });
  writeFileSync(col("ep1", "ep1-example-directory", "a.txt"), "a");
  writeFileSync(col("ep1", "ep1-example-directory", "sub", "b.txt"), "b");
  mkdirSync(col("ep2", "ep2-intermediate-directory"), { recursive: true });
  mkdirSync(col("ep1", "source-directory"), { recursive: true });
  writeFileSync(col("ep1", "source-directory", "m.txt"), "moved");
  mkdirSync(col("personal", "path", "to"), { recursive: true });
  writeFileSync(col("personal", "path", "to", "file.txt"), "secret");
});

describe("official examples through the CLI", () => {
  it.each(["two_hop", "move"])("%s: import, then run with the sample input to SUCCEEDED", (name) => {
    const imp = flowsmith(["import", ex(`transfer_examples_${name}`, "definition"), "--name", name, "--schema", ex(`transfer_examples_${name}`, "input_schema")], { cwd: dir });
    expect(imp.code, imp.stderr + imp.stdout).toBe(0);
    const run = flowsmith(["run-flow", name, "--input", ex(`transfer_examples_${name}`, "sample_input"), "--json"], { cwd: dir });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(JSON.parse(run.stdout).status).toBe("SUCCEEDED");
  });

  it("two_hop copied the tree to the destination and cleaned the intermediate", () => {
    expect(readFileSync(col("ep1", "ep1-duplicate-example-directory", "a.txt"), "utf8")).toBe("a");
    expect(readFileSync(col("ep1", "ep1-duplicate-example-directory", "sub", "b.txt"), "utf8")).toBe("b");
    expect(existsSync(col("ep1", "ep1-example-directory", "a.txt"))).toBe(true);
  });

  it("move moved the source to the destination", () => {
    expect(readFileSync(col("ep2", "destination-directory", "m.txt"), "utf8")).toBe("moved");
    expect(existsSync(col("ep1", "source-directory"))).toBe(false);
  });

  it("admin_signoff waits for a web input; runs show lists it, runs respond answers it", () => {
    expect(flowsmith(["import", ex("web_input_examples_admin_signoff", "definition"), "--name", "admin_signoff", "--schema", ex("web_input_examples_admin_signoff", "input_schema")], { cwd: dir }).code).toBe(0);
    const started = flowsmith(["run-flow", "admin_signoff", "--input", ex("web_input_examples_admin_signoff", "sample_input"), "--no-wait", "--json"], { cwd: dir });
    expect(started.code, started.stderr + started.stdout).toBe(0);
    const runId = JSON.parse(started.stdout).run_id;
    let shown;
    for (let i = 0; i < 40; i++) {
      shown = flowsmith(["runs", "show", runId], { cwd: dir });
      if (/waiting for a web input/.test(shown.stdout)) break;
    }
    expect(shown.stdout).toMatch(/waiting for a web input: A user is requesting a data transfer into the Secure Enclave Collection/);
    expect(shown.stdout).toMatch(/Source collection: My laptop/);
    expect(shown.stdout).toMatch(/- approve: ✅ Approve/);
    const wrong = flowsmith(["runs", "respond", runId, "--set", "value=maybe"], { cwd: dir });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/"maybe" is not an option/);
    expect(wrong.stderr).toMatch(/approve \(✅ Approve\)/);
    const ok = flowsmith(["runs", "respond", runId, "--set", "value=approve"], { cwd: dir });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/answered "approve"/);
    const end = flowsmith(["runs", "show", runId, "--follow", "--json"], { cwd: dir });
    expect(end.code, end.stderr + end.stdout).toBe(0);
    expect(readFileSync(col("enclave", "file.txt"), "utf8")).toBe("secret");
    const none = flowsmith(["runs", "respond", runId, "--set", "value=approve"], { cwd: dir });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/is not waiting for a web input/);
  });
});
