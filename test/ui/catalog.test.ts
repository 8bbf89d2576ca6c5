/**
 * The project view: flows built and checked as `flowsmith build` does (located
 * diagnostics), rebuilt when a file changes, and per environment deployed / changed since
 * the lock / id, read offline from the lock that `deploy-flow` writes.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { requireProjectConfig } from "../../src/project/config.js";
import { FlowCatalog } from "../../src/ui/api/flows.js";
import { flowsmith } from "../support/cli.js";
import { scratchProject } from "../support/project.js";

let dir: string;
beforeAll(() => {
  dir = scratchProject();
});

describe("FlowCatalog", () => {
  it("shows deployed, then changed since the lock, per environment", async () => {
    const deploy = flowsmith(["deploy-flow", "tomocupy_alcf", "--json"], { cwd: dir });
    expect(deploy.code, deploy.stderr).toBe(0);
    const id = JSON.parse(deploy.stdout).flows[0].id;
    const catalog = new FlowCatalog(requireProjectConfig(dir));
    const first = await catalog.list();
    const t = first.find((f) => f.name === "tomocupy_alcf")!;
    expect(t.ok).toBe(true);
    expect(t.environments).toEqual([
      { environment: "local", kind: "local", deployed: true, id, changed: false },
      { environment: "production", kind: "globus", deployed: false },
    ]);
    expect(first.find((f) => f.name === "als832_alcf")!.environments[0]).toMatchObject({ deployed: false });

    const file = join(dir, "flows", "tomocupy_alcf.flow.ts");
    const src = readFileSync(file, "utf8");
    writeFileSync(file, src.replace('title: "Tomocupy reconstruction at ALCF"', 'title: "Tomocupy at ALCF, v2"'));
    const after = (await catalog.list()).find((f) => f.name === "tomocupy_alcf")!;
    expect(after.title).toBe("Tomocupy at ALCF, v2");
    expect(after.environments[0]).toMatchObject({ deployed: true, id, changed: true });
    writeFileSync(file, src);
  }, 60_000);

  it("reports a broken flow with its located diagnostics", async () => {
    const file = join(dir, "flows", "broken.flow.ts");
    writeFileSync(file, `import { defineFlow, pass } from "flowsmith";\nexport default defineFlow({ name: "broken", title: "Broken", build: () => pass("A").next(pass("A")) });\n`);
    try {
      const catalog = new FlowCatalog(requireProjectConfig(dir));
      const b = (await catalog.list()).find((f) => f.name === "broken")!;
      expect(b.ok).toBe(false);
      expect(b.diagnostics.length).toBeGreaterThan(0);
      expect(b.diagnostics[0]).toMatchObject({ file: "flows/broken.flow.ts", severity: "error" });
      expect(b.diagnostics[0]!.line).toBeGreaterThan(0);
      const detail = await catalog.detail("tomocupy_alcf", requireProjectConfig(dir).environments.local!);
      expect(detail?.mermaid).toMatch(/^flowchart TD/);
      expect((detail?.inputSchema as { properties: { input: { properties: { destination: { properties: { id: { default: string } } } } } } }).properties.input.properties.destination.properties.id.default).toBe("5a1b0000-0000-4000-8000-0000000000a2");
    } finally {
      writeFileSync(file, "");
      (await import("node:fs")).rmSync(file);
    }
  }, 60_000);
});
