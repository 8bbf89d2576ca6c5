/**
 * `flowsmith init`: the scaffold is a working flows project. Its flowsmith.yaml loads, its
 * example flow type-checks, builds and validates, its Python tests pass, its workflow is
 * sound, and the flow runs to SUCCEEDED on the local runtime from the sample run directory.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command, CommanderError } from "commander";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { checkFlowFile, CliError, generateInputType, loadFlow, validateRunInput, type InputSchema } from "../../src/index.js";
import { loadProjectConfig } from "../../src/project/config.js";
import { writeInputTypes } from "../../src/project/types.js";
import { InitConflictError, initProject, projectNameFor, WORKFLOW_PATH } from "../../src/project/init.js";
import { registerInit } from "../../src/cli/commands/init.js";
import type { Output } from "../../src/cli/output.js";
import { fillPlaceholders } from "../../src/deploy/fill.js";
import { environmentValues } from "../../src/deploy/values.js";
import { applyDefaults } from "../../src/run/defaults.js";
import { flowsmith } from "../support/cli.js";
import { REPO } from "../support/paths.js";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const EXPECTED_FILES = [
  ".github/workflows/flowsmith-publish.yml",
  ".gitignore",
  "README.md",
  "flows/hello.flow.ts",
  "flows/types/hello.input.ts",
  "flowsmith.yaml",
  "functions/hello_process.py",
  "functions/tests/test_hello_process.py",
  "package.json",
  "samples/run001/notes.txt",
  "samples/run001/readings.txt",
  "schemas/hello.json",
  "test/hello.test.ts",
  "tsconfig.json",
];

const scratch = () => mkdtempSync(join(tmpdir(), "flowsmith-init-"));

let dir: string;
beforeAll(async () => {
  // The scaffold's flow imports "flowsmith", which resolves to this repository's dist/.
  if (!existsSync(join(REPO, "dist", "src", "index.js"))) {
    const b = spawnSync(process.execPath, [join(REPO, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], { cwd: REPO, encoding: "utf8" });
    if (!existsSync(join(REPO, "dist", "src", "index.js"))) throw new Error(`building dist/ failed:\n${b.stdout}${b.stderr}`);
  }
  dir = join(scratch(), "Beamline 8.3.2 Flows");
  await initProject(dir);
  // What `npm install` would provide: flowsmith (this repository), @types/node and vitest.
  mkdirSync(join(dir, "node_modules", "@types"), { recursive: true });
  symlinkSync(REPO, join(dir, "node_modules", "flowsmith"));
  symlinkSync(join(REPO, "node_modules", "@types", "node"), join(dir, "node_modules", "@types", "node"));
  symlinkSync(join(REPO, "node_modules", "vitest"), join(dir, "node_modules", "vitest"));
});

describe("flowsmith init: the files", () => {
  it("writes the scaffold with mode 0644, named after the directory", async () => {
    const files = spawnSync("find", [".", "-type", "f", "-not", "-path", "./node_modules/*", "-not", "-path", "./.flowsmith/*"], { cwd: dir, encoding: "utf8" })
      .stdout.trim()
      .split("\n")
      .map((f) => f.slice(2))
      .sort();
    expect(files).toEqual([...EXPECTED_FILES].sort());
    for (const f of EXPECTED_FILES) expect(statSync(join(dir, f)).mode & 0o777, f).toBe(0o644);
    expect(projectNameFor(dir)).toBe("beamline-8.3.2-flows");
    expect(parse(readFileSync(join(dir, "flowsmith.yaml"), "utf8")).project).toBe("beamline-8.3.2-flows");
  });

  it("package.json: an ES module project with flowsmith and the scripts", () => {
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Obj;
    expect(pkg).toMatchObject({ name: "beamline-8.3.2-flows", private: true, type: "module" });
    // Run from this checkout, init depends on the checkout (a directory dependency) and approves its build.
    expect(pkg.devDependencies.flowsmith).toBe(`file:${REPO.replace(/\/$/, "")}`);
    expect(pkg.allowScripts).toEqual({ "better-sqlite3": true, esbuild: true, flowsmith: true });
    expect(Object.keys(pkg.scripts)).toEqual(expect.arrayContaining(["build", "validate", "deploy", "test"]));
    expect(pkg.scripts.build).toBe("flowsmith build");
    expect(pkg.scripts.validate).toBe("flowsmith validate");
    expect(pkg.scripts.test).toContain("python3 -m unittest discover -s functions/tests -t functions/tests");
  });

  it("tsconfig.json is strict NodeNext; .gitignore keeps out dependencies, builds and local state", () => {
    const ts = JSON.parse(readFileSync(join(dir, "tsconfig.json"), "utf8")) as Obj;
    expect(ts.compilerOptions).toMatchObject({ strict: true, module: "NodeNext", moduleResolution: "NodeNext", noEmit: true });
    const ignored = readFileSync(join(dir, ".gitignore"), "utf8").split("\n");
    for (const p of ["node_modules/", "dist/", "build/", ".flowsmith/"]) expect(ignored).toContain(p);
  });

  it("flows/types/hello.input.ts is what `flowsmith types` writes", async () => {
    const schema = JSON.parse(readFileSync(join(dir, "schemas", "hello.json"), "utf8")) as InputSchema;
    expect(readFileSync(join(dir, "flows", "types", "hello.input.ts"), "utf8")).toBe(await generateInputType("hello", schema));
    expect(await writeInputTypes(dir, { check: true })).toEqual([{ file: join(dir, "flows", "types", "hello.input.ts"), changed: false }]);
  });

  it("functions/hello_process.py: one public top-level function named like the file, with a docstring", () => {
    const src = readFileSync(join(dir, "functions", "hello_process.py"), "utf8");
    expect(src.match(/^def [a-z]\w*\(/gm)).toEqual(["def hello_process("]);
    expect(src).toMatch(/"""Count the lines, words and bytes/);
    for (const s of ["Args:", "Returns:", "Raises:"]) expect(src).toContain(s);
    expect(src).not.toMatch(/^(import|from) (?!os|json|fnmatch)/m);
  });

  it("the sample run directory is in place in the local source collection", () => {
    expect(readdirSync(join(dir, ".flowsmith", "collections", "source", "run001")).sort()).toEqual(["notes.txt", "readings.txt"]);
    expect(existsSync(join(dir, ".flowsmith", "collections", "destination"))).toBe(true);
  });
});

describe("flowsmith init: flowsmith.yaml", () => {
  it("loads without diagnostics: a local environment with random collection and endpoint UUIDs", () => {
    const loaded = loadProjectConfig(dir);
    expect(loaded.diagnostics).toEqual([]);
    const c = loaded.config!;
    expect(c.default_environment).toBe("local");
    expect(Object.keys(c.environments)).toEqual(["local"]);
    const local = c.environments.local!;
    expect(local.kind).toBe("local");
    expect(Object.keys(local.collections)).toEqual(["source", "destination"]);
    for (const [name, col] of Object.entries(local.collections)) {
      expect(col.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(col.root).toBe(join(dir, ".flowsmith", "collections", name));
    }
    expect(Object.keys(local.compute_endpoints)).toHaveLength(1);
    const ids = [...Object.values(local.collections).map((x) => x.id), ...Object.values(local.compute_endpoints).map((x) => x.id)];
    expect(new Set(ids).size).toBe(3);
    expect(local.values).toEqual({ source_root: "${root:source}", destination_root: "${root:destination}", destination_path: "/hello" });
    // What the schema defaults and the rundir mapper see.
    expect(environmentValues(c, local)).toMatchObject({
      "collections.source": local.collections.source!.id,
      "collections.destination": local.collections.destination!.id,
      "endpoints.compute": local.compute_endpoints.compute!.id,
      source_root: join(dir, ".flowsmith", "collections", "source"),
      destination_root: join(dir, ".flowsmith", "collections", "destination"),
    });
  });

  it("every init makes new UUIDs", async () => {
    const other = join(scratch(), "p");
    await initProject(other);
    const a = loadProjectConfig(dir).config!.environments.local!.collections.source!.id;
    const b = loadProjectConfig(other).config!.environments.local!.collections.source!.id;
    expect(a).not.toBe(b);
  });

  it("the commented-out production environment is valid once uncommented", () => {
    const text = readFileSync(join(dir, "flowsmith.yaml"), "utf8");
    const at = text.indexOf("  # production:");
    expect(at).toBeGreaterThan(0);
    const uncommented = text.slice(0, at) + text.slice(at).replace(/^  # ?/gm, "  ");
    const other = scratch();
    writeFileSync(join(other, "flowsmith.yaml"), uncommented);
    const loaded = loadProjectConfig(other);
    expect(loaded.diagnostics).toEqual([]);
    const prod = loaded.config!.environments.production!;
    expect(prod.kind).toBe("globus");
    expect(Object.keys(prod.collections)).toEqual(["source", "destination"]);
    expect(Object.keys(prod.compute_endpoints)).toEqual(["compute"]);
    expect(Object.keys(prod.values)).toEqual(["source_root", "destination_root", "destination_path"]);
  });
});

describe("flowsmith init: the example flow", () => {
  it("loads, builds and validates clean", async () => {
    const loaded = await loadFlow(join(dir, "flows", "hello.flow.ts"));
    expect(loaded.diagnostics).toEqual([]);
    const def = loaded.compiled!.definition;
    expect(Object.keys(def.States)).toEqual(["TransferRun", "ComputePaths", "Summarise", "TransferSummary", "SummariseFailed"]);
    expect(loaded.compiled!.functions).toEqual(["hello_process"]);
    const checked = await checkFlowFile(join(dir, "flows", "hello.flow.ts"));
    expect(checked.results.flatMap((r) => r.diagnostics)).toEqual([]);
  });

  it("type-checks with the project's tsconfig.json", () => {
    const r = spawnSync(process.execPath, [join(REPO, "node_modules", "typescript", "bin", "tsc"), "--noEmit", "-p", "tsconfig.json"], { cwd: dir, encoding: "utf8" });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("its rundir mapper and the schema defaults make a valid input from the sample run", async () => {
    const loaded = await loadFlow(join(dir, "flows", "hello.flow.ts"));
    const config = loadProjectConfig(dir).config!;
    const local = config.environments.local!;
    const values = environmentValues(config, local);
    const run = join(dir, ".flowsmith", "collections", "source", "run001");
    const mapped = await loaded.source!.rundir!({ path: run, name: "run001", files: ["notes.txt", "readings.txt"] }, values);
    expect(mapped).toEqual({ input: { source: { path: "/run001/" }, destination: { path: "/hello/run001/" } } });
    const schema = fillPlaceholders(loaded.compiled!.inputSchema, { functions: {}, values });
    const input = applyDefaults(schema, mapped) as Obj;
    expect(input.input).toEqual({
      source: { id: local.collections.source!.id, path: "/run001/" },
      destination: { id: local.collections.destination!.id, path: "/hello/run001/" },
      destination_root: join(dir, ".flowsmith", "collections", "destination"),
      compute_endpoint: local.compute_endpoints.compute!.id,
      pattern: "*.txt",
    });
    expect(validateRunInput(schema, input)).toEqual([]);
    await expect(async () => loaded.source!.rundir!({ path: join(dir, "samples", "run001"), name: "run001", files: ["notes.txt"] }, values)).rejects.toThrow(/is not under .* the source collection's root/);
    await expect(async () => loaded.source!.rundir!({ path: run, name: "run001", files: ["data.h5"] }, values)).rejects.toThrow(/no \.txt files/);
  });

  it("its Python tests pass", () => {
    const r = spawnSync("python3", ["-m", "unittest", "discover", "-s", "functions/tests", "-t", "functions/tests"], { cwd: dir, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Ran [1-9]\d* tests/);
    expect(r.stderr).toMatch(/\nOK\n?$/);
  });

  // The README's instructions, through the built CLI (npm test builds dist/ first).
  it.runIf(existsSync(join(REPO, "dist", "src", "cli", "commands", "run-flow.js")))("`run-flow hello --rundir` on the sample run SUCCEEDS on the local runtime: files moved, function run, summary back", () => {
    const runDir = join(dir, ".flowsmith", "collections", "source", "run001");
    const r = flowsmith(["run-flow", "hello", "--rundir", runDir, "--json"], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const run = JSON.parse(r.stdout) as Obj;
    expect(run.status).toBe("SUCCEEDED");
    expect(readdirSync(join(dir, ".flowsmith", "collections", "destination", "hello", "run001")).sort()).toEqual(["notes.txt", "readings.txt", "summary"]);
    const summary = JSON.parse(readFileSync(join(runDir, "summary", "summary.json"), "utf8")) as Obj;
    const texts = ["notes.txt", "readings.txt"].map((f) => readFileSync(join(runDir, f), "utf8"));
    expect(summary.totals).toEqual({
      files: 2,
      lines: texts.join("").split("\n").length - 1,
      words: texts.join(" ").split(/\s+/).filter(Boolean).length,
      bytes: texts.reduce((n, t) => n + Buffer.byteLength(t), 0),
    });
    expect(run.details.output.Summarise.details.result[0].totals).toEqual(summary.totals);
  });
});

describe("flowsmith init: refusals", () => {
  it("refuses a non-empty directory and lists the files it would overwrite", async () => {
    const d = scratch();
    writeFileSync(join(d, "README.md"), "mine\n");
    writeFileSync(join(d, "notes.txt"), "x");
    mkdirSync(join(d, "flows"));
    writeFileSync(join(d, "flows", "hello.flow.ts"), "// mine\n");
    let err: InitConflictError | undefined;
    try {
      await initProject(d);
    } catch (e) {
      err = e as InitConflictError;
    }
    expect(err).toBeInstanceOf(InitConflictError);
    expect(err).toBeInstanceOf(CliError);
    expect(err!.exitCode).toBe(1);
    expect(err!.conflicts).toEqual(["README.md", "flows/hello.flow.ts"]);
    expect(err!.others).toEqual(["notes.txt"]);
    expect(err!.message).toContain("files init would overwrite: README.md, flows/hello.flow.ts");
    expect(err!.hint).toMatch(/--force/);
    expect(readdirSync(d).sort()).toEqual(["README.md", "flows", "notes.txt"]);
    expect(readFileSync(join(d, "README.md"), "utf8")).toBe("mine\n");
  });

  it("--force writes anyway and reports what it overwrote; an existing .git alone is fine", async () => {
    const d = scratch();
    writeFileSync(join(d, "README.md"), "mine\n");
    writeFileSync(join(d, "notes.txt"), "x");
    const r = await initProject(d, { force: true, name: "forced" });
    expect(r.overwritten).toEqual(["README.md"]);
    expect(readFileSync(join(d, "README.md"), "utf8")).toMatch(/^# forced/);
    expect(readFileSync(join(d, "notes.txt"), "utf8")).toBe("x");
    const g = scratch();
    mkdirSync(join(g, ".git"));
    await expect(initProject(g)).resolves.toMatchObject({ overwritten: [] });
  });

  it("refuses an invalid --name", async () => {
    await expect(initProject(scratch(), { name: "My Flows" })).rejects.toThrow(/not a valid project name/);
    await expect(initProject(scratch(), { name: "-x" })).rejects.toBeInstanceOf(CliError);
  });
});

describe("flowsmith init: the GitHub Actions workflow", () => {
  const wf = () => parse(readFileSync(join(dir, WORKFLOW_PATH), "utf8")) as Obj;
  const steps = (job: Obj) => job.steps as Obj[];
  const runs = (job: Obj) => steps(job).map((s) => String(s.run ?? "")).join("\n");

  it("is the template, and parses", () => {
    expect(readFileSync(join(dir, WORKFLOW_PATH), "utf8")).toBe(readFileSync(join(REPO, "templates", "github", "flowsmith-publish.yml"), "utf8"));
    expect(Object.keys(wf().on)).toEqual(["push", "pull_request", "workflow_dispatch"]);
  });

  it("publishes on the default branch only, one at a time, with write access and the secrets", () => {
    const job = wf().jobs.publish as Obj;
    expect(job.if).toContain("github.ref_name == github.event.repository.default_branch");
    expect(job.if).toContain("github.event_name != 'pull_request'");
    expect(job.permissions).toEqual({ contents: "write" });
    expect(job.concurrency).toMatchObject({ group: expect.stringContaining("flowsmith-publish"), "cancel-in-progress": false });
    const setupNode = steps(job).find((s) => String(s.uses).startsWith("actions/setup-node"))!;
    expect(setupNode.with).toMatchObject({ "node-version": 20, cache: "npm" });
    const r = runs(job);
    expect(r).toMatch(/^npm install$/m);
    expect(r).not.toMatch(/npm ci/);
    expect(r).toContain("npx flowsmith validate");
    const publish = steps(job).find((s) => String(s.run ?? "").includes("npx flowsmith publish --env production --json"))!;
    expect(publish.env).toEqual({ GLOBUS_CLIENT_ID: "${{ secrets.GLOBUS_CLIENT_ID }}", GLOBUS_CLIENT_SECRET: "${{ secrets.GLOBUS_CLIENT_SECRET }}" });
    expect(r.indexOf("npx flowsmith validate")).toBeLessThan(r.indexOf("npx flowsmith publish"));
    expect(r).toContain("git diff --quiet flowsmith.lock.json ||");
    expect(r).toContain('git commit -m "flowsmith: update lock file [skip ci]"');
    expect(r).toMatch(/git config user\.name/);
    expect(r).toMatch(/git push/);
  });

  it("plans on pull requests only when the credentials are there, never with secrets in an if", () => {
    const job = wf().jobs.plan as Obj;
    expect(job.if).toBe("github.event_name == 'pull_request'");
    expect(job.permissions).toEqual({ contents: "read" });
    const plan = steps(job).find((s) => String(s.run ?? "").includes("npx flowsmith publish --env production --plan"))!;
    expect(plan.if).toBe("steps.credentials.outputs.available == 'true'");
    const check = steps(job).find((s) => s.id === "credentials")!;
    expect(check.env).toMatchObject({ GLOBUS_CLIENT_ID: "${{ secrets.GLOBUS_CLIENT_ID }}" });
    for (const j of Object.values(wf().jobs) as Obj[]) for (const s of [j, ...steps(j)]) expect(String(s.if ?? "")).not.toContain("secrets.");
  });
});

describe("flowsmith init (command)", () => {
  async function initCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const output: Output = { out: (t) => void out.push(t), err: (t) => void err.push(t), color: false };
    const program = new Command("flowsmith").exitOverride().configureOutput({ writeOut: (s) => void out.push(s), writeErr: (s) => void err.push(s) });
    registerInit(program, { root: process.cwd(), output });
    for (const c of program.commands) c.exitOverride();
    try {
      await program.parseAsync(["node", "flowsmith", "init", ...args]);
      return { code: 0, stdout: out.join("\n"), stderr: err.join("\n") };
    } catch (e) {
      if (e instanceof CommanderError) return { code: e.exitCode === 0 ? 0 : 1, stdout: out.join("\n"), stderr: err.join("\n") };
      if (e instanceof CliError) return { code: e.exitCode, stdout: out.join("\n"), stderr: [...err, `error: ${e.message}`, ...(e.hint ? [`hint: ${e.hint}`] : [])].join("\n") };
      throw e;
    }
  }

  it("creates the project and prints the files and next steps; a second run is refused", async () => {
    const d = join(scratch(), "new-project");
    const r = await initCli([d, "--name", "als-flows"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/created flows project als-flows in /);
    expect(r.stdout).toContain("  flowsmith.yaml");
    expect(r.stdout).toContain("npx flowsmith run-flow hello --rundir .flowsmith/collections/source/run001");
    const again = await initCli([d]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/is not empty/);
    expect(again.stderr).toMatch(/flowsmith\.yaml/);
    expect(again.stderr).toMatch(/hint: .*--force/);
  });
});
