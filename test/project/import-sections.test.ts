/**
 * A definition of more than SECTION_STATES states is imported in sections (a function
 * each) and still builds back to the same definition; `flowsmith import` caches the flow it
 * writes as JavaScript, line for line, and a later load keeps the .flow.ts lines.
 */
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { definitionToSource, SECTION_STATES } from "../../src/compile/import.js";
import type { FlowDefinition } from "../../src/definition/types.js";
import { importDefinition } from "../../src/project/import-flow.js";
import { cacheJavaScriptFlow } from "../../src/project/flow-module-cache.js";
import { loadFlow } from "../../src/project/load-flow.js";
import { FLOW_SOURCE_FACTOR } from "../../src/source/read-text.js";
import { DSL_MODULE, loadFlowSource } from "../support/flows.js";
import { REPO } from "../support/paths.js";

/** n chained states of every kind import knows, with catches and forward/backward jumps across sections, and one unreachable state. */
function definition(n: number): FlowDefinition {
  const S: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    const next = `S${i + 1}`;
    const far = `S${(i * 7919) % n}`;
    S[`S${i}`] =
      i % 4 === 0
        ? { Type: "Pass", Parameters: { "x.$": "$.input.a", n: i }, ResultPath: `$.r${i % 10}`, Next: next }
        : i % 4 === 1
          ? { Type: "Choice", Choices: [{ Variable: "$.r1", IsPresent: true, Next: next }, { Variable: "$.n", NumericGreaterThan: i, Next: far }], Default: next }
          : i % 4 === 2
            ? { Type: "Action", ActionUrl: "https://transfer.actions.globus.org/transfer", Parameters: { source_endpoint: "e1", destination_endpoint: "e2", DATA: [{ source_path: "/a", destination_path: "/b" }] }, ResultPath: "$.t", Catch: [{ ErrorEquals: ["States.ALL"], Next: far, ResultPath: "$.err" }], Next: next }
            : { Type: "Wait", Seconds: 1, Comment: "odd name \u2028 */ here", Next: next };
  }
  S[`S${n}`] = { Type: "Pass", End: true };
  S["lonely one"] = { Type: "Fail", Error: "E" };
  return { StartAt: "S0", States: S } as unknown as FlowDefinition;
}

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), "flowsmith-sections-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(REPO, join(dir, "node_modules", "flowsmith"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "sections", private: true, type: "module" }));
  return dir;
}

describe("import of a big definition", () => {
  it("writes sections of SECTION_STATES states that build back to the same definition", async () => {
    const def = definition(2 * SECTION_STATES + 7);
    const source = definitionToSource(def, { name: "sections", from: DSL_MODULE });
    expect(source.match(/^function states\d+\(\) \{$/gm)).toHaveLength(3);
    expect(source.match(/ \} = states\d+\(\);$/gm)).toHaveLength(3);
    const loaded = await loadFlowSource("sections", source);
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.compiled?.definition).toStrictEqual(def);
  });

  it("keeps a small definition in one build()", () => {
    const source = definitionToSource(definition(SECTION_STATES - 2), { name: "small" });
    expect(source).not.toMatch(/function states/);
    expect(source).toMatch(/^ {4}const s_S0 = pass\("S0"/m);
  });

  it("caches the flow it writes as JavaScript: the module loads as is and a later load uses it", async () => {
    const dir = project();
    writeFileSync(join(dir, "def.json"), JSON.stringify(definition(SECTION_STATES + 3)));
    const r = await importDefinition(dir, join(dir, "def.json"), { name: "big" });
    const cache = join(dir, "node_modules", ".cache", "flowsmith", "flows");
    const files = readdirSync(cache).sort();
    expect(files).toEqual([expect.stringMatching(/^big\.flow-[0-9a-f]{20}\.mjs$/), expect.stringMatching(/^big\.flow-[0-9a-f]{20}\.mjs\.lines$/)]);
    // Plain JavaScript: Node loads the cached module itself (a TypeScript construct would throw here).
    const mod = (await import(pathToFileURL(join(cache, files[0]!)).href)) as { default: { name: string } };
    expect(mod.default.name).toBe("big");
    expect((await loadFlow(r.flowFile)).diagnostics).toEqual([]);
  });

  it("loads flow sources up to FLOW_SOURCE_FACTOR times the document limit, and refuses bigger ones", async () => {
    const dir = project();
    mkdirSync(join(dir, "flows"));
    const small = join(dir, "flows", "small.flow.ts");
    const big = join(dir, "flows", "big.flow.ts");
    const flow = (name: string, pad: number) => `import { defineFlow, pass } from "flowsmith";\n// ${"x".repeat(pad)}\nexport default defineFlow({ name: "${name}", title: "x", inputSchema: {}, build: () => pass("A") });\n`;
    writeFileSync(small, flow("small", 1500));
    writeFileSync(big, flow("big", 2 * 1024 * FLOW_SOURCE_FACTOR));
    const saved = process.env.FLOWSMITH_MAX_FILE_BYTES;
    process.env.FLOWSMITH_MAX_FILE_BYTES = "1024";
    try {
      expect((await loadFlow(small)).compiled?.definition.States).toHaveProperty("A");
      const refused = await loadFlow(big);
      expect(refused.compiled).toBeUndefined();
      expect(refused.diagnostics[0]!.message).toMatch(/^cannot load big\.flow\.ts: is .* over the .* limit for flow sources$/);
    } finally {
      if (saved === undefined) delete process.env.FLOWSMITH_MAX_FILE_BYTES;
      else process.env.FLOWSMITH_MAX_FILE_BYTES = saved;
    }
  });

  it("names the .flow.ts line and column of a builder called from a same-lines module", async () => {
    const dir = project();
    mkdirSync(join(dir, "flows"));
    writeFileSync(join(dir, "schemas.json"), "{}");
    const file = join(dir, "flows", "dup.flow.ts");
    const source = `import { defineFlow, pass } from "flowsmith";\n\nexport default defineFlow({\n  name: "dup",\n  title: "x",\n  inputSchema: {},\n  build: () => {\n    const a = pass("A");\n      const b = pass("A");\n    return a.next(b);\n  },\n});\n`;
    writeFileSync(file, source);
    expect(cacheJavaScriptFlow(file, source.split("\n"))).toBe(true);
    const loaded = await loadFlow(file);
    const d = loaded.diagnostics.find((x) => x.code === "DSL_DUPLICATE_STATE_NAME")!;
    expect({ ...d.source }).toEqual({ file, line: 9, column: 17 });
    expect(readdirSync(join(dir, "node_modules", ".cache", "flowsmith", "flows")).some((f) => f.endsWith(".lines"))).toBe(true);
  });

  it("places an exception thrown in build() of a same-lines module at its .flow.ts line", async () => {
    const dir = project();
    mkdirSync(join(dir, "flows"));
    const file = join(dir, "flows", "boom.flow.ts");
    const source = `import { defineFlow, pass } from "flowsmith";\n\nexport default defineFlow({\n  name: "boom",\n  title: "x",\n  inputSchema: {},\n  build: () => {\n    const a = pass("A");\n    JSON.parse("{");\n    return a;\n  },\n});\n`;
    writeFileSync(file, source);
    expect(cacheJavaScriptFlow(file, source.split("\n"))).toBe(true);
    const d = (await loadFlow(file)).diagnostics[0]!;
    expect(d.message).toMatch(/^building the flow threw: /);
    expect({ ...d.source }).toEqual({ file, line: 9, column: 10 });
  });
});
