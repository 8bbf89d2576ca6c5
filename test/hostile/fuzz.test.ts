/**
 * Fuzzing the CLI in-process (its `run()`, one call per case): definitions, input
 * documents, flowsmith.yaml, --set values and flags, 10,000 cases in all. Every case must
 * end with a documented exit code (0-6), a non-zero one with a message, never a stack
 * trace, never "unexpected failure" (the catch-all for bugs), and nothing may escape as an
 * uncaught exception or unhandled rejection. Seeded, so a failure reproduces.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CORPUS, REPO } from "../support/paths.js";
import { cli, type InProcessRun } from "./in-process.js";

const SEED = Number(process.env.FUZZ_SEED ?? 20261204);
const DOCUMENTED = new Set([0, 1, 2, 3, 4, 5, 6]);
let cases = 0;
const escaped: unknown[] = [];
const onEscape = (e: unknown) => escaped.push(e);
const SAVED_ENV = { ...process.env };

let dir: string;
let project: string;
let configProject: string;

beforeAll(() => {
  process.on("uncaughtException", onEscape);
  process.on("unhandledRejection", onEscape);
  // No real credentials or services: every case stays on this machine.
  for (const k of Object.keys(process.env)) if (k.startsWith("GLOBUS_") || k === "FLOWSMITH_ENV") delete process.env[k];
  dir = mkdtempSync(join(tmpdir(), "flowsmith-fuzz-"));
  // A project with one flow (for --set through run-flow --dry-run) and a local environment.
  project = join(dir, "project");
  mkdirSync(join(project, "flows"), { recursive: true });
  mkdirSync(join(project, "schemas"));
  mkdirSync(join(project, "node_modules"));
  symlinkSync(REPO, join(project, "node_modules", "flowsmith"));
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "fuzz", private: true, type: "module" }));
  writeFileSync(join(project, "flowsmith.yaml"), "project: fuzz\nenvironments:\n  local:\n    kind: local\n");
  writeFileSync(join(project, "flows", "hello.flow.ts"), 'import { defineFlow, pass } from "flowsmith";\nexport default defineFlow({ name: "hello", title: "Hello", build: () => pass("Hi", { result: 1, resultPath: "$.out" }) });\n');
  writeFileSync(join(project, "schemas", "hello.json"), JSON.stringify({ type: "object", properties: { a: { type: "object" }, n: { type: "integer", minimum: 0 }, s: { type: "string", maxLength: 20 } } }));
  // A project whose flowsmith.yaml each case rewrites (no flows: nothing slow to load).
  configProject = join(dir, "config");
  mkdirSync(configProject);
});

afterAll(() => {
  process.off("uncaughtException", onEscape);
  process.off("unhandledRejection", onEscape);
  for (const k of Object.keys(process.env)) if (!(k in SAVED_ENV)) delete process.env[k];
  Object.assign(process.env, SAVED_ENV);
  rmSync(dir, { recursive: true, force: true });
  // The total over all fuzz tests, for the record (the issue asks for 10,000).
  console.log(`fuzz: ${cases} cases, ${escaped.length} uncaught`);
  if (cases === Object.values(RUNS).reduce((a, b) => a + b, 0)) expect(cases).toBe(10_000);
});

/** The contract every case is held to. */
function check(r: InProcessRun, what: string, allowed: ReadonlySet<number> = DOCUMENTED): void {
  cases++;
  const all = `${r.stdout}\n${r.stderr}`;
  const where = `${what}\n--- exit ${r.code}\n${all.slice(0, 2000)}`;
  expect(allowed.has(r.code), where).toBe(true);
  if (r.code !== 0) expect(all.trim().length, where).toBeGreaterThan(0);
  expect(all, where).not.toMatch(/unexpected failure|Maximum call stack|\n\s+at [^\n]*\(?(file:\/\/|\/)[^\n]*:\d+:\d+\)?/);
  expect(escaped, where).toEqual([]);
}

// --- generators -------------------------------------------------------------------------

const corpusTexts = readdirSync(CORPUS)
  .filter((f) => f.endsWith(".json") && !f.includes("schema"))
  .slice(0, 40)
  .map((f) => readFileSync(join(CORPUS, f), "utf8"));

const stateName = fc.constantFrom("A", "B", "C", "Transfer", "Choose", "Done", "", "x".repeat(129), "__proto__", "constructor");
const pathish = fc.oneof(fc.constantFrom("$", "$.a", "$.input.b", "$.a[0]", "$..x", "$.a[?(@.b > 1)]", "$.", "$[", "a.b", "$._context.run_id"), fc.string({ maxLength: 12 }));
const exprish = fc.oneof(fc.constantFrom("a + 1", "`$.x` == 2", "len(a)", "(", "a if b else c", "x[0:2]", "'s' * 3", "1 / 0"), fc.string({ maxLength: 16 }));
const params = fc.dictionary(
  fc.oneof(fc.constantFrom("a", "b.$", "c.=", "__proto__", "x.$", "x"), fc.string({ maxLength: 6 })),
  fc.oneof(pathish, exprish, fc.jsonValue({ maxDepth: 2 })),
  { maxKeys: 4 },
);
const state = fc.record(
  {
    Type: fc.oneof(fc.constantFrom("Pass", "Action", "Choice", "Wait", "Fail", "ExpressionEval", "Task", "Map"), fc.string({ maxLength: 5 })),
    Next: stateName,
    End: fc.oneof(fc.boolean(), fc.jsonValue({ maxDepth: 0 })),
    ActionUrl: fc.constantFrom("https://transfer.actions.globus.org/transfer", "https://compute.actions.globus.org/v3", "https://actions.globus.org/hello_world", "http://x", "not a url"),
    Parameters: params,
    ResultPath: pathish,
    InputPath: pathish,
    Seconds: fc.oneof(fc.integer({ min: -5, max: 100 }), fc.double(), fc.string({ maxLength: 3 })),
    SecondsPath: pathish,
    WaitTime: fc.oneof(fc.integer({ min: -1, max: 10_000 }), fc.double()),
    Choices: fc.array(fc.record({ Variable: pathish, StringEquals: fc.string({ maxLength: 4 }), NumericGreaterThan: fc.double(), Next: stateName, And: fc.array(fc.record({ Variable: pathish, BooleanEquals: fc.boolean() }), { maxLength: 2 }) }, { requiredKeys: [] }), { maxLength: 3 }),
    Default: stateName,
    Catch: fc.array(fc.record({ ErrorEquals: fc.array(fc.constantFrom("States.ALL", "ActionFailedException", 3 as unknown as string), { maxLength: 2 }), Next: stateName, ResultPath: pathish }, { requiredKeys: [] }), { maxLength: 2 }),
    Error: fc.string({ maxLength: 6 }),
    Cause: fc.string({ maxLength: 6 }),
    Comment: fc.string({ maxLength: 8 }),
  },
  { requiredKeys: ["Type"] },
);
const structuredDefinition = fc.record(
  { StartAt: stateName, States: fc.dictionary(stateName, state, { maxKeys: 5 }), Comment: fc.string({ maxLength: 5 }) },
  { requiredKeys: [] },
);

/** Text edits of a real definition: truncation, insertions, deletions, swapped bytes. */
const mutated = fc
  .record({ base: fc.constantFrom(...corpusTexts), edits: fc.array(fc.tuple(fc.nat(), fc.constantFrom("insert", "delete", "replace", "truncate"), fc.string({ maxLength: 4, unit: "binary" })), { minLength: 1, maxLength: 4 }) })
  .map(({ base, edits }) => {
    let t = base;
    for (const [at, op, s] of edits) {
      const i = t.length ? at % t.length : 0;
      if (op === "insert") t = t.slice(0, i) + s + t.slice(i);
      else if (op === "delete") t = t.slice(0, i) + t.slice(i + 1 + (at % 7));
      else if (op === "replace") t = t.slice(0, i) + s + t.slice(i + s.length);
      else t = t.slice(0, i);
    }
    return t;
  });

const yamlAliases = fc.constantFrom("a: &x [*x]\n", "a: &x {b: *x}\n", "a: &a [1]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n", "<<: *nope\n", "a: !!binary AAAA\n", "? [a]\n: b\n", "a: 1\na: 2\n", "- &x\n  - *x\n");
const bytes = fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b));
const nested = fc.integer({ min: 200, max: 400 }).map((n) => "[".repeat(n) + "]".repeat(n));

type Doc = { text: string | Buffer; ext: "json" | "yaml" };
const documentOf = (value: fc.Arbitrary<unknown>): fc.Arbitrary<Doc> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.tuple(value, fc.constantFrom("json" as const, "yaml" as const)).map(([v, ext]) => ({ text: JSON.stringify(v) ?? "null", ext })) },
    { weight: 2, arbitrary: mutated.map((text) => ({ text, ext: "json" as const })) },
    { weight: 1, arbitrary: yamlAliases.map((text) => ({ text, ext: "yaml" as const })) },
    { weight: 1, arbitrary: bytes.map((text) => ({ text, ext: "json" as const })) },
    { weight: 1, arbitrary: nested.map((text) => ({ text, ext: "yaml" as const })) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((text) => ({ text, ext: "yaml" as const })) },
  );

let fileNo = 0;
function put(doc: Doc, base = dir): string {
  const f = join(base, `case-${fileNo++}.${doc.ext}`);
  writeFileSync(f, doc.text);
  return f;
}

/** Cases per property (10,000 in all), run in tests of at most CHUNK cases so none nears 20 s. */
const RUNS = { definitions: 2500, inputs: 2000, configs: 2500, sets: 1000, flags: 2000 };
const CHUNK = 500;

/** `it` once per chunk of `total` cases, each chunk with its own seed. */
function chunked(title: string, total: number, seed: number, body: (numRuns: number, seed: number) => Promise<void>): void {
  for (let i = 0, n = 0; n < total; i++, n += CHUNK) {
    const runs = Math.min(CHUNK, total - n);
    it(`${title} (cases ${n + 1}-${n + runs} of ${total})`, () => body(runs, seed * 100 + i), 20_000);
  }
}

// --- the properties ---------------------------------------------------------------------

describe("fuzz", () => {
  chunked("definitions through validate", RUNS.definitions, SEED, async (numRuns, seed) => {
    await fc.assert(
      fc.asyncProperty(documentOf(fc.oneof(structuredDefinition, fc.jsonValue({ maxDepth: 4 }))), fc.boolean(), async (doc, json) => {
        const f = put(doc);
        check(await cli(["validate", f, ...(json ? ["--json"] : [])], dir), `validate ${doc.ext}: ${String(doc.text).slice(0, 300)}`, new Set([0, 1]));
      }),
      { numRuns, seed },
    );
  });

  chunked("input documents and schemas through validate --input", RUNS.inputs, SEED + 1, async (numRuns, seed) => {
    const def = put({ text: JSON.stringify({ StartAt: "A", States: { A: { Type: "Pass", InputPath: "$.a", End: true } } }), ext: "json" });
    const schema = fc.oneof(
      fc.constant({ type: "object", required: ["a"], properties: { a: { type: "string", format: "uuid" }, n: { type: "integer" } }, additionalProperties: false }),
      fc.constant({ type: "object", properties: { a: { $ref: "#/definitions/x" } }, definitions: { x: { type: "array", items: { $ref: "#/definitions/x" } } } }),
      fc.jsonValue({ maxDepth: 3 }),
    );
    await fc.assert(
      fc.asyncProperty(documentOf(fc.jsonValue({ maxDepth: 5 })), schema, async (input, s) => {
        const sf = put({ text: JSON.stringify(s) ?? "null", ext: "json" });
        const inf = put(input);
        check(await cli(["validate", def, "--schema", sf, "--input", inf], dir), `input ${String(input.text).slice(0, 200)} schema ${JSON.stringify(s).slice(0, 200)}`, new Set([0, 1]));
      }),
      { numRuns, seed },
    );
  });

  chunked("flowsmith.yaml read by local status, whoami and validate", RUNS.configs, SEED + 2, async (numRuns, seed) => {
    const envBody = fc.record(
      {
        kind: fc.oneof(fc.constantFrom("local", "globus"), fc.string({ maxLength: 4 })),
        credentials: fc.constantFrom("client", "login", "auto", "nope"),
        port: fc.oneof(fc.integer({ min: -1, max: 70000 }), fc.string({ maxLength: 3 })),
        collections: fc.dictionary(fc.string({ maxLength: 6 }), fc.record({ id: fc.oneof(fc.uuid(), fc.string({ maxLength: 8 })), root: fc.string({ maxLength: 8 }) }, { requiredKeys: [] }), { maxKeys: 2 }),
        compute_endpoints: fc.dictionary(fc.string({ maxLength: 6 }), fc.record({ id: fc.uuid(), workers: fc.integer({ min: -1, max: 100 }), pass_env: fc.array(fc.string({ maxLength: 6 }), { maxLength: 2 }) }, { requiredKeys: [] }), { maxKeys: 2 }),
        values: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
      },
      { requiredKeys: [] },
    );
    const config = fc.record(
      { project: fc.oneof(fc.constant("fuzz"), fc.string({ maxLength: 8 })), default_environment: fc.constantFrom("local", "prod", "", "x"), environments: fc.dictionary(fc.constantFrom("local", "prod", "ci", "bad name"), envBody, { maxKeys: 3 }) },
      { requiredKeys: [] },
    );
    const text = fc.oneof(
      { weight: 5, arbitrary: config.map((c) => JSON.stringify(c)) },
      { weight: 2, arbitrary: fc.tuple(config, yamlAliases).map(([c, a]) => `${a}${JSON.stringify(c).slice(1, -1).replace(/,"/g, '\n"')}\n`) },
      { weight: 1, arbitrary: fc.constantFrom("", "# only a comment\n", "---\n", "- a\n", "42\n", "environments:\n  local:\n    values:\n      a: &x [*x]\n") },
      { weight: 1, arbitrary: bytes },
      { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
    );
    const command = fc.constantFrom(["local", "status", "--json"], ["whoami", "--json"], ["whoami"], ["validate"], ["local", "status", "--env", "prod"]);
    await fc.assert(
      fc.asyncProperty(text, command, async (t, args) => {
        writeFileSync(join(configProject, "flowsmith.yaml"), t);
        check(await cli([...args], configProject), `${args.join(" ")} with flowsmith.yaml:\n${String(t).slice(0, 400)}`, new Set([0, 1, 3, 6]));
      }),
      { numRuns, seed },
    );
  });

  chunked("--set values through run-flow --dry-run", RUNS.sets, SEED + 3, async (numRuns, seed) => {
    const key = fc.oneof(
      fc.constantFrom("a", "n", "s", "a.b", "a.b.c", "__proto__", "a.__proto__.x", "constructor.prototype", "a..b", ".a", "a.", "", "prototype"),
      fc.array(fc.oneof(fc.constantFrom("a", "b", "__proto__", "toString", "0"), fc.string({ maxLength: 4 })), { minLength: 1, maxLength: 4 }).map((k) => k.join(".")),
    );
    const value = fc.oneof(fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)), fc.string({ maxLength: 12 }), fc.constantFrom("1", "-1", "1e999", "{", '{"__proto__":{"x":1}}', "[]", "null"));
    const assignment = fc.oneof({ weight: 6, arbitrary: fc.tuple(key, value).map(([k, v]) => `${k}=${v}`) }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(assignment, { minLength: 1, maxLength: 3 }), fc.boolean(), async (sets, json) => {
        const args = ["run-flow", "hello", "--dry-run", ...sets.flatMap((s) => ["--set", s]), ...(json ? ["--json"] : [])];
        check(await cli(args, project), args.join(" "), new Set([0, 1]));
      }),
      { numRuns, seed },
    );
    expect(Object.prototype).not.toHaveProperty("x");
  });

  chunked("flags and arguments of every command that runs offline", RUNS.flags, SEED + 4, async (numRuns, seed) => {
    // Commands that start a runtime, open a browser, block in the foreground or run the
    // demo are left out; `runs` ids are mostly malformed (refused before any request).
    const commands = fc.constantFrom(
      ["validate"], ["graph"], ["import"], ["types"], ["build"], ["endpoint-config"], ["functions", "list"], ["local", "status"], ["whoami"],
      ["runs", "show"], ["runs", "log"], ["runs", "cancel"], ["run-flow"], ["nosuch"], [],
    );
    const word = fc.oneof(
      fc.constantFrom("--json", "--help", "-h", "--version", "--env", "local", "prod", "--format", "dot", "mermaid", "--schema", "--input", "--name", "x", "--check", "--force", "--account", "--queue", "--walltime", "polaris", "perlmutter", "-o", "--dry-run", "--set", "a=1", "--rundir", "--watch", "--settle", "-1", "--poll", "0", "--once", "--limit", "0", "101", "--status", "BOGUS", "hello", "nosuch", "/dev/zero", "/dev/null", ".", "..", "--", "-", "--no-such-flag", "not-a-uuid", "--output", "full", "weird"),
      fc.string({ maxLength: 8 }).filter((s) => !/^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(s)),
    );
    await fc.assert(
      fc.asyncProperty(commands, fc.array(word, { maxLength: 5 }), async (cmd, rest) => {
        let args = [...cmd, ...rest];
        // run-flow only without a wait: --dry-run, or it names no flow that exists.
        if (cmd[0] === "run-flow" && rest.includes("hello") && !rest.includes("--dry-run")) args = [...args, "--dry-run"];
        if (cmd[0] === "run-flow" && rest.includes("--watch")) args = args.filter((a) => a !== "--watch");
        // `types` and `import` write files: only in a scratch copy of nothing (configProject has no flows).
        const cwd = cmd[0] === "types" || cmd[0] === "import" || cmd[0] === "build" ? configProject : project;
        if (cwd === configProject) writeFileSync(join(configProject, "flowsmith.yaml"), "project: fuzz\n");
        check(await cli(args, cwd), args.join(" "));
      }),
      { numRuns, seed },
    );
  });
});
