/** Messages for one mistake are located and say what happened, whichever command meets it. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadFlow } from "../../src/project/load-flow.js";
import { REPO } from "../support/paths.js";
import { cli } from "./in-process.js";
import { flowsmith } from "../support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "flowsmith-msg-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, "flows"));
mkdirSync(join(dir, "node_modules"));
symlinkSync(REPO, join(dir, "node_modules", "flowsmith"));
writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "msg", private: true, type: "module" }));
const flow = (name: string, text: string) => {
  const p = join(dir, "flows", `${name}.flow.ts`);
  writeFileSync(p, text);
  return p;
};
const HELLO = 'import { defineFlow, pass } from "flowsmith";\nexport default defineFlow({ name: "ok", title: "OK", build: () => pass("Hi", {}) });\n';
flow("ok", HELLO);
flow("other", HELLO.replace('"ok"', '"other"'));

describe("loading flow files", () => {
  it("shows esbuild's syntax error with file:line:col", async () => {
    const f = flow("syn", 'import { defineFlow } from "flowsmith";\nconst x = ;\nexport default x;\n');
    const l = await loadFlow(f);
    expect(l.diagnostics[0]).toMatchObject({ code: "DSL_ERROR", source: { file: f, line: 2, column: 11 } });
    expect(l.diagnostics[0]!.message).toMatch(/syntax error in syn\.flow\.ts: Unexpected ";"/);
    expect(l.diagnostics[0]!.message).not.toMatch(/Transform failed/);
  });

  it("places an exception thrown while loading at the throwing line and calls it a runtime error", async () => {
    const f = flow("thr", 'import { defineFlow } from "flowsmith";\n\nconst n: number = 2;\nif (n) throw new Error("no config here");\nexport default defineFlow({ name: "thr", title: "t", build: () => { throw new Error("x"); } });\n');
    // A subprocess: the CLI's stack traces are source-mapped by tsx (vitest's are not).
    const r = flowsmith(["validate", f], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/thr\.flow\.ts:4:14: error DSL_ERROR: runtime error while loading thr\.flow\.ts: no config here/);
    expect(r.stdout).not.toMatch(/TypeScript error/);
  });

  it("says 'title is required' for a flow without a title", async () => {
    const f = flow("notitle", 'import { defineFlow, pass } from "flowsmith";\nexport default defineFlow({ name: "notitle", build: () => pass("Hi", {}) } as never);\n');
    const l = await loadFlow(f);
    expect(l.diagnostics.map((d) => d.message).join("\n")).toMatch(/title is required/);
  });

  it("reports invalid UTF-8 in a flow file with line:col", async () => {
    const f = join(dir, "flows", "latin.flow.ts");
    writeFileSync(f, Buffer.concat([Buffer.from("// caf"), Buffer.from([0xe9]), Buffer.from("\n")]));
    const l = await loadFlow(f);
    expect(l.diagnostics[0]!.message).toMatch(/invalid UTF-8/);
    expect(l.diagnostics[0]!.source).toMatchObject({ line: 1, column: 7 });
  });
});

describe("one message for one mistake", () => {
  it("import locates definition problems like validate does", async () => {
    const def = join(dir, "broken-def.json");
    writeFileSync(def, '{\n  "StartAt": "A",\n  "States": {\n    "A": {\n      "Type": "Pass",\n      "Next": "B"\n    }\n  }\n}\n');
    const imp = await cli(["import", def, "--name", "brk"], dir);
    const val = await cli(["validate", def], dir);
    expect(imp.code).toBe(1);
    expect(imp.stderr).toMatch(/broken-def\.json:6:7: error TRANSITION_TARGET_UNDEFINED/);
    expect(val.stdout).toMatch(/broken-def\.json:6:7: error TRANSITION_TARGET_UNDEFINED/);
  });

  it("graph and run-flow both say no flow named", async () => {
    for (const args of [["graph", "nosuch"], ["run-flow", "nosuch", "--dry-run"], ["validate", "nosuch"]]) {
      const r = await cli(args, dir);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stderr, args.join(" ")).toMatch(/no flow named "nosuch"/);
    }
  });

  it("validate --input without a flow asks for the flow, naming the candidates", async () => {
    writeFileSync(join(dir, "run.json"), "{}");
    const r = await cli(["validate", "--input", "run.json"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/name the flow whose schema it is for \(flows here: .*ok.*other/);
  });
});
