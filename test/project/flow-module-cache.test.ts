/** Flow modules are transpiled once per content and load from the cache with the same result and source lines. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadFlow } from "../../src/project/load-flow.js";
import { REPO } from "../support/paths.js";

const FLOW = (second: string, name = "dup") => `import { defineFlow, pass } from "flowsmith";

export default defineFlow({
  name: "${name}",
  title: "x",
  build: () => {
    const a = pass("A");
    const b = pass("${second}");
    return a.next(b);
  },
});
`;

function project(): { dir: string; cache: string } {
  const dir = mkdtempSync(join(tmpdir(), "flowsmith-fcache-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(REPO, join(dir, "node_modules", "flowsmith"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "fcache", private: true, type: "module" }));
  mkdirSync(join(dir, "flows"));
  mkdirSync(join(dir, "schemas"));
  for (const n of ["dup", "rel"]) writeFileSync(join(dir, "schemas", `${n}.json`), JSON.stringify({ type: "object" }));
  return { dir, cache: join(dir, "node_modules", ".cache", "flowsmith", "flows") };
}

describe("flow module cache", () => {
  it("rewrites import statements only, never an import-like text inside a string", async () => {
    const { dir, cache } = project();
    const file = join(dir, "flows", "dup.flow.ts");
    writeFileSync(file, `import { defineFlow, pass } from "flowsmith";\nexport default defineFlow({ name: "dup", title: "x", comment: "ported from 'flowsmith' examples", build: () => pass("A", { result: { note: "import x from 'flowsmith'" } }) });\n`);
    for (let i = 0; i < 2; i++) {
      const def = (await loadFlow(file)).compiled?.definition as { Comment?: string; States: Record<string, { Result?: unknown }> };
      expect(def.Comment).toBe("ported from 'flowsmith' examples");
      expect(def.States.A!.Result).toEqual({ note: "import x from 'flowsmith'" });
    }
    expect(readdirSync(cache).filter((f) => f.endsWith(".mjs"))).toHaveLength(1);
  });

  it("rewrites an import clause written over several lines (as Prettier writes long ones)", async () => {
    const { dir, cache } = project();
    const file = join(dir, "flows", "dup.flow.ts");
    writeFileSync(join(dir, "flows", "names.js"), 'export const FIRST = "A";\nexport const SECOND = "B";\n');
    writeFileSync(file, `import {\n  defineFlow,\n  pass,\n} from "flowsmith";\nimport {\n  FIRST,\n  SECOND,\n} from "./names.js";\nexport default defineFlow({ name: "dup", title: "x", build: () => pass(FIRST).next(pass(SECOND)) });\n`);
    const def = (await loadFlow(file)).compiled?.definition as { States: Record<string, unknown> };
    expect(Object.keys(def.States)).toEqual(["A", "B"]);
    const [mjs] = readdirSync(cache).filter((f) => f.endsWith(".mjs"));
    const code = readFileSync(join(cache, mjs!), "utf8");
    // Both specifiers became file URLs: the cached module loads on its own, not through tsx.
    expect(code).not.toMatch(/from\s*["'](flowsmith|\.\/names\.js)["']/);
    expect(code.match(/from\s*"file:\/\//g)).toHaveLength(2);
  });

  it("transpiles once per content; diagnostics keep the .flow.ts lines", async () => {
    const { dir, cache } = project();
    const file = join(dir, "flows", "dup.flow.ts");
    writeFileSync(file, FLOW("A"));
    const first = await loadFlow(file);
    expect(readdirSync(cache).filter((f) => f.endsWith(".mjs"))).toHaveLength(1);
    const again = await loadFlow(file);
    expect(readdirSync(cache).filter((f) => f.endsWith(".mjs"))).toHaveLength(1);
    for (const r of [first, again]) {
      const d = r.diagnostics.find((x) => x.code === "DSL_DUPLICATE_STATE_NAME")!;
      expect({ ...d.source }).toEqual({ file, line: 8, column: 15 });
    }
    writeFileSync(file, FLOW("B"));
    const changed = await loadFlow(file);
    expect(changed.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(changed.compiled?.definition.States).toHaveProperty("B");
    // The old version is pruned.
    expect(readdirSync(cache).filter((f) => f.endsWith(".mjs"))).toHaveLength(1);
  });

  it("places an exception thrown in build() of a cached flow at its .flow.ts line", async () => {
    const { dir, cache } = project();
    const file = join(dir, "flows", "dup.flow.ts");
    writeFileSync(file, FLOW("A").replace(`const b = pass("A");`, `const b: number = (null as unknown as { x: number }).x;`));
    const r = await loadFlow(file);
    expect(readdirSync(cache).filter((f) => f.endsWith(".mjs.map"))).toHaveLength(1);
    expect(r.diagnostics[0]!.message).toMatch(/^building the flow threw: .*reading 'x'/);
    expect({ ...r.diagnostics[0]!.source }).toEqual({ file, line: 8, column: 58 });
  });

  it("leaves a flow that imports another TypeScript file to tsx", async () => {
    const { dir, cache } = project();
    writeFileSync(join(dir, "flows", "names.ts"), `export const SECOND = "C";\n`);
    const file = join(dir, "flows", "rel.flow.ts");
    writeFileSync(file, FLOW("A", "rel").replace(`pass("A");\n    const b = pass("A")`, `pass("A");\n    const b = pass(SECOND)`).replace(`from "flowsmith";`, `from "flowsmith";\nimport { SECOND } from "./names.js";`));
    const r = await loadFlow(file);
    expect(r.compiled?.definition.States).toHaveProperty("C");
    expect(() => readdirSync(cache)).toThrow();
  });
});
